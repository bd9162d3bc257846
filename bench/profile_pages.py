"""Where a request's Python time goes, for the four busiest pages.

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

from .generate import use_database

# (label, how a function is recognised: (file part, function name or None for any))
PARTS = (
    ("templates (render)", (("flask/templating.py", "_render"),)),
    ("  menu", (("admin_app/panel/rows.py", "cached_menu"),)),
    ("  list rows", (("admin_app/panel/rows.py", "__call__"),)),
    (
        "user load",
        (
            ("flask_login/login_manager.py", "_load_user"),
            ("admin_app/__init__.py", "load_staff"),
        ),
    ),
    (
        "translations",
        (
            ("flask_babel/__init__.py", "gettext"),
            ("flask_babel/__init__.py", "ngettext"),
            ("flask_babel/__init__.py", "get_translations"),
            ("flask_babel/speaklater.py", "__str__"),
            ("flask_babel/speaklater.py", "__html__"),
            ("flask_admin/babel.py", "gettext"),
            ("flask_admin/babel.py", "ngettext"),
            ("babel/support.py", "load"),
        ),
    ),
    ("  catalog loads", (("babel/support.py", "load"),)),
    ("permissions", (("admin_app/auth/permissions.py", "allowed"),)),
    ("session cookie (open+save)", (("flask/sessions.py", None), ("admin_app/secret_keys.py", None))),
    ("CSRF token", (("flask_wtf/csrf.py", "generate_csrf"),)),
    ("SQLAlchemy execute (ORM+driver)", (("sqlalchemy/orm/session.py", "execute"),
                                          ("sqlalchemy/orm/query.py", "_iter"),
                                          ("sqlalchemy/orm/session.py", "get"),
                                          ("sqlalchemy/orm/strategies.py", "_load_for_state"),
                                          ("sqlalchemy/orm/loading.py", "load_on_pk_identity"))),
    ("  driver (PostgreSQL round trips)", (("psycopg/cursor.py", "execute"),
                                           ("psycopg/cursor.py", "fetchall"),
                                           ("psycopg/cursor.py", "fetchone"),
                                           ("psycopg/cursor.py", "fetchmany"))),
    ("commit/rollback/close", (("sqlalchemy/orm/scoping.py", "remove"),)),
)

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
    from admin_app.models import Staff, Ticket

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
    terms = list("张王李刘陈杨赵黄周吴") + ["13" + str(d) for d in range(5, 10)]
    terms += [f"{d:04d}" for d in rng.sample(range(10000), 10)]
    return {
        "ticket list": [f"/admin/ticket/?page={rng.randint(0, 20)}" for _ in range(n)],
        "ticket search": [f"/admin/ticket/?search={rng.choice(terms)}" for _ in range(n)],
        "ticket details": [f"/admin/ticket/details/?id={rng.choice(ids)}" for _ in range(n)],
        "dashboard": ["/admin/" for _ in range(n)],
    }


def part_times(stats: pstats.Stats) -> dict[str, float]:
    """Inclusive seconds per part; a recursive or nested call of the same part counts once
    (cProfile's cumulative time already does so per function; across a part's functions the
    outermost one is taken: the maximum)."""
    found: dict[str, float] = {}
    for label, matchers in PARTS:
        per_function = []
        for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            for part, func in matchers:
                if part in filename.replace("\\", "/") and (func is None or func == name):
                    per_function.append((part, func, ct))
        # functions of one part nest (gettext → get_translations → load): sum the outer ones
        outer = defaultdict(float)
        for part, func, ct in per_function:
            outer[(part, func)] += ct
        values = list(outer.values())
        if label.strip() == "translations":
            # gettext calls get_translations: count gettext-like entry points, plus lazy strings
            found[label] = sum(
                v for (p, f), v in outer.items() if f in ("gettext", "ngettext", "__str__", "__html__")
            )
        elif label.startswith("session cookie"):
            found[label] = sum(
                v for (p, f), v in outer.items() if f in ("open_session", "save_session")
            )
        elif label.strip().startswith("SQLAlchemy"):
            found[label] = max(values, default=0.0) and sum(values) - _nested_sqla(outer)
        else:
            found[label] = sum(values)
    return found


def _nested_sqla(outer) -> float:
    """Query._iter calls Session.execute: subtract the inner part once (an approximation)."""
    return min(outer.get(("sqlalchemy/orm/query.py", "_iter"), 0.0),
               outer.get(("sqlalchemy/orm/session.py", "execute"), 0.0))


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
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--only", default="", help="pages, comma-separated")
    args = parser.parse_args()
    use_database(args.database)
    import os

    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

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
    for page, urls in pages.items():
        if only and page not in only:
            continue
        for url in urls[: args.warm]:
            assert client.get(url).status_code == 200, url
        profile = cProfile.Profile()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for url in urls[args.warm :]:
            profile.enable()
            response = client.get(url)
            profile.disable()
            assert response.status_code == 200, (url, response.status_code)
        wall = (time.perf_counter() - wall0) / args.requests * 1000
        cpu = (time.process_time() - cpu0) / args.requests * 1000
        stats = pstats.Stats(profile)
        total = stats.total_tt / args.requests * 1000
        print(f"\n## {page}: {args.requests} requests, load {os.getloadavg()[0]:.1f}")
        print(f"CPU {cpu:.1f} ms/request (profiled; {total:.1f} ms inside the profiler), wall {wall:.1f} ms")
        print(f"{'part (inclusive)':<36} {'ms/req':>7} {'share':>6}")
        for label, seconds in part_times(stats).items():
            ms = seconds / args.requests * 1000
            print(f"{label:<36} {ms:7.2f} {ms / total:6.0%}")
        print(f"{'package (own time, adds up)':<36} {'ms/req':>7} {'share':>6}")
        for label, seconds in sorted(package_times(stats).items(), key=lambda kv: -kv[1]):
            ms = seconds / args.requests * 1000
            print(f"{label:<36} {ms:7.2f} {ms / total:6.0%}")
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
