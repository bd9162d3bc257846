"""Time every admin page a user opens, ours and plain Flask-Admin's, side by side.

    python -m bench.pages [--database bench_wuye] [--repeat 15] [--only ticket,work_order]

Both apps run in this process over the same PostgreSQL tables, through the real WSGI stack
(Werkzeug's test client): ours logged in as a regional supervisor; plain Flask-Admin
ModelViews with the same columns, filters, search and sorting but Flask-Admin's defaults
(COUNT(*), ILIKE search, dropdown forms). Every page of ours is timed first, then plain's
(its forms once each, in a child process, within --plain-form-limit). Prints a table and writes
bench/results/pages.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from .generate import use_database

RESULTS = Path(__file__).parent / "results"
SLOW = 2.0  # seconds: a page this slow is timed 3 times, not --repeat times


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(client, url: str, repeat: int) -> dict:
    samples, status, size = [], None, 0
    for i in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        samples.append(time.perf_counter() - started)
        status, size = response.status_code, len(body)
        if i == 0 and samples[0] > SLOW:
            repeat = min(repeat, 3)
    return {
        "p50": statistics.median(samples) * 1000,
        "p95": percentile(samples, 0.95) * 1000,
        "runs": len(samples),
        "status": status,
        "bytes": size,
    }


def timed_once_within(client, url: str, limit: float) -> dict:
    """One request in a forked child, stopped after limit seconds: plain Flask-Admin's forms
    at this scale can take minutes and gigabytes, and must neither stall nor bloat the run.
    Reports the time and how much the child's memory grew (or that it ran out of time)."""
    import os
    import resource
    import select
    import signal

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its own database connections, one request, then out
        os.close(read_end)
        with client.application.app_context():
            client.application.extensions["sqlalchemy"].engine.dispose(close=False)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        elapsed = time.perf_counter() - started
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        os.write(
            write_end,
            json.dumps(
                {
                    "seconds": elapsed,
                    "status": response.status_code,
                    "bytes": len(body),
                    "grown_mb": grown,
                }
            ).encode(),
        )
        os._exit(0)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], limit)
    if not ready:
        os.kill(child, signal.SIGKILL)
    found = json.loads(os.read(read_end, 4096) or b"{}") if ready else None
    os.waitpid(child, 0)
    os.close(read_end)
    if not ready:
        return _one_run(limit, None, 0, timed_out=True)
    if not found:  # the child died without an answer (its error is on stderr)
        return _one_run(0, 500, 0)
    return _one_run(found["seconds"], found["status"], found["bytes"], grown_mb=found["grown_mb"])


def _one_run(seconds: float, status, size: int, **more) -> dict:
    """A single timed request, in the shape `timed` gives for many."""
    ms = seconds * 1000
    return {"p50": ms, "p95": ms, "runs": 1, "status": status, "bytes": size, **more}


def plain_cell(plain: dict) -> tuple[str, str]:
    """(p50, p95) as printed: a stopped form reads "> 60000"."""
    if plain.get("timed_out"):
        return f"> {plain['p50']:.0f}", f"> {plain['p95']:.0f}"
    return f"{plain['p50']:.1f}", f"{plain['p95']:.1f}"


def page_urls(view, app, sample_ids: dict, plain_view=None) -> list[tuple[str, str, str | None]]:
    """(label, url, plain url) for every page of one model view; the plain url is None where
    plain Flask-Admin has no such page (our estate and queue filters, our ajax lookups)."""
    base = f"/admin/{view.endpoint}"
    urls = [("list", f"{base}/"), ("list page 200", f"{base}/?page=200")]
    plain_urls = {}
    with app.test_request_context():
        for i, flt in enumerate(view._filters or []):
            value = filter_value(flt, view)
            if value is not None:
                label = f"filter {view.get_filter_arg(i, flt)}"
                urls.append((label, f"{base}/?flt0_{view.get_filter_arg(i, flt)}={value}"))
                plain_urls[label] = plain_filter_url(plain_view, flt, value)
        for index, (name, _) in enumerate(view._list_columns):
            if name in (view._sortable_columns or {}):
                urls.append((f"sort {name}", f"{base}/?sort={index}"))
    if view.column_searchable_list:
        urls.append(("search 张", f"{base}/?search=张"))
        urls.append(("search phone 1380", f"{base}/?search=1380"))
    record = sample_ids.get(view.model.__tablename__)
    if record:
        urls.append(("details", f"{base}/details/?id={record}"))
        urls.append(("edit form", f"{base}/edit/?id={record}"))
    urls.append(("create form", f"{base}/new/"))
    for name in view.form_ajax_refs or {}:
        urls.append((f"ajax {name}", f"{base}/ajax/lookup/?name={name}&query=1"))
    return [
        (label, url, None if label.startswith("ajax") else plain_urls.get(label, url))
        for label, url in urls
    ]


def filter_key(flt) -> tuple:
    """A filter's column and operation in English, the same for ours and plain's."""
    operation = flt.operation()
    column = getattr(flt, "column", None)
    return (getattr(column, "key", None), str(getattr(operation, "_args", [operation])[0]))


def plain_filter_url(plain_view, flt, value) -> str | None:
    for i, theirs in enumerate(getattr(plain_view, "_filters", None) or []):
        if filter_key(theirs) == filter_key(flt):
            return (
                f"/admin/{plain_view.endpoint}/?flt0_{plain_view.get_filter_arg(i, theirs)}={value}"
            )
    return None


def filter_value(flt, view):
    operation = str(getattr(flt.operation(), "_args", [flt.operation()])[0])
    if operation not in ("equals", "is"):
        return None
    options = flt.get_options(view)
    if options:
        return options[0][0]
    if "bool" in type(flt).__name__.lower():
        return "1"
    return None


def plain_app(database_url: str):
    """Flask-Admin with its defaults over the same models: the baseline."""
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from flask_babel import Babel

    from admin_app.extensions import db

    from .plain_views import PLAIN

    app = Flask("plain")
    app.config.update(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    db.init_app(app)
    Babel(app)
    admin = Admin(app, url="/admin")
    for model, options in PLAIN:
        view_class = type(f"Plain{model.__name__}", (ModelView,), dict(options))
        admin.add_view(view_class(model, db, endpoint=model.__tablename__))
    return app


def sample_records(app, estate_ids) -> dict:
    from admin_app.extensions import db
    from admin_app.models import (
        Renovation,
        Resident,
        Staff,
        Ticket,
        Unit,
        VehiclePass,
        WorkerPass,
        WorkOrder,
    )

    found = {}
    with app.app_context():
        for model in (Ticket, WorkOrder, Resident, Unit, Renovation, VehiclePass, WorkerPass):
            row = (
                db.session.query(model.id)
                .filter(model.estate_id.in_(estate_ids))
                .order_by(model.id.desc())
                .first()
            )
            if row:
                found[model.__tablename__] = row[0]
        found["staff"] = db.session.query(Staff.id).filter_by(username="regional").scalar()
        found["estate"] = min(estate_ids)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument(
        "--plain-form-limit",
        type=float,
        default=60,
        help="seconds a plain Flask-Admin create/edit form may take (once, in a child "
        "process) before it is stopped and reported as slower than that; at 1M rows its "
        "dropdowns of every ticket take minutes and gigabytes per form; 0 skips them",
    )
    args = parser.parse_args()
    url = use_database(args.database)

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import Staff
    from admin_app.runtime import freeze_startup_objects
    from seed.large import DEMO_PASSWORD

    ours = create_app({"WTF_CSRF_ENABLED": False})
    client = ours.test_client()
    assert (
        client.post("/login", data={"username": "regional", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    with ours.app_context():
        estates = [
            e.id for e in db.session.query(Staff).filter_by(username="regional").one().estates
        ]
    samples = sample_records(ours, estates)
    only = {s for s in args.only.split(",") if s}
    views = [
        v
        for v in ours.extensions["admin"][0]._views
        if hasattr(v, "model") and (not only or v.endpoint in only)
    ]

    rows = []
    plain = None if args.skip_plain else plain_app(url)
    plain_client = plain.test_client() if plain else None
    plain_views = {v.endpoint: v for v in plain.extensions["admin"][0]._views} if plain else {}
    # As wsgi.py does in every deployed process; both apps are built, so both profit alike.
    freeze_startup_objects()

    def logged_in(username):
        who = ours.test_client()
        who.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        return who

    director = logged_in("director")
    estate = min(estates)
    order, ticket, vehicle = (samples["work_order"], samples["ticket"], samples["vehicle_pass"])
    extras = (
        ("dashboard", "regional, 10 estates", client, "/admin/"),
        ("dashboard", "director, 40 estates", director, "/admin/"),
        ("inbox", "regional", client, "/admin/inbox/"),
        ("inbox", "regional, page 20", client, "/admin/inbox/?page=20"),
        ("technician", "my orders (phone)", logged_in(f"tech{estate}_0"), "/tech/"),
        ("gate", "guard's page", logged_in(f"guard{estate}"), "/gate/"),
        ("failed jobs", "admin", logged_in("admin"), "/admin/failed_jobs/"),
        ("resident import", "upload page", client, "/admin/resident_import/"),
        ("work_order", "dispatch form", client, f"/admin/work_order/act/dispatch/?id={order}"),
        ("work_order", "print", client, f"/admin/work_order/print/?id={order}"),
        ("ticket", "escalate form", client, f"/admin/ticket/act/escalate/?id={ticket}"),
        ("vehicle_pass", "pass card", client, f"/admin/vehicle_pass/card/?id={vehicle}"),
    )
    # Counted afresh on every request (fresh=1), and then as people mostly see them: kept
    # from the first view (STATISTICS_CACHE_SECONDS).
    for who_label, who in (("regional", client), ("director", director)):
        for period_label, period in (("month", ""), ("quarter", "2026-Q3"), ("year", "2026")):
            url = f"/admin/statistics/?period={period}" if period else "/admin/statistics/?"
            extras += (
                ("statistics", f"{who_label}, {period_label}, counted", who, url + "&fresh=1"),
                ("statistics", f"{who_label}, {period_label}, kept", who, url),
            )
    for extra_label, page, who, extra_url in extras:
        if not only or extra_label in only:
            row = {
                "view": extra_label,
                "page": page,
                "ours": timed(who, extra_url, args.repeat),
                "plain": None,
            }
            rows.append(row)
            print_row(row)
    admin = logged_in("admin")
    # Ours first, every page; then plain Flask-Admin's: its searches and forms load hundreds
    # of megabytes, and interleaved they slowed the next of our pages by as much again.
    timed_pages = []
    for view in views:
        for label, page, plain_page in page_urls(
            view, ours, samples, plain_views.get(view.endpoint)
        ):
            mine = timed(client, page, args.repeat)
            shown = label
            if mine["status"] == 403:  # not the supervisor's to open (staff, estates…)
                mine, shown = timed(admin, page, args.repeat), f"{label} (admin)"
            if mine["status"] == 403:
                continue  # nobody opens it: the view has no such page (gate checks' create)
            row = {"view": view.endpoint, "page": shown, "ours": mine}
            timed_pages.append((row, label, plain_page))
            print_row({**row, "plain": None})
    if plain_client:
        print("\nplain Flask-Admin, the same pages:", flush=True)
    for result, label, page in timed_pages:
        result["plain"] = None
        if plain_client and page:
            if label.endswith("form"):
                if args.plain_form_limit:
                    result["plain"] = timed_once_within(plain_client, page, args.plain_form_limit)
            else:
                result["plain"] = timed(plain_client, page, args.repeat)
        if result["plain"] and result["plain"]["status"] not in (200, None):
            result["plain"] = None  # the baseline has no such view (see plain_views.py)
        rows.append(result)
        if result["plain"]:
            print_row(result)
    write(rows, args)


def print_row(row: dict) -> None:
    ours, plain = row["ours"], row["plain"]
    plain_text = (
        "{:>8} {:>8}  x{:6.1f}".format(*plain_cell(plain), plain["p95"] / max(ours["p95"], 0.01))
        + (f"  +{plain['grown_mb']:.0f} MB" if plain.get("grown_mb") else "")
        if plain
        else ""
    )
    target = 200 if row["view"] == "statistics" else 50
    flag = "" if ours["p95"] <= target else f"  > {target} ms"
    print(
        f"{row['view']:<22} {row['page']:<34} {ours['status']} {ours['p50']:8.1f} {ours['p95']:8.1f}"
        f"  {plain_text}{flag}",
        flush=True,
    )


def write(rows: list[dict], args) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    lines = [
        "| view | page | ours p50 ms | ours p95 ms | plain p50 ms | plain p95 ms | plain/ours p95 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        o, p = r["ours"], r["plain"]
        lines.append(
            f"| {r['view']} | {r['page']} | {o['p50']:.1f} | {o['p95']:.1f} | "
            + (
                "{} | {} | {}{:.1f} |".format(
                    *plain_cell(p),
                    "≥ " if p.get("timed_out") else "",
                    p["p95"] / max(o["p95"], 0.01),
                )
                if p
                else "– | – | – |"
            )
        )
    (RESULTS / "pages.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / 'pages.md'}")


if __name__ == "__main__":
    main()
