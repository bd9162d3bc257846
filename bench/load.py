"""Load: many logged-in staff at once against the real app under gunicorn.

    python -m bench.load --database bench_wuye [--users 50] [--duration 180] [--workers N]

Starts gunicorn (wsgi:app, several sync workers) on a free loopback port against the
PostgreSQL database, makes sure the load accounts exist (load_<role>_<n>: receptionists,
supervisors, technicians and guards spread over ten estates, regional supervisors over a
quarter of the estates, a director over all; password seed.large.DEMO_PASSWORD), then runs
--users threads, each a requests.Session logged in through the real login form, for
--duration seconds. Users read (dashboard, ticket and work-order lists with filters, sorts,
searches and deep pages, details, forms, ajax lookups, statistics, the technician and gate
pages) and write through the real forms with their CSRF tokens: a ticket, then a work order
made from it and dispatched to a technician, who marks it arrived on his phone page; an
inquiry answered; a pass checked at the gate. Every ticket written carries MARKER in its
text and is deleted at the end with everything it caused (--keep-writes keeps them).

An error is a connection error, a timeout, a status other than 2xx/3xx, a redirect to the
login page (session lost) or a form shown again where it should have been accepted.
Prints the table and writes bench/results/load.{json,md}; gunicorn's log goes to
bench/results/load-gunicorn.log. Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .generate import database_url
from .pages import RESULTS, page_urls, percentile

ROOT = Path(__file__).resolve().parent.parent
MARKER = "[bench-load]"
LOAD_REDIS = "redis://127.0.0.1:6379/4"  # never db 0: that is the developers' and CI's
WRITE_ESTATES = 10  # receptionists, supervisors, technicians and guards spread over these
ROLES = (  # (kind of user, share of the users); the first users cover every kind
    ("receptionist", 0.40),
    ("supervisor", 0.20),
    ("technician", 0.16),
    ("guard", 0.12),
    ("regional", 0.08),
    ("director", 0.04),
)
SURNAMES = "张王李刘陈杨赵黄周吴徐孙马朱胡"
PROBLEMS = (
    "厨房水龙头漏水",
    "卫生间灯不亮",
    "下水道堵塞",
    "门锁坏了",
    "热水器不出热水",
    "插座没电",
)
TRADES = ("plumbing", "electrical", "carpentry", "cleaning", "locks", "appliances")
TIMEOUT = 60  # seconds; gunicorn's worker timeout is 30


# ---- accounts --------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    kind: str  # one of ROLES
    role: str  # the staff role
    estates: list[int]
    all_estates: bool = False
    staff_id: int | None = None
    trades: tuple[str, ...] = ()


def roster(users: int, estate_ids: list[int]) -> list[Account]:
    """Who the users are: the same accounts for the same position whatever --users is."""
    estate_ids = sorted(estate_ids)
    write = estate_ids[:WRITE_ESTATES]
    counts: Counter = Counter()
    accounts = []
    for i in range(users):
        # the kind furthest behind its share, so every prefix of the roster is a fair mix
        kind = max(ROLES, key=lambda r: (r[1] * (i + 1) - counts[r[0]], r[1]))[0]
        k = counts[kind]
        counts[kind] += 1
        name = f"load_{kind}_{k + 1}"
        if kind == "regional":
            accounts.append(
                Account(name, kind, "supervisor", estate_ids[: max(1, len(estate_ids) // 4)])
            )
        elif kind == "director":
            accounts.append(Account(name, kind, "director", [], all_estates=True))
        elif kind == "technician":
            accounts.append(Account(name, kind, kind, [write[k % len(write)]], trades=TRADES))
        else:
            accounts.append(Account(name, kind, kind, [write[k % len(write)]]))
    return accounts


def ensure_accounts(app, accounts: list[Account]) -> None:
    """Create the missing load accounts; put existing ones back as the roster says."""
    from admin_app.extensions import db
    from admin_app.models import Estate, Role, Staff
    from admin_app.services import accounts as service
    from admin_app.services import history
    from seed.large import DEMO_PASSWORD

    with app.app_context():
        for account in accounts:
            estates = db.session.query(Estate).filter(Estate.id.in_(account.estates)).all()
            staff = db.session.query(Staff).filter_by(username=account.username).one_or_none()
            if staff is None:
                staff = service.create_staff(
                    username=account.username,
                    password=DEMO_PASSWORD,
                    name=f"压测{account.username[5:]}",
                    role=Role(account.role),
                    estates=estates,
                    all_estates=account.all_estates,
                    trades=set(account.trades),
                )
            else:
                with history.action("bench_load_accounts"):
                    staff.role = Role(account.role)
                    staff.estates = estates
                    staff.all_estates = account.all_estates
                    staff.trades = set(account.trades)
                    staff.active = True
                    staff.failed_logins = 0
                    staff.locked_until = None
                    if not staff.check_password(DEMO_PASSWORD):
                        staff.set_password(DEMO_PASSWORD)
            db.session.flush()
            account.staff_id = staff.id
        db.session.commit()


# ---- what users open -------------------------------------------------------------------


def read_urls(app, staff_id: int) -> dict[str, dict[str, list[str]]]:
    """Filter, sort and lookup URLs of the busiest views, from bench/pages.py (the estate
    filter's value is each user's own estate, put in by User.filtered)."""
    from flask_login import login_user

    from admin_app.extensions import db
    from admin_app.models import Staff

    found: dict[str, dict[str, list[str]]] = {}
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views if hasattr(v, "model")}
    with app.test_request_context():
        login_user(db.session.get(Staff, staff_id))  # the filters' options are per user
        for endpoint in ("ticket", "work_order", "resident"):
            groups: dict[str, list[str]] = defaultdict(list)
            for label, url, _ in page_urls(views[endpoint], app, {}):
                groups[label.split()[0]].append(url)
            found[endpoint] = dict(groups)
    return found


# ---- measurements ----------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()  # (kind, reason)
        self.examples: dict[tuple[str, str], str] = {}
        self.writes: Counter = Counter()
        self.finished: list[float] = []  # time.monotonic() at the end of each request

    def record(self, kind: str, seconds: float, error: str | None, url: str) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            self.finished.append(time.monotonic())
            if error:
                self.errors[(kind, error)] += 1
                self.examples.setdefault((kind, error), url)

    def broken(self, kind: str, error: str, where: str) -> None:
        """An error that is no request's (a page without what it should show)."""
        with self.lock:
            self.errors[(kind, error)] += 1
            self.examples.setdefault((kind, error), where)

    def wrote(self, what: str) -> None:
        with self.lock:
            self.writes[what] += 1


@dataclass
class Board:
    """What the users share: the technicians logged in per estate, and their new orders."""

    technicians: dict[int, list[Account]] = field(default_factory=lambda: defaultdict(list))
    dispatched: dict[int, deque] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def give(self, technician_id: int, order_id: int) -> None:
        with self.lock:
            self.dispatched[technician_id].append(order_id)

    def take(self, technician_id: int) -> int | None:
        with self.lock:
            queue = self.dispatched[technician_id]
            return queue.popleft() if queue else None


class TimeUp(Exception):
    """The run is over: the user stops where he is."""


class Failed(Exception):
    """This request failed (already counted): the user gives up the rest of the task."""


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
FLASH = re.compile(
    r'<(div|ul|span)[^>]*class="[^"]*(?:alert-danger|invalid-feedback|text-danger)[^"]*"[^>]*>'
    r"(.*?)</\1>",
    re.S,
)
DETAILS = {
    "ticket": re.compile(r'href="(/admin/ticket/details/\?id=\d+)[^"]*"'),
    "work_order": re.compile(r'href="(/admin/work_order/details/\?id=\d+)[^"]*"'),
    "resident": re.compile(r'href="(/admin/resident/details/\?id=\d+)[^"]*"'),
}
NUMBER = re.compile(r"\b[A-Z0-9]+-(?:T|WO|WP|VP|RP)\d{4}-\d+\b")
OPTION = re.compile(r'<option[^>]*value="(\d+)"')


def csrf_token(page: str) -> str:
    tag = CSRF.search(page)
    value = VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise ValueError("no csrf_token on the page")
    return html.unescape(value.group(1))


def refusal(page: str) -> str:
    """Why a form came back: its error messages."""
    messages = []
    for _, inner in FLASH.findall(page):
        text = html.unescape(re.sub(r"<[^>]+>", " ", inner)).replace("×", "")
        messages.append(re.sub(r"\s+", " ", text).strip())
    return "; ".join(m for m in messages if m)[:160] or "no message"


class User:
    def __init__(self, account: Account, base: str, stats: Stats, board: Board, urls, args):
        import requests

        self.account = account
        self.base = base
        self.stats = stats
        self.board = board
        self.urls = urls
        self.args = args
        self.rng = random.Random(zlib.crc32(account.username.encode()) ^ args.seed)
        self.http = requests.Session()
        self.http.headers["User-Agent"] = f"bench-load/{account.username}"
        self.deadline = 0.0
        self.written = 0
        self.pass_numbers: list[str] = []

    # -- one request ---------------------------------------------------------------------
    def call(self, kind: str, method: str, path: str, expect=(200,), data=None):
        """One request, timed; returns the response or raises Failed (counted)."""
        import requests

        started = time.perf_counter()
        error, response = None, None
        try:
            response = self.http.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=TIMEOUT
            )
            response.content  # noqa: B018 — the body is part of the time
        except requests.Timeout:
            error = "timeout"
        except requests.ConnectionError as exc:
            error = f"connection error ({type(exc.__cause__ or exc).__name__})"
        elapsed = time.perf_counter() - started
        if response is not None:
            status = response.status_code
            location = response.headers.get("Location", "")
            if status >= 400:
                error = f"HTTP {status}"
            elif (
                status in (301, 302, 303) and "/login" in location and not kind.startswith("login")
            ):
                error = "session lost (redirect to login)"
            elif status not in expect:
                error = (
                    f"form refused: {refusal(response.text)}"
                    if status == 200
                    else f"unexpected HTTP {status}"
                )
        self.stats.record(kind, elapsed, error, path)
        if error:
            raise Failed(error)
        return response

    def get(self, kind: str, path: str):
        return self.call(kind, "GET", path)

    def post(self, kind: str, path: str, data: dict):
        return self.call(kind, "POST", path, expect=(302, 303), data=data)

    def think(self) -> None:
        if self.args.think > 0:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.args.think)
        if time.monotonic() > self.deadline:
            raise TimeUp

    # -- session -------------------------------------------------------------------------
    def login(self) -> None:
        from seed.large import DEMO_PASSWORD

        page = self.get("login form", "/login")
        self.call(
            "login (POST)",
            "POST",
            "/login",
            expect=(302,),
            data={
                "username": self.account.username,
                "password": DEMO_PASSWORD,
                "csrf_token": csrf_token(page.text),
            },
        )

    def run(self, deadline: float) -> None:
        self.deadline = deadline
        try:
            for attempt in range(3):
                try:
                    self.login()
                    break
                except Failed:
                    if attempt == 2:
                        return
                    time.sleep(1)
            tasks = TASKS[self.account.kind]
            names, weights = zip(*tasks, strict=True)
            while time.monotonic() < deadline:
                task = self.rng.choices(names, weights)[0]
                try:
                    getattr(self, task)()
                except TimeUp:
                    raise
                except Failed:
                    pass
                except Exception as exc:  # a page without what a user looks for on it
                    self.stats.broken(
                        "page content", f"unexpected page ({type(exc).__name__}: {exc})", task
                    )
                self.think()
        except TimeUp:
            pass
        finally:
            self.http.close()

    # -- reads ---------------------------------------------------------------------------
    def open_one(self, endpoint: str, page: str, kind: str) -> None:
        links = DETAILS[endpoint].findall(page)
        if links:
            self.think()
            self.get(kind, self.rng.choice(links))

    def browse(self, endpoint: str, label: str) -> None:
        page = self.get(f"{label} list", f"/admin/{endpoint}/").text
        if self.rng.random() < 0.4:
            self.think()
            page = self.get(
                f"{label} list", f"/admin/{endpoint}/?page={self.rng.randint(1, 5)}"
            ).text
        self.open_one(endpoint, page, f"{label} details")

    def dashboard(self) -> None:
        self.get("dashboard", "/admin/")

    def tickets(self) -> None:
        self.browse("ticket", "ticket")

    def work_orders(self) -> None:
        self.browse("work_order", "work order")

    def filtered(self, endpoint: str, label: str) -> None:
        groups = self.urls[endpoint]
        url = self.rng.choice(groups.get("filter", []) + groups.get("sort", []))
        if self.account.estates:
            url = re.sub(
                r"(estate_id_equals)=\d+", rf"\1={self.rng.choice(self.account.estates)}", url
            )
        page = self.get(f"{label} list filtered/sorted", url).text
        if self.rng.random() < 0.5:
            self.open_one(endpoint, page, f"{label} details")

    def ticket_filter(self) -> None:
        self.filtered("ticket", "ticket")

    def work_order_filter(self) -> None:
        self.filtered("work_order", "work order")

    def search_term(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return self.rng.choice(SURNAMES)  # a name's first character
        if roll < 0.8:
            return f"{self.rng.randint(0, 9999):04d}"  # a phone's last digits
        return "13" + str(self.rng.randint(5, 9))  # a phone's first digits

    def search(self, endpoint: str, label: str) -> None:
        page = self.get(f"{label} search", f"/admin/{endpoint}/?search={self.search_term()}").text
        numbers = NUMBER.findall(page)
        if numbers and self.rng.random() < 0.3:
            self.think()  # the number read off a paper form
            self.get(f"{label} search", f"/admin/{endpoint}/?search={self.rng.choice(numbers)}")
        self.open_one(endpoint, page, f"{label} details")

    def ticket_search(self) -> None:
        self.search("ticket", "ticket")

    def work_order_search(self) -> None:
        self.search("work_order", "work order")

    def resident_search(self) -> None:
        self.search("resident", "resident")

    def deep_page(self) -> None:
        endpoint, label, last = self.rng.choice(
            (("ticket", "ticket", 400), ("work_order", "work order", 200))
        )
        page = self.rng.randint(20, last)
        self.get(f"{label} list deep page", f"/admin/{endpoint}/?page={page}")

    def edit_form(self) -> None:
        page = self.get("ticket list", "/admin/ticket/").text
        links = DETAILS["ticket"].findall(page)
        if links:
            self.think()
            self.get("ticket edit form", self.rng.choice(links).replace("details", "edit"))

    def lookups(self) -> None:
        for url in self.rng.sample(self.urls["ticket"].get("ajax", []), 2):
            query = self.rng.choice((str(self.rng.randint(1, 30)), self.search_term()))
            self.get("ajax lookup", re.sub(r"query=[^&]*", f"query={query}", url))

    def statistics(self) -> None:
        self.get("statistics", "/admin/statistics/")

    def inbox(self) -> None:
        self.get("inbox", "/admin/inbox/")

    # -- writes at the front desk --------------------------------------------------------
    def new_ticket(self) -> None:
        form = self.get("ticket create form", "/admin/ticket/new/").text
        token = csrf_token(form)
        estate = VALUE.search(re.search(r'<input[^>]*id="estate"[^>]*>', form).group(0))
        self.think()
        units = self.get(
            "ajax lookup",
            f"/admin/ticket/ajax/lookup/?name=unit&query={self.rng.randint(1, 20)}",
        ).json()
        if self.rng.random() < 0.5:
            self.get(
                "ajax lookup",
                f"/admin/ticket/ajax/lookup/?name=resident&query={self.search_term()}",
            )
        self.think()
        category = self.rng.choices(("repair", "inquiry", "help"), (65, 25, 10))[0]
        self.written += 1
        response = self.post(
            "ticket create (POST)",
            "/admin/ticket/new/?url=/admin/ticket/",
            {
                "csrf_token": token,
                "estate": estate.group(1) if estate else str(self.account.estates[0]),
                "category": category,
                "channel": self.rng.choice(("phone", "visit")),
                "unit": str(self.rng.choice(units)[0]) if units else "",
                "resident": "",
                "reporter_name": self.rng.choice(SURNAMES) + "先生",
                "reporter_phone": f"139{self.rng.randint(0, 99999999):08d}",
                "location": "",
                "occurred_at": "",
                "description": f"{MARKER} {self.rng.choice(PROBLEMS)} "
                f"({self.account.username} #{self.written})",
                "request": "",
                "assignee": "",
                "callback_due_at": "",
                "complaint_code": "__None",
                "_continue_editing": "1",
            },
        )
        ticket_id = int(re.search(r"[?&]id=(\d+)", response.headers["Location"]).group(1))
        self.stats.wrote("tickets")
        self.think()
        self.get("ticket details", f"/admin/ticket/details/?id={ticket_id}")
        self.think()
        if category == "repair":
            self.make_work_order(ticket_id)
        else:
            self.answer(ticket_id, "answer" if category == "inquiry" else "resolve")

    def action(self, endpoint: str, name: str, record_id: int, fields: dict, label: str):
        path = f"/admin/{endpoint}/act/{name}/?id={record_id}"
        page = self.get(f"{label} form", path).text
        self.think()
        data = {"csrf_token": csrf_token(page), "ids": str(record_id), **fields}
        return page, self.post(f"{label} (POST)", path, data)

    def answer(self, ticket_id: int, step: str) -> None:
        """An inquiry is answered; a help request's result is recorded (same form)."""
        self.action("ticket", step, ticket_id, {"result": f"{MARKER} 已电话答复"}, f"ticket {step}")
        self.stats.wrote(f"{step}s")

    def make_work_order(self, ticket_id: int) -> None:
        estate = self.account.estates[0]
        ours = self.board.technicians.get(estate) or []
        technician = self.rng.choice(ours) if ours else None
        trade = self.rng.choice(technician.trades if technician else TRADES[:2])
        emergency = self.rng.random() < 0.1
        _, response = self.action(
            "ticket",
            "create_work_order",
            ticket_id,
            {
                "kind": self.rng.choice(("home_repair_free", "home_repair_paid")),
                "trade": trade,
                "is_emergency": "yes" if emergency else "no",
            },
            "work order create from ticket",
        )
        order_id = int(re.search(r"[?&]id=(\d+)", response.headers["Location"]).group(1))
        self.stats.wrote("work orders")
        self.think()
        self.get("work order details", f"/admin/work_order/details/?id={order_id}")
        self.think()
        self.dispatch(order_id, technician, emergency)

    def dispatch(self, order_id: int, technician: Account | None, emergency: bool) -> None:
        path = f"/admin/work_order/act/dispatch/?id={order_id}"
        page = self.get("work order dispatch form", path).text
        select = re.search(r'<select[^>]*name="technician".*?</select>', page, re.S)
        offered = [int(v) for v in OPTION.findall(select.group(0))] if select else []
        if not offered:
            raise ValueError("no technician offered")
        chosen = technician.staff_id if technician and technician.staff_id in offered else None
        chosen = chosen or self.rng.choice(offered)
        office = ZoneInfo(os.environ.get("OFFICE_TIMEZONE", "Asia/Shanghai"))
        tomorrow = datetime.now(office) + timedelta(days=1)
        appointment = tomorrow.replace(hour=self.rng.randint(9, 17), minute=0)
        self.think()
        self.post(
            "work order dispatch (POST)",
            path,
            {
                "csrf_token": csrf_token(page),
                "ids": str(order_id),
                "technician": str(chosen),
                "appointment_at": "" if emergency else appointment.strftime("%Y-%m-%dT%H:%M"),
            },
        )
        self.stats.wrote("dispatches")
        if technician and chosen == technician.staff_id:
            self.board.give(chosen, order_id)

    # -- the technician's phone page -----------------------------------------------------
    def my_orders(self) -> None:
        self.get("tech my orders", "/tech/")
        order_id = self.board.take(self.account.staff_id)
        if order_id is None:
            return
        self.think()
        self.get("work order details", f"/admin/work_order/details/?id={order_id}")
        self.think()
        path = f"/tech/act/arrive/{order_id}"
        page = self.get("tech arrive form", path).text
        self.think()
        self.post("tech arrive (POST)", path, {"csrf_token": csrf_token(page)})
        self.stats.wrote("arrivals")
        self.get("tech my orders", "/tech/")

    # -- the gate ------------------------------------------------------------------------
    def gate(self) -> None:
        page = self.get("gate page", "/gate/").text
        numbers = self.pass_numbers or NUMBER.findall(page)
        if not numbers:
            return
        self.think()
        response = self.post(
            "gate check (POST)",
            "/gate/",
            {"csrf_token": csrf_token(page), "code": self.rng.choice(numbers)},
        )
        self.stats.wrote("gate checks")
        self.get("gate page", response.headers["Location"])

    def passes(self) -> None:
        endpoint = self.rng.choice(("worker_pass", "vehicle_pass", "renovation"))
        page = self.get("passes/renovations list", f"/admin/{endpoint}/").text
        if endpoint != "renovation":
            self.pass_numbers = NUMBER.findall(page)[:20] or self.pass_numbers


FRONT_DESK_READS = (
    ("dashboard", 8),
    ("tickets", 14),
    ("ticket_filter", 8),
    ("ticket_search", 6),
    ("deep_page", 3),
    ("edit_form", 2),
    ("lookups", 3),
    ("work_orders", 8),
    ("work_order_filter", 5),
    ("work_order_search", 3),
    ("resident_search", 4),
    ("inbox", 2),
)
TASKS = {
    "receptionist": FRONT_DESK_READS + (("new_ticket", 10),),
    "supervisor": FRONT_DESK_READS + (("new_ticket", 4), ("statistics", 1)),
    "regional": FRONT_DESK_READS + (("statistics", 2),),
    "director": FRONT_DESK_READS + (("statistics", 3),),
    "technician": (("my_orders", 10), ("work_orders", 2)),
    "guard": (("gate", 8), ("passes", 4), ("dashboard", 1)),
}


# ---- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, workers: int, threads: int, port: int, env: dict, log: Path):
        self.command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "20",
            "--log-level",
            "info",
            "--no-control-socket",  # its default path is shared by every gunicorn on the host
            "wsgi:app",
        ]
        if threads > 1:
            self.command[1:1] = ["--worker-class", "gthread", "--threads", str(threads)]
        self.env, self.log, self.port = env, log, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.handle = self.log.open("w")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.handle, stderr=subprocess.STDOUT
        )
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def wait_ready(self, limit: float = 120) -> None:
        import requests

        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}): see {self.log}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=10).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer within {limit:.0f} s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: finish the requests in flight
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


# ---- cleaning up -----------------------------------------------------------------------


def cleanup(app, staff_ids: list[int]) -> dict[str, int]:
    """Delete every ticket carrying MARKER, its work orders, gate checks by the load
    accounts, and the reminders, inbox entries and history they caused."""
    from sqlalchemy import text

    from admin_app.extensions import db

    steps = (
        (
            "tickets",
            "CREATE TEMP TABLE load_ticket ON COMMIT DROP AS "
            "SELECT id FROM ticket WHERE description LIKE :marker",
        ),
        (
            "work orders",
            "CREATE TEMP TABLE load_order ON COMMIT DROP AS SELECT id FROM work_order "
            "WHERE ticket_id IN (SELECT id FROM load_ticket) OR description LIKE :marker",
        ),
        (
            "gate checks",
            "CREATE TEMP TABLE load_check ON COMMIT DROP AS "
            "SELECT id FROM gate_check WHERE checked_by_id = ANY(:staff)",
        ),
        (
            "reminders",
            "CREATE TEMP TABLE load_reminder ON COMMIT DROP AS SELECT id FROM reminder "
            "WHERE (entity_type = 'ticket' AND entity_id IN (SELECT id FROM load_ticket)) "
            "OR (entity_type = 'work_order' AND entity_id IN (SELECT id FROM load_order))",
        ),
        ("", "DELETE FROM notification WHERE reminder_id IN (SELECT id FROM load_reminder)"),
        ("", "DELETE FROM reminder_delivery WHERE reminder_id IN (SELECT id FROM load_reminder)"),
        ("", "DELETE FROM reminder WHERE id IN (SELECT id FROM load_reminder)"),
        (
            "history entries",
            "DELETE FROM audit_record WHERE "
            "(entity_type = 'ticket' AND entity_id IN (SELECT id FROM load_ticket)) "
            "OR (entity_type = 'work_order' AND entity_id IN (SELECT id FROM load_order)) "
            "OR (entity_type = 'gate_check' AND entity_id IN (SELECT id FROM load_check))",
        ),
        ("", "DELETE FROM gate_check WHERE id IN (SELECT id FROM load_check)"),
        ("", "DELETE FROM work_order WHERE id IN (SELECT id FROM load_order)"),
        ("", "DELETE FROM ticket WHERE id IN (SELECT id FROM load_ticket)"),
    )
    counts = {}
    params = {"marker": f"%{MARKER}%", "staff": staff_ids}
    with app.app_context():
        for label, sql in steps:
            result = db.session.execute(text(sql), params)
            if label:
                counts[label] = result.rowcount
        db.session.commit()
    return counts


# ---- the run ---------------------------------------------------------------------------


def cpu_busy() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def summarise(samples: list[float]) -> dict:
    return {
        "requests": len(samples),
        "p50_ms": round(percentile(samples, 0.50) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def server_problems(log: Path) -> dict:
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = text.splitlines()
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "worker_timeouts": sum("WORKER TIMEOUT" in line for line in lines),
        "error_lines": [line for line in lines if "[ERROR]" in line or "CRITICAL" in line][:20],
    }


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean pause between a user's clicks, seconds"
    )
    parser.add_argument("--ramp", type=float, default=10, help="seconds to log everyone in")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--redis", default=LOAD_REDIS)
    parser.add_argument("--keep-writes", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if re.search(r"/0/?$", args.redis) or re.fullmatch(r"redis://[^/]*/?", args.redis):
        sys.exit("Redis database 0 belongs to development and CI: give another (e.g. /4).")
    try:
        import requests  # noqa: F401
    except ImportError:
        sys.exit("bench.load needs the bench extra: .venv/bin/pip install -e '.[bench]'")

    url = database_url(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": args.redis,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret"),
        "REMINDERS_IN_PROCESS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")})
    os.environ["REMINDERS_IN_PROCESS"] = "0"

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import Estate

    app = create_app()
    with app.app_context():
        estate_ids = [e for (e,) in db.session.query(Estate.id).order_by(Estate.id)]
    if not estate_ids:
        sys.exit(f"{args.database} has no estates: python -m bench.generate first")
    accounts = roster(args.users, estate_ids)
    # every load account that may exist (not only this run's), for the gate-check cleanup
    all_accounts = roster(max(args.users, 200), estate_ids)
    ensure_accounts(app, accounts)
    with app.app_context():
        from admin_app.models import Staff

        names = [a.username for a in all_accounts]
        staff_ids = [i for (i,) in db.session.query(Staff.id).filter(Staff.username.in_(names))]
    if not args.keep_writes:
        left = cleanup(app, staff_ids)
        if any(left.values()):
            print(f"removed what an earlier run left: {left}")
    urls = read_urls(app, next(a.staff_id for a in accounts if a.kind == "receptionist"))
    with app.app_context():
        db.engine.dispose()

    board = Board()
    for account in accounts:
        if account.kind == "technician":
            board.technicians[account.estates[0]].append(account)
    stats = Stats()
    port = args.port or free_port()
    RESULTS.mkdir(exist_ok=True)
    log = RESULTS / "load-gunicorn.log"
    print(
        f"gunicorn: {args.workers} workers"
        + (f" × {args.threads} threads" if args.threads > 1 else "")
        + f" on 127.0.0.1:{port}, {args.database}; {args.users} users for {args.duration:.0f} s",
        flush=True,
    )
    with Gunicorn(args.workers, args.threads, port, env, log):
        base = f"http://127.0.0.1:{port}"
        users = [User(a, base, stats, board, urls, args) for a in accounts]
        start = time.monotonic()
        deadline = start + args.ramp + args.duration
        busy0, total0 = cpu_busy()
        rusage0 = resource.getrusage(resource.RUSAGE_SELF)
        threads = []
        for i, user in enumerate(users):
            thread = threading.Thread(target=user.run, args=(deadline,), daemon=True)
            threads.append(thread)
            # spread the logins over the ramp, then everyone works for --duration
            time.sleep(max(0.0, start + args.ramp * i / max(1, len(users)) - time.monotonic()))
            thread.start()
        progress(stats, threads, deadline)
        for thread in threads:
            thread.join(timeout=TIMEOUT + 5)
        elapsed = time.monotonic() - start
        steady = sum(start + args.ramp <= t <= deadline for t in stats.finished) / args.duration
        busy1, total1 = cpu_busy()
        rusage1 = resource.getrusage(resource.RUSAGE_SELF)
    cleaned = {} if args.keep_writes else cleanup(app, staff_ids)
    machine_cpu = (busy1 - busy0) / max(1, total1 - total0)
    client_cpu = (
        rusage1.ru_utime + rusage1.ru_stime - rusage0.ru_utime - rusage0.ru_stime
    ) / elapsed
    report(
        stats,
        args,
        elapsed,
        {
            "machine_cpu_busy": round(machine_cpu, 3),
            "client_cpu_cores": round(client_cpu, 3),
            "cores": cores,
        },
        steady,
        server_problems(log),
        cleaned,
    )


def progress(stats: Stats, threads: list[threading.Thread], deadline: float) -> None:
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 1:
        time.sleep(min(15.0, max(0.1, deadline + 1 - time.monotonic())))
        with stats.lock:
            done = sum(len(s) for s in stats.samples.values())
            failed = sum(stats.errors.values())
        left = max(0, deadline - time.monotonic())
        print(f"  {done} requests, {failed} errors, {left:.0f} s left", flush=True)


def report(
    stats: Stats, args, elapsed: float, cpu: dict, steady: float, server: dict, cleaned: dict
) -> None:
    everything = [s for samples in stats.samples.values() for s in samples]
    total = len(everything)
    errors = sum(stats.errors.values())
    kinds = {
        kind: {
            **summarise(samples),
            "errors": sum(n for (k, _), n in stats.errors.items() if k == kind),
        }
        for kind, samples in sorted(stats.samples.items())
        if samples
    }
    result = {
        "database": args.database,
        "users": args.users,
        "duration_s": args.duration,
        "ramp_s": args.ramp,
        "elapsed_s": round(elapsed, 1),
        "workers": args.workers,
        "threads": args.threads,
        "think_s": args.think,
        "requests": total,
        "errors": errors,
        "throughput_rps": round(steady, 1),  # after the logins' ramp, until the deadline
        "throughput_overall_rps": round(total / elapsed, 1),
        "overall": summarise(everything) if everything else {},
        "kinds": kinds,
        "error_breakdown": [
            {"kind": k, "reason": r, "count": n, "example": stats.examples[(k, r)]}
            for (k, r), n in stats.errors.most_common()
        ],
        "writes": dict(stats.writes),
        "cleaned_up": cleaned,
        "cpu": cpu,
        "server_log": server,
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    (RESULTS / "load.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [
        f"# Load: {args.users} users, {args.duration:.0f} s, {args.workers} gunicorn workers"
        + (f" × {args.threads} threads" if args.threads > 1 else ""),
        "",
        f"Database `{args.database}`; think time {args.think} s (mean); "
        f"{total} requests in {elapsed:.0f} s ({args.ramp:.0f} s of logins first); "
        f"**{result['throughput_rps']} req/s** once everyone is logged in; "
        f"**{errors} errors**. "
        f"Machine CPU {cpu['machine_cpu_busy']:.0%} busy over {cpu['cores']} cores "
        f"(the load client itself: {cpu['client_cpu_cores']:.2f} cores). "
        f"Writes: {', '.join(f'{n} {w}' for w, n in stats.writes.items()) or 'none'}.",
        "",
        "| kind | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, row in kinds.items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['errors']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['max_ms']} |"
        )
    if everything:
        o = result["overall"]
        lines.append(
            f"| **all** | **{total}** | **{errors}** | **{o['p50_ms']}** | **{o['p95_ms']}** | "
            f"**{o['p99_ms']}** | **{o['max_ms']}** |"
        )
    if result["error_breakdown"]:
        lines += ["", "| errors: kind | reason | count | e.g. |", "|---|---|---:|---|"]
        for e in result["error_breakdown"]:
            lines.append(f"| {e['kind']} | {e['reason']} | {e['count']} | `{e['example']}` |")
    lines += [
        "",
        f"gunicorn log: {server['tracebacks']} tracebacks, "
        f"{server['worker_timeouts']} worker timeouts.",
    ]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwrote {RESULTS / 'load.md'} and load.json")


if __name__ == "__main__":
    main()
