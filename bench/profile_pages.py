"""Where a request's Python time goes, for the four busiest pages and the unit list.

    python -m bench.profile_pages --database bench_wuye [--requests 200] [--top 25]

In-process (Werkzeug's test client, logged in as the regional supervisor), each page is
requested --requests times with varied URLs (ticket ids, search terms, page numbers), first a
few times unprofiled (warm caches, as a running worker has), then under cProfile. Prints per
page the CPU ms per request (process time: less sensitive to other jobs on the machine than
wall time) and wall ms, split two ways:

- by part, inclusive (a part inside another counts in both): rendering templates, the menu,
  loading the user (Flask-Login's user_loader and the estates/trades it reads), translations
  (gettext and catalog loads), Flask-Admin's view code, SQLAlchemy (the ORM and the driver),
  the database driver alone (waiting for PostgreSQL);
- by package, exclusive (each function's own time, so the rows add up to the total).

--top prints the costliest functions (cumulative) of each page as well.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from collections import defaultdict
from urllib.parse import quote

from .generate import use_database

# Parts timed by wrapping the function (CPU time, inclusive: a part inside another counts in
# both; a part re-entered counts once). (label, module, attribute path)
PARTS = (
    ("whole request (Flask.wsgi_app)", "flask.app", "Flask.wsgi_app"),
    ("before-request hooks (limiter, …)", "flask.app", "Flask.preprocess_request"),
    ("session cookie open", "flask.sessions", "SecureCookieSessionInterface.open_session"),
    ("session cookie save", "flask.sessions", "SecureCookieSessionInterface.save_session"),
    ("user load (user_loader)", "flask_login.login_manager", "LoginManager._load_user"),
    ("view before rendering: list query", "admin_app.panel.listing", "ListingMixin.get_list"),
    ("templates (render_template)", "flask.templating", "_render"),
    ("  menu", "admin_app.panel.rows", "cached_menu"),
    ("  list rows", "admin_app.panel.rows", "RowRenderer.__call__"),
    ("  inbox badge", "admin_app.views.inbox", "unread_badge"),
    ("  url_for", "flask.app", "Flask.url_for"),
    ("translations: gettext", "flask_babel", "Domain.gettext"),
    ("translations: lazy strings", "flask_babel.speaklater", "LazyString.__str__"),
    ("translations: Flask-Admin's", "flask_admin.babel", "Translations.gettext"),
    ("translations: catalog lookup", "flask_babel", "Domain.get_translations"),
    ("permissions (allowed)", "admin_app.auth.permissions", "allowed"),
    ("CSRF token", "flask_wtf.csrf", "generate_csrf"),
    ("SQLAlchemy (ORM + driver)", "sqlalchemy.orm.session", "Session.execute"),
    ("  ORM: building objects", "sqlalchemy.orm.loading", "instances"),
    ("  driver: psycopg execute", "psycopg", "Cursor.execute"),
    ("end of request (teardown, commit)", "flask.ctx", "AppContext.pop"),
)


class PartTimer:
    """Wraps each part's function to add up its CPU time (time.process_time)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.active: dict[str, int] = defaultdict(int)
        self.undo: list = []

    def install(self) -> None:
        import functools
        import importlib

        for label, module_name, path in PARTS:
            try:
                owner = importlib.import_module(module_name)
                *parents, name = path.split(".")
                for parent in parents:
                    owner = getattr(owner, parent)
                original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            except (ImportError, AttributeError, KeyError):
                print(f"(no {module_name}.{path}: part '{label.strip()}' not timed)")
                continue
            if isinstance(original, (staticmethod, classmethod)):
                continue

            def make(original, label):
                @functools.wraps(original)
                def timed(*args, **kwargs):
                    if self.active[label]:
                        return original(*args, **kwargs)
                    self.active[label] += 1
                    started = time.process_time()
                    try:
                        return original(*args, **kwargs)
                    finally:
                        self.seconds[label] += time.process_time() - started
                        self.active[label] -= 1

                return timed

            setattr(owner, name, make(original, label))
            self.undo.append((owner, name, original))

    def reset(self) -> None:
        self.seconds.clear()


PACKAGES = (
    ("jinja2 + compiled templates", ("jinja2/", "<template>", ".html")),
    ("sqlalchemy", ("sqlalchemy/",)),
    ("psycopg (driver)", ("psycopg",)),
    ("flask_admin", ("flask_admin/",)),
    ("wtforms / flask_wtf", ("wtforms/", "flask_wtf/")),
    ("babel / flask_babel", ("babel/", "flask_babel/")),
    ("werkzeug", ("werkzeug/",)),
    ("flask / flask_login", ("flask/", "flask_login/", "flask_limiter/", "limits/")),
    ("markupsafe", ("markupsafe/",)),
    ("admin_app", ("admin_app/",)),
    ("redis", ("redis/",)),
    ("stdlib / builtins", ("/lib/python3", "~", "<")),
)


def urls_for(app, staff_id: int, rng: random.Random, n: int) -> dict[str, list[str]]:
    from admin_app.extensions import db
    from admin_app.models import Resident, Staff, Ticket, Unit

    with app.app_context():
        staff = db.session.get(Staff, staff_id)
        estates = [e.id for e in staff.estates]
        ids = [
            i
            for (i,) in db.session.query(Ticket.id)
            .filter(Ticket.estate_id.in_(estates))
            .order_by(Ticket.id.desc())
            .limit(2000)
        ]
        units = [
            i
            for (i,) in db.session.query(Unit.id)
            .filter(Unit.estate_id.in_(estates))
            .order_by(Unit.id)
            .limit(2000)
        ]
        residents = [
            i
            for (i,) in db.session.query(Resident.id)
            .filter(Resident.estate_id.in_(estates))
            .order_by(Resident.id)
            .limit(2000)
        ]
    surnames = list("张王李刘陈杨赵黄周吴")
    terms = list(surnames) + ["13" + str(d) for d in range(5, 10)]
    terms += [f"{d:04d}" for d in rng.sample(range(10000), 10)]
    return {
        "ticket list": [f"/admin/ticket/?page={rng.randint(0, 20)}" for _ in range(n)],
        "ticket search": [f"/admin/ticket/?search={rng.choice(terms)}" for _ in range(n)],
        "ticket details": [f"/admin/ticket/details/?id={rng.choice(ids)}" for _ in range(n)],
        "dashboard": ["/admin/" for _ in range(n)],
        "unit list": [f"/admin/unit/?page={rng.randint(0, 40)}" for _ in range(n)],
        "unit details": [f"/admin/unit/details/?id={rng.choice(units)}" for _ in range(n)],
        "resident details": [
            f"/admin/resident/details/?id={rng.choice(residents)}" for _ in range(n)
        ],
        "ticket edit form": [f"/admin/ticket/edit/?id={rng.choice(ids)}" for _ in range(n)],
        "ticket create form": ["/admin/ticket/new/" for _ in range(n)],
        "ticket lookup (resident)": [
            f"/admin/ticket/ajax/lookup/?name=resident&query={quote(rng.choice(surnames))}"
            for _ in range(n)
        ],
    }


def package_times(stats: pstats.Stats) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        path = filename.replace("\\", "/")
        for label, marks in PACKAGES:
            if any(m in path for m in marks):
                found[label] += tt
                break
        else:
            found["other"] += tt
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--top", type=int, default=0, help="also print cProfile's top functions")
    parser.add_argument("--only", default="", help="pages, comma-separated")
    parser.add_argument(
        "--sort", default="cumulative", help="--top's order: cumulative, or tottime (own time)"
    )
    parser.add_argument("--json", default="", help="write the table here too")
    args = parser.parse_args()
    use_database(args.database)
    import json
    import os

    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    timer = PartTimer()
    timer.install()  # before the app is built: it keeps references to some of these functions

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.models import Staff
    from admin_app.runtime import freeze_startup_objects
    from seed.large import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/login", data={"username": "regional", "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        staff_id = db.session.query(Staff.id).filter_by(username="regional").scalar()
    pages = urls_for(app, staff_id, random.Random(7), args.requests + args.warm)
    freeze_startup_objects()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    table = {}
    for page, urls in pages.items():
        if only and page not in only:
            continue
        for url in urls[: args.warm]:
            assert client.get(url).status_code == 200, url
        timer.reset()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for url in urls[args.warm :]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        wall = (time.perf_counter() - wall0) / args.requests * 1000
        cpu = (time.process_time() - cpu0) / args.requests * 1000
        parts = {label: timer.seconds.get(label, 0.0) / args.requests * 1000 for label, *_ in PARTS}
        table[page] = {"cpu_ms": cpu, "wall_ms": wall, "load": os.getloadavg()[0], "parts": parts}
        print(f"\n## {page}: {args.requests} requests, load {os.getloadavg()[0]:.1f}")
        print(f"CPU {cpu:.1f} ms/request (test client included), wall {wall:.1f} ms")
        print(f"{'part (CPU, inclusive)':<40} {'ms/req':>7} {'share':>6}")
        for label, ms in parts.items():
            print(f"{label:<40} {ms:7.2f} {ms / cpu:6.0%}")
        if args.top:
            profile = cProfile.Profile()
            for url in urls[args.warm :]:
                profile.enable()
                client.get(url)
                profile.disable()
            stats = pstats.Stats(profile)
            total = stats.total_tt / args.requests * 1000
            print(f"{'package (own time under cProfile)':<40} {'ms/req':>7} {'share':>6}")
            for label, seconds in sorted(package_times(stats).items(), key=lambda kv: -kv[1]):
                ms = seconds / args.requests * 1000
                print(f"{label:<40} {ms:7.2f} {ms / total:6.0%}")
            stats.sort_stats(args.sort).print_stats(args.top)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(table, handle, indent=2)


if __name__ == "__main__":
    main()
