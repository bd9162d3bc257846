"""Capacity: saturated throughput of the four busiest pages under wrk, before and after.

    python -m bench.capacity --database bench_wuye [--before e9fae3e] [--rounds 3]
                             [--duration 15] [--connections 10] [--workers 5]

Starts gunicorn (sync workers, as deployed) twice against the same database: once for the git
ref --before, checked out in a temporary worktree (/tmp/cap-before-<ref>), and once for the
current tree (uncommitted changes included). Logs in to each through the real login form
(its CSRF token, the regional supervisor's account), then drives each page with wrk
(Debian's `wrk`; installed with apt-get when missing and allowed) for --duration seconds at
--connections connections, enough to keep every worker busy: that is the saturated
throughput. A wrk Lua script varies the URL request by request (list pages 1-20, search terms
from surnames and phone digits, 200 different tickets), and counts any answer other than 200
(a lost session shows as a redirect to the login page) as an error.

Per page the two servers take turns, before, after, before, after (--rounds times), so load
from other jobs on the machine lands on both sides alike. Beside each figure: the load
average, and the CPU the gunicorn workers spent per request (their user + system time over
the run divided by the requests answered), which depends less on the machine's load than
req/s does. Prints the table and writes bench/results/capacity.{md,json}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from statistics import median

from .generate import database_url
from .pages import RESULTS

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/3"  # never 0: development's and CI's
USER = "regional"  # seed.large: a supervisor over a quarter of the estates
AGENT = "bench-capacity"  # the same on login and in wrk: sessions are bound to it ("strong")
PAGES = ("ticket list", "ticket search", "ticket details", "dashboard")
SURNAMES = "张王李刘陈杨赵黄周吴徐孙马朱胡"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = """
paths = {%(paths)s}
counter = %(offset)d
bad = 0
local threads = {}

function setup(thread)
  thread:set("counter", #threads * 7919)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write(string.format("BENCH bad=%%d requests=%%d p50=%%.3f p90=%%.3f p99=%%.3f mean=%%.3f\\n",
    n, summary.requests, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    line = "apt-get install -y wrk"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"wrk is missing: {line}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "install", "-y", "wrk"], env=env)
        found = shutil.which("wrk")
    if not found:
        sys.exit(f"bench.capacity needs wrk (Debian package): sudo {line}")
    return found


# ---- the two trees ---------------------------------------------------------------------


def checkout(ref: str) -> Path:
    """The ref in a detached worktree of its own (reused when it is already there)."""
    commit = subprocess.check_output(["git", "rev-parse", ref], cwd=ROOT, text=True).strip()
    where = Path(tempfile.gettempdir()) / f"cap-before-{commit[:9]}"
    if where.exists():
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, text=True, capture_output=True
        ).stdout.strip()
        if head == commit:
            return where
        subprocess.call(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT)
    subprocess.check_call(
        ["git", "worktree", "add", "--detach", str(where), commit],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return where


def compile_catalogs(tree: Path) -> None:
    """The .mo files are built, not committed (.gitignore): a fresh checkout has none and
    would show untranslated pages, which cost less to render than the real ones."""
    if list((tree / "admin_app" / "translations").glob("*/LC_MESSAGES/messages.mo")):
        return
    subprocess.check_call(
        [
            sys.executable,
            "-c",
            "from admin_app.translations_build import compile_catalogs; compile_catalogs()",
        ],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


def remove_checkout(where: Path) -> None:
    subprocess.call(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT)


@dataclass
class Server:
    label: str
    tree: Path
    port: int
    workers: int
    env: dict
    log: Path
    process: subprocess.Popen | None = None
    cookie: str = ""
    results: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [
            gunicorn,
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--no-control-socket",  # its default path is shared by every gunicorn on the host
            "wsgi:app",
        ]
        env = {**self.env, "PYTHONPATH": str(self.tree)}
        self.handle = self.log.open("w")
        self.process = subprocess.Popen(
            command, cwd=self.tree, env=env, stdout=self.handle, stderr=subprocess.STDOUT
        )
        started = time.monotonic()
        while time.monotonic() - started < 180:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.label}: gunicorn exited, see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=10) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"{self.label}: gunicorn did not answer, see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.handle.close()

    def login(self, password: str) -> None:
        """The real login form: its CSRF token, then the POST; keeps the session cookie."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        opener.addheaders = [("User-Agent", AGENT)]
        with opener.open(self.base + "/login", timeout=60) as answer:
            page = answer.read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', page) or re.search(
            r'value="([^"]*)"[^>]*name="csrf_token"', page
        )
        if token is None:
            raise SystemExit(f"{self.label}: no csrf_token on the login page")
        form = urllib.parse.urlencode(
            {"username": USER, "password": password, "csrf_token": token.group(1)}
        ).encode()
        try:
            opener.open(self.base + "/login", data=form, timeout=60)
            raise SystemExit(f"{self.label}: the login was refused ({USER})")
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302 or "/login" in redirect.headers.get("Location", ""):
                raise SystemExit(f"{self.label}: the login was refused ({redirect.code})") from None
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in jar)

    def worker_cpu(self) -> float:
        """Seconds of CPU the workers have used so far (live workers only)."""
        total = 0.0
        for pid in children(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        return total


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a task that ended meanwhile
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


# ---- what the pages are ----------------------------------------------------------------


def page_paths(database: str, rng: random.Random) -> dict[str, list[str]]:
    import psycopg

    with psycopg.connect(database_url(database)) as conn:
        estates = [
            e
            for (e,) in conn.execute(
                "SELECT estate_id FROM staff_estate JOIN staff ON staff.id = staff_id "
                "WHERE username = %s",
                (USER,),
            )
        ]
        newest = conn.execute(
            "SELECT max(id) FROM ticket WHERE estate_id = ANY(%s)", (estates,)
        ).fetchone()[0]
        # 200 tickets spread over the user's estates, old and new (different history lengths)
        tickets = [
            i
            for (i,) in conn.execute(
                "SELECT id FROM ticket WHERE estate_id = ANY(%s) AND id %% 97 = %s "
                "ORDER BY id DESC LIMIT 200",
                (estates, rng.randrange(97)),
            )
        ] or [newest]
    terms = list(SURNAMES) + [f"{rng.randrange(10000):04d}" for _ in range(10)]
    terms += ["13" + str(d) for d in range(5, 10)]
    quote = urllib.parse.quote
    return {
        "ticket list": [f"/admin/ticket/?page={n}" for n in range(20)],
        "ticket search": [f"/admin/ticket/?search={quote(t)}" for t in terms],
        "ticket details": [f"/admin/ticket/details/?id={i}" for i in tickets],
        "dashboard": ["/admin/"],
    }


# ---- one wrk run -----------------------------------------------------------------------


def run_wrk(wrk: str, server: Server, paths: list[str], args, seconds: float) -> dict:
    shuffled = paths[:]
    random.Random(len(paths)).shuffle(shuffled)
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in shuffled),
        "offset": 0,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    load_before = os.getloadavg()[0]
    cpu_before = server.worker_cpu()
    try:
        output = subprocess.run(
            [
                wrk,
                "-t",
                str(args.wrk_threads),
                "-c",
                str(args.connections),
                "-d",
                f"{seconds:.0f}s",
                "--timeout",
                "30s",
                "-H",
                f"Cookie: {server.cookie}",
                "-H",
                f"User-Agent: {AGENT}",
                "-s",
                handle.name,
                server.base + "/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 90,
        ).stdout
    finally:
        os.unlink(handle.name)
    cpu = server.worker_cpu() - cpu_before
    load_after = os.getloadavg()[0]
    rps = re.search(r"Requests/sec:\s*([\d.]+)", output)
    line = re.search(
        r"BENCH bad=(\d+) requests=(\d+) p50=([\d.]+) p90=([\d.]+) p99=([\d.]+) mean=([\d.]+)",
        output,
    )
    if not rps or not line:
        raise SystemExit(f"wrk said:\n{output}")
    bad, requests = int(line.group(1)), int(line.group(2))
    return {
        "rps": float(rps.group(1)),
        "requests": requests,
        "errors": bad,
        "p50_ms": float(line.group(3)),
        "p90_ms": float(line.group(4)),
        "p99_ms": float(line.group(5)),
        "cpu_ms_per_request": cpu * 1000 / max(1, requests),
        "load": (round(load_before, 1), round(load_after, 1)),
    }


def warm(wrk: str, server: Server, paths: list[str], args) -> None:
    """wrk until every worker has answered this page a few times (a busy machine answers
    few requests in --warmup seconds; a cold worker compiles templates on its first)."""
    answered = 0
    for _ in range(10):
        answered += run_wrk(wrk, server, paths, args, args.warmup)["requests"]
        if answered >= 3 * args.workers:
            return


def show(label: str, round_: int, side: str, r: dict) -> str:
    return (
        f"{label:<15} {round_:>5} {side:<7} {r['rps']:7.1f} {r['p50_ms']:7.0f} {r['p99_ms']:7.0f} "
        f"{r['cpu_ms_per_request']:7.1f} {r['errors']:6d}   {r['load'][0]:.1f}-{r['load'][1]:.1f}"
    )


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--before", default="e9fae3e", help="git ref measured as 'before'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of wrk per page first")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * cores + 1)
    parser.add_argument("--ports", default="5131,5132")
    parser.add_argument("--redis", default=REDIS)
    parser.add_argument("--only", default="", help="pages, comma-separated")
    parser.add_argument("--keep-checkout", action="store_true")
    args = parser.parse_args()
    wrk = ensure_wrk()
    from seed.large import DEMO_PASSWORD

    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.database),
        "REDIS_URL": args.redis,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret"),
        "REMINDERS_IN_PROCESS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    rng = random.Random(7)
    paths = page_paths(args.database, rng)
    pages = [p for p in PAGES if not args.only or p in args.only.split(",")]
    before_tree = checkout(args.before)
    for tree in (before_tree, ROOT):
        compile_catalogs(tree)
    ports = [int(p) for p in args.ports.split(",")]
    RESULTS.mkdir(exist_ok=True)
    servers = [
        Server("before", before_tree, ports[0], args.workers, env, RESULTS / "capacity-before.log"),
        Server("after", ROOT, ports[1], args.workers, env, RESULTS / "capacity-after.log"),
    ]
    print(
        f"gunicorn: {args.workers} sync workers each; before = {args.before} ({before_tree}), "
        f"after = {ROOT}; wrk -c{args.connections} -t{args.wrk_threads} "
        f"{args.duration:.0f} s per run, {args.rounds} rounds; {cores} cores",
        flush=True,
    )
    runs: dict[str, dict[str, list[dict]]] = {p: {"before": [], "after": []} for p in pages}
    try:
        for server in servers:
            server.start()
            server.login(DEMO_PASSWORD)
        for page in pages:  # warm every worker: templates compiled, caches filled
            for server in servers:
                warm(wrk, server, paths[page], args)
        print(
            f"\n{'page':<15} {'round':>5} {'side':<7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'CPU ms':>7} {'errors':>6}   load",
            flush=True,
        )
        for page in pages:
            for round_ in range(1, args.rounds + 1):
                order = servers if round_ % 2 else servers[::-1]
                for server in order:
                    result = run_wrk(wrk, server, paths[page], args, args.duration)
                    runs[page][server.label].append(result)
                    print(show(page, round_, server.label, result), flush=True)
    finally:
        for server in servers:
            server.stop()
        if not args.keep_checkout:
            remove_checkout(before_tree)
    report(runs, args)


def report(runs: dict, args) -> None:
    lines = [
        "# Capacity: saturated req/s under wrk, before and after",
        "",
        f"gunicorn {args.workers} sync workers, wrk -c{args.connections}, "
        f"{args.duration:.0f} s per run, {args.rounds} rounds interleaved; "
        f"before = {args.before}. Medians of the rounds; load = 1-min load average.",
        "",
        "| page | before req/s | after req/s | × | before CPU ms/req | after CPU ms/req | "
        "p50 ms before → after | errors | load |",
        "|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    summary = {}
    for page, sides in runs.items():
        b, a = sides["before"], sides["after"]
        if not b or not a:
            continue
        row = {
            side: {
                key: median(r[key] for r in rs)
                for key in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")
            }
            for side, rs in (("before", b), ("after", a))
        }
        errors = sum(r["errors"] for r in b + a)
        loads = [x for r in b + a for x in r["load"]]
        ratio = row["after"]["rps"] / max(row["before"]["rps"], 1e-9)
        summary[page] = {**row, "ratio": ratio, "errors": errors, "runs": sides}
        lines.append(
            f"| {page} | {row['before']['rps']:.1f} | {row['after']['rps']:.1f} | "
            f"{ratio:.2f} | {row['before']['cpu_ms_per_request']:.1f} | "
            f"{row['after']['cpu_ms_per_request']:.1f} | {row['before']['p50_ms']:.0f} → "
            f"{row['after']['p50_ms']:.0f} | {errors} | {min(loads):.1f}–{max(loads):.1f} |"
        )
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    (RESULTS / "capacity.md").write_text(text)
    (RESULTS / "capacity.json").write_text(json.dumps(summary, indent=2, default=str))
    if any(s["errors"] for s in summary.values()):
        sys.exit("some answers were not 200 (a lost session?): see the errors column")


if __name__ == "__main__":
    main()
