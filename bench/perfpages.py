"""Sorts and filters for supervisors of the first, middle and last estates, and details pages
with long histories: before (each list read as one index walk over every estate, the whole
history looked up row by row) and after (one index range per estate merged, history paged and
read once per kind), interleaved request by request in one process.

    python -m bench.perfpages [--database bench_wuye] [--samples 30] [--mode both|before|after]

The "before" code is the current code with the two changes switched off (the list's merge
and the paged history); the schema is whatever the database has (run it once before
`flask db upgrade` to 0029_perfpages and once after). Prints p50/p95 per page and user with
the load average beside each line.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from .generate import use_database
from .pages import percentile

USERS = {
    # username: estates (codes E001… by id)
    "regional": range(1, 11),  # the first estates (the generator's regional supervisor)
    "perf_middle": range(16, 26),
    "perf_last": range(31, 41),
    "supervisor40": range(40, 41),  # one estate, the last
    "director": None,  # every estate
}
LONG_HISTORY = 250


def _ensure_users(app) -> None:
    from admin_app.extensions import db
    from admin_app.models import Estate, Role, Staff
    from admin_app.services import accounts
    from seed.large import DEMO_PASSWORD

    with app.app_context():
        for name, estates in USERS.items():
            if estates is None or db.session.query(Staff).filter_by(username=name).first():
                continue
            accounts.create_staff(
                username=name,
                password=DEMO_PASSWORD,
                name=name,
                role=Role.supervisor,
                all_estates=False,
                trades=(),
                estates=db.session.query(Estate).filter(Estate.id.in_(list(estates))).all(),
            )
            db.session.commit()


def _long_history(app, table: str) -> int:
    """A record of the last estate with LONG_HISTORY changes, each naming another staff
    member and unit (as a record reassigned and moved many times)."""
    from sqlalchemy import text

    from admin_app.extensions import db

    link = {"ticket": "assignee_id", "work_order": "technician_id"}[table]
    with app.app_context():
        record_id = db.session.execute(
            text(f"SELECT min(id) FROM {table} WHERE estate_id = 40")  # noqa: S608
        ).scalar_one()
        have = db.session.execute(
            text("SELECT count(*) FROM audit_record WHERE entity_type = :t AND entity_id = :i"),
            {"t": table, "i": record_id},
        ).scalar_one()
        if have < LONG_HISTORY:
            db.session.execute(
                text(
                    "INSERT INTO audit_record (at, actor_id, action, entity_type, entity_id, "
                    "estate_id, changes) SELECT localtimestamp - make_interval(hours => g), "
                    "(SELECT id FROM staff ORDER BY id OFFSET g % 200 LIMIT 1), 'update', :t, :i, "
                    "40, json_build_object(CAST(:link AS text), json_build_array("
                    "(SELECT id FROM staff ORDER BY id OFFSET g % 250 LIMIT 1), "
                    "(SELECT id FROM staff ORDER BY id OFFSET (g + 1) % 250 LIMIT 1)), "
                    "'unit_id', json_build_array("
                    "(SELECT id FROM unit WHERE estate_id = 40 ORDER BY id OFFSET g LIMIT 1), "
                    "(SELECT id FROM unit WHERE estate_id = 40 ORDER BY id OFFSET g + 1 LIMIT 1)))"
                    " FROM generate_series(1, CAST(:n AS int)) g"
                ),
                {"t": table, "i": record_id, "link": link, "n": LONG_HISTORY - have},
            )
            db.session.commit()
        short_id = db.session.execute(
            text(f"SELECT max(id) FROM {table} WHERE estate_id = 40")  # noqa: S608
        ).scalar_one()
    return record_id, short_id


def _switch(before: bool) -> None:
    """The code as it was (one index walk over all estates; the whole history, looked up one
    linked record at a time) or as it is."""
    from admin_app.panel.base import SecureModelView
    from admin_app.panel.listing import ListingMixin

    if before:
        ListingMixin.merged_estates = lambda self: None
        SecureModelView.history_for = _old_history_for
    else:
        ListingMixin.merged_estates = _MERGED
        SecureModelView.history_for = _HISTORY


def _old_history_for(self, model, limit: int = 200):
    from admin_app.extensions import db
    from admin_app.models.audit import AuditRecord

    return (
        db.session.query(AuditRecord)
        .filter(
            AuditRecord.entity_type == self.model.__tablename__,
            AuditRecord.entity_id == model.id,
        )
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(limit)
        .all()
    )


def _list_urls(app) -> list[tuple[str, str]]:
    """(label, url) of the sorts and the filtered sort timed for every user."""
    from flask_babel import force_locale

    views = {v.endpoint: v for v in app.extensions["admin"][0]._views if hasattr(v, "model")}
    urls = []
    for endpoint, sorts in (
        ("ticket", ("number", "status")),
        ("work_order", ("number", "kind")),
    ):
        view = views[endpoint]
        columns = [name for name, _ in view.get_list_columns()]
        urls.append((f"{endpoint} default", f"/admin/{endpoint}/"))
        for name in sorts:
            index = columns.index(name)
            urls.append((f"{endpoint} by {name}", f"/admin/{endpoint}/?sort={index}"))
            if name == "number":
                urls.append(
                    (f"{endpoint} by number desc", f"/admin/{endpoint}/?sort={index}&desc=1")
                )
    ticket = views["ticket"]
    with app.test_request_context(), force_locale("en"):
        args = {}
        for i, flt in enumerate(ticket._filters):
            args.setdefault(ticket.get_filter_arg(i, flt), i)
    between = next(a for a in args if a.startswith("received_at") and "between" in a)
    category = next(a for a in args if a.startswith("category") and "equal" in a)
    number = [name for name, _ in ticket.get_list_columns()].index("number")
    urls.append(
        (
            "ticket month+category by number",
            f"/admin/ticket/?flt0_{between}=2026-03-01+00:00+to+2026-03-31+23:59"
            f"&flt1_{category}=repair&sort={number}",
        )
    )
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--mode", default="both", choices=("both", "before", "after"))
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument("--pages", default="", help="labels of the list pages to time (all)")
    args = parser.parse_args()
    use_database(args.database)

    from admin_app import create_app
    from admin_app.runtime import freeze_startup_objects
    from seed.large import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": False})
    _ensure_users(app)
    long_ticket, short_ticket = _long_history(app, "ticket")
    long_order, short_order = _long_history(app, "work_order")
    freeze_startup_objects()
    modes = {"both": (True, False), "before": (True,), "after": (False,)}[args.mode]

    clients = {}
    for name in args.users.split(","):
        client = app.test_client()
        assert (
            client.post("/login", data={"username": name, "password": DEMO_PASSWORD}).status_code
            == 302
        ), name
        clients[name] = client
    wanted = {p for p in args.pages.split(",") if p}
    pages = [
        (user, label, url)
        for user in clients
        for label, url in _list_urls(app)
        if not wanted or label in wanted
    ]
    for label, url in (
        (f"ticket details, {LONG_HISTORY} changes", f"/admin/ticket/details/?id={long_ticket}"),
        ("ticket details, 1 change", f"/admin/ticket/details/?id={short_ticket}"),
        (
            f"work order details, {LONG_HISTORY} changes",
            f"/admin/work_order/details/?id={long_order}",
        ),
        ("work order details, 1 change", f"/admin/work_order/details/?id={short_order}"),
    ):
        pages.append(("perf_last", label, url))  # estate 40 is one of theirs

    print(
        f"{'user':<13} {'page':<40} "
        + "  ".join(f"{'before' if m else 'after':>6} p50/p95 ms" for m in modes)
        + "  load"
    )
    for user, label, url in pages:
        client = clients[user]
        if client is None:
            continue
        samples = {m: [] for m in modes}
        status = {}
        for mode in modes:  # warm each once
            _switch(mode)
            status[mode] = client.get(url).status_code
        for _ in range(args.samples):
            for mode in modes:  # interleaved: A B A B …
                _switch(mode)
                started = time.perf_counter()
                response = client.get(url)
                response.get_data()
                samples[mode].append((time.perf_counter() - started) * 1000)
        cells = "  ".join(
            f"{statistics.median(samples[m]):7.1f}/{percentile(samples[m], 0.95):7.1f}"
            + ("" if status[m] == 200 else f" ({status[m]})")
            for m in modes
        )
        load = "/".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"{user:<13} {label:<40} {cells}  {load}", flush=True)


if __name__ == "__main__":
    from admin_app.panel.base import SecureModelView
    from admin_app.panel.listing import ListingMixin

    _MERGED = ListingMixin.merged_estates
    _HISTORY = SecureModelView.history_for
    main()
