"""Export every ticket as CSV: time to first byte, total time and peak memory, ours and plain.

    python -m bench.export [--database bench_wuye] [--plain-rows 100000]

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


def ours(database: str, username: str, answer) -> None:
    use_database(database)
    from admin_app import create_app
    from seed.large import DEMO_PASSWORD

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
    args = parser.parse_args()
    results = {
        "ours": run(ours, args.database, args.user),
        "plain": run(plain, database_url(args.database), args.plain_rows),
    }
    for name, r in results.items():
        r["kb_per_1k_rows"] = (
            (r["peak_rss_mb"] - r["rss_before_mb"]) * 1024 / max(r["rows"] / 1000, 1)
        )
        print(
            f"{name:<6} {r['status']} rows {r['rows']:>9,}  first byte {r['ttfb_ms']:8.1f} ms  "
            f"total {r['total_s']:7.1f} s  {r['mb']:7.1f} MB  peak RSS {r['peak_rss_mb']:7.1f} MB "
            f"(+{r['peak_rss_mb'] - r['rss_before_mb']:.1f} MB while exporting)",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "export.json").write_text(json.dumps(results, indent=1))
    lines = [
        "| export | rows | first byte ms | total s | size MB | peak RSS MB | growth MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['rows']:,} | {r['ttfb_ms']:.1f} | {r['total_s']:.1f} | {r['mb']:.1f} "
            f"| {r['peak_rss_mb']:.1f} | {r['peak_rss_mb'] - r['rss_before_mb']:.1f} |"
        )
    (RESULTS / "export.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
