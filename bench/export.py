"""Export every ticket as CSV: time to first byte, total time and peak memory, ours and plain.

    python -m bench.export [--database bench_wuye] [--plain-rows 100000] [--rounds 2]
        [--no-python] [--no-plain]

Ours is timed twice over, interleaved with the floor in one run (floor, COPY, python, floor,
COPY, python …): the export as it runs on PostgreSQL (COPY … TO STDOUT of the list's own query,
panel/export_copy.py), the same export forced down the Python path (what SQLite and columns SQL
cannot write take), and the floor — psql's `\\copy (the same columns, the same 8 joins, the
same order) TO … CSV` — with the load average beside each figure.

Each export runs in a fresh process (so its peak RSS is its own), through the real WSGI app,
reading the streamed response chunk by chunk as a browser would. Ours: the director (every
estate, 1M tickets) or --user. Plain Flask-Admin: its export builds the whole file in memory, so it is
run on --plain-rows rows (export_max_rows) and its memory per row is shown beside ours.
Target: 1M rows in < 300 MB RSS. Writes bench/results/export.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import time
from pathlib import Path

from .generate import database_url, use_database

RESULTS = Path(__file__).parent / "results"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _drain(client, url: str, answer) -> None:
    baseline = _rss_mb()
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    first, size, lines = None, 0, 0
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - started
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(data)
        lines += data.count(b"\n")
    response.close()
    answer.put(
        {
            "status": response.status_code,
            "ttfb_ms": (first or 0) * 1000,
            "total_s": time.perf_counter() - started,
            "mb": size / 1e6,
            "rows": max(lines - 1, 0),
            "rss_before_mb": baseline,
            "peak_rss_mb": _rss_mb(),
        }
    )


def ours(database: str, username: str, answer, python_path: bool = False) -> None:
    use_database(database)
    from admin_app import create_app
    from seed.large import DEMO_PASSWORD

    if python_path:  # the export as SQLite (and any column SQL cannot write) gets it
        from admin_app.panel import export_copy

        export_copy.csv_stream = lambda *args: None
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    _drain(client, "/admin/ticket/export/csv/", answer)


def plain(url: str, rows: int, answer) -> None:
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from flask_babel import Babel

    from admin_app.extensions import db
    from admin_app.models import Ticket

    from .plain_views import PLAIN

    app = Flask("plain")
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="x")
    db.init_app(app)
    Babel(app)
    options = dict(dict(PLAIN)[Ticket], can_export=True, export_max_rows=rows)
    view = type("PlainTicket", (ModelView,), options)(Ticket, db.session, endpoint="ticket")
    Admin(app, url="/admin").add_view(view)
    _drain(app.test_client(), "/admin/ticket/export/csv/", answer)


def ours_python(database: str, username: str, answer) -> None:
    ours(database, username, answer, python_path=True)


# The floor: what PostgreSQL needs to write the ticket list's 38 columns, with the same joins
# (estate, unit, resident, department and four staff), in the list's order, as CSV.
FLOOR_SQL = """
SELECT t.number, e.name, t.category, t.status, t.channel, t.received_at, rb.name, u.building,
       u.entrance, u.room, r.name, r.phone, t.reporter_name, t.reporter_phone, t.location,
       t.occurred_at, t.after_the_fact, t.description, t.request, a.name, t.callback_due_at,
       t.result, t.resolved_at, t.resident_informed_at, t.closed_at, t.complaint_code,
       t.severity, t.validity, t.complaint_due_at, o.name, t.cause, t.responsible_department,
       t.responsible_person, t.corrective_action, d.name, t.handled_at, t.reported_back_at,
       t.revisited_at, rv.name, t.revisit_note, t.closing_reason
FROM ticket t
JOIN estate e ON e.id = t.estate_id
LEFT JOIN staff rb ON rb.id = t.received_by_id
LEFT JOIN unit u ON u.id = t.unit_id
LEFT JOIN resident r ON r.id = t.resident_id
LEFT JOIN staff a ON a.id = t.assignee_id
LEFT JOIN staff o ON o.id = t.owner_id
LEFT JOIN department d ON d.id = t.department_id
LEFT JOIN staff rv ON rv.id = t.revisited_by_id
ORDER BY t.received_at DESC, t.id DESC
"""


def floor(url: str) -> dict:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as out:
        command = f"\\copy ({' '.join(FLOOR_SQL.split())}) TO '{out.name}' WITH (FORMAT csv)"
        started = time.perf_counter()
        subprocess.run(["psql", url, "-q", "-c", command], check=True)
        total = time.perf_counter() - started
        size = Path(out.name).stat().st_size
        lines = sum(block.count(b"\n") for block in iter(lambda: out.read(1 << 20), b""))
    return {
        "status": 200,
        "ttfb_ms": 0.0,
        "total_s": total,
        "mb": size / 1e6,
        "rows": lines,
        "rss_before_mb": 0.0,
        "peak_rss_mb": 0.0,
    }


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def run(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    process = context.Process(target=target, args=(*args, answer))
    process.start()
    result = answer.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--plain-rows", type=int, default=100_000)
    parser.add_argument(
        "--user", default="director", help="director: every estate; regional: 10 of 40"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-python", action="store_true", help="skip the Python path")
    parser.add_argument("--no-plain", action="store_true", help="skip plain Flask-Admin")
    args = parser.parse_args()
    url = database_url(args.database)
    runs: dict[str, list] = {"floor": [], "ours": [], "ours_python": []}
    for round_no in range(1, args.rounds + 1):
        for name in runs:
            if name == "ours_python" and args.no_python:
                continue
            before = load()
            if name == "floor":
                r = floor(url)
            else:
                target = ours if name == "ours" else ours_python
                r = run(target, args.database, args.user)
            r["load"] = before
            runs[name].append(r)
            print(
                f"round {round_no} {name:<11} rows {r['rows']:>9,}  total {r['total_s']:7.1f} s"
                f"  first byte {r['ttfb_ms']:8.1f} ms  peak RSS {r['peak_rss_mb']:7.1f} MB"
                f"  ({before})",
                flush=True,
            )
    results = {
        name: min(found, key=lambda r: r["total_s"]) for name, found in runs.items() if found
    }
    if not args.no_plain:
        results["plain"] = run(plain, url, args.plain_rows)
    floor_s = results["floor"]["total_s"]
    for r in results.values():
        r["x_floor"] = r["total_s"] / floor_s * max(results["floor"]["rows"], 1) / max(r["rows"], 1)
    results["rounds"] = runs
    for name, r in results.items():
        if name == "rounds":
            continue
        r["kb_per_1k_rows"] = (
            (r["peak_rss_mb"] - r["rss_before_mb"]) * 1024 / max(r["rows"] / 1000, 1)
        )
        print(
            f"{name:<11} {r['status']} rows {r['rows']:>9,}  first byte {r['ttfb_ms']:8.1f} ms  "
            f"total {r['total_s']:7.1f} s ({r['x_floor']:.1f}x the floor per row)  "
            f"{r['mb']:7.1f} MB  peak RSS {r['peak_rss_mb']:7.1f} MB "
            f"(+{r['peak_rss_mb'] - r['rss_before_mb']:.1f} MB while exporting)",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "export.json").write_text(json.dumps(results, indent=1))
    lines = [
        "| export | rows | first byte ms | total s | × floor | size MB | peak RSS MB "
        "| growth MB | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        if name == "rounds":
            continue
        lines.append(
            f"| {name} | {r['rows']:,} | {r['ttfb_ms']:.1f} | {r['total_s']:.1f} "
            f"| {r['x_floor']:.1f} | {r['mb']:.1f} "
            f"| {r['peak_rss_mb']:.1f} | {r['peak_rss_mb'] - r['rss_before_mb']:.1f} "
            f"| {r.get('load', '')} |"
        )
    (RESULTS / "export.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
