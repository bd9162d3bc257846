"""Our pages against Django admin over the same tables, interleaved request by request.

    python -m bench.django_pages [--database bench_wuye] [--samples 50] [--only list,search]

Both run in this process: ours through Werkzeug's test client (logged in as in bench.pages),
Django admin (bench/django_admin/: unmanaged models, list_select_related, autocomplete fields,
index-friendly search lookups, show_full_result_count = False, scoped to the same estates)
through Django's test client, logged in as a Django user of the same name. Each class of page
gets --samples pairs with varied values (pages, surnames, phones, units, numbers, months,
records) for supervisors of the first (regional: E001-E010), a middle (supervisor20) and the
last (supervisor40) estates; each pair is timed ABAB, who goes first alternating. Prints p50/p95
per class and per page with the load average beside each, and writes bench/results/django.json.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from .generate import use_database
from .pages import percentile

RESULTS = Path(__file__).parent / "results"
USERS = ("regional", "supervisor20", "supervisor40")  # first, a middle, the last estates
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
# Our model views and Django's models: (our endpoint, Django's URL name).
MODELS = {
    "ticket": "ticket",
    "work_order": "workorder",
    "resident": "resident",
    "unit": "unit",
}
CLASSES = ("list", "search", "sort_filter", "details", "edit_form", "create_form")
# Django admin's index is a list of models, not a dashboard of work queues: no equivalent.
WITHOUT_EQUIVALENT = {"dashboard": "Django admin's index lists the models; it has no queues"}


@dataclass
class Sample:
    kind: str  # the class of page
    page: str  # what it is ("ticket list page 12")
    user: str
    ours: str
    django: str
    reader: bool = False  # Django's read-only change view: the user with view permission only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--samples", type=int, default=50, help="pairs per class (≥ 50)")
    parser.add_argument("--only", default="", help="classes, e.g. list,search")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument(
        "--lean",
        action="store_true",
        help="a labelled extra: Django without date_hierarchy and without search lookups "
        "through a relation (resident__phone), its fastest but finding less than ours; "
        "results in bench/results/django_lean.json",
    )
    args = parser.parse_args()
    try:
        import django  # noqa: F401
    except ImportError:
        raise SystemExit(
            "django is not installed: pip install -e '.[bench]' (the bench extra) "
            "to time Django admin over the same tables"
        ) from None
    use_database(args.database)

    from admin_app.runtime import freeze_startup_objects
    from seed.large import DEMO_PASSWORD

    from .django_admin.setup import ensure_user, start

    start(args.database)
    if args.lean:
        lean_admins()
    ours_app, ours_clients = our_clients(DEMO_PASSWORD)
    django_clients = {}
    for user in USERS:
        for reader in (False, True):
            ensure_user(user, DEMO_PASSWORD, reader=reader)
            django_clients[user, reader] = django_client(user, DEMO_PASSWORD, reader)
    facts = {user: facts_for(ours_app, user, random.Random(f"{args.seed}{user}")) for user in USERS}
    only = {c for c in args.only.split(",") if c} or set(CLASSES)
    rng = random.Random(args.seed)
    samples = [s for s in build_samples(ours_app, facts, args.samples, rng) if s.kind in only]
    freeze_startup_objects()  # as wsgi.py does in every deployed process

    warm_up(samples, ours_clients, django_clients)
    rows = []
    for i, sample in enumerate(samples):
        rows.append(time_pair(sample, ours_clients, django_clients, ours_first=i % 2 == 0))
    report(rows, args)


# ---- the two apps ---------------------------------------------------------------------------


def lean_admins() -> None:
    """Django's two costliest standard options off: date_hierarchy (two more passes over the
    list's rows: the first and last dates, then the distinct years) and related search
    lookups (a LEFT JOIN whose OR no index answers). Ours keeps both features."""
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        model_admin.date_hierarchy = None
        model_admin.search_fields = tuple(
            f for f in model_admin.search_fields if f.count("__") <= 1
        )


def our_clients(password: str):
    from admin_app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    clients = {}
    for user in USERS:
        client = app.test_client()
        response = client.post("/login", data={"username": user, "password": password})
        assert response.status_code == 302, f"ours: {user} could not log in"
        clients[user] = client
    return app, clients


def django_client(user: str, password: str, reader: bool):
    from django.test import Client

    from .django_admin.admin import VIEWER_SUFFIX

    client = Client()
    name = user + VIEWER_SUFFIX if reader else user
    assert client.login(username=name, password=password), f"django: {name} could not log in"
    return client


def get(client, url: str) -> tuple[float, int, int]:
    """(seconds, status, bytes) of one GET, the body read in full."""
    started = time.perf_counter()
    response = client.get(url)
    body = response.content if hasattr(response, "content") else response.get_data()
    if hasattr(response, "close"):
        response.close()
    return time.perf_counter() - started, response.status_code, len(body)


# ---- what is asked for ----------------------------------------------------------------------


def facts_for(app, username: str, rng: random.Random) -> dict:
    """Values from the user's own estates: records (oldest, middle, newest), numbers, phone
    prefixes, buildings and rooms, months with tickets."""
    from sqlalchemy import text

    from admin_app.extensions import db

    with app.app_context():
        estates = list(
            db.session.execute(
                text(
                    "SELECT se.estate_id FROM staff_estate se JOIN staff s ON s.id = se.staff_id "
                    "WHERE s.username = :u ORDER BY 1"
                ),
                {"u": username},
            ).scalars()
        )

        def pick(table: str, columns: str, n: int) -> list:
            # Spread over the table: ids at random points of the estates' id range.
            low, high = db.session.execute(
                text(f"SELECT min(id), max(id) FROM {table} WHERE estate_id = ANY(:e)"),  # noqa: S608
                {"e": estates},
            ).one()
            found = []
            for _ in range(n):
                row = db.session.execute(
                    text(
                        f"SELECT {columns} FROM {table} WHERE estate_id = ANY(:e) "  # noqa: S608
                        "AND id >= :at ORDER BY id LIMIT 1"
                    ),
                    {"e": estates, "at": rng.randint(low, high)},
                ).first()
                if row:
                    found.append(tuple(row))
            return found

        return {
            "estates": estates,
            "ticket": pick("ticket", "id, number, reporter_phone", 12),
            "work_order": pick("work_order", "id, number, contact_phone", 12),
            "resident": pick("resident", "id, name, phone", 12),
            "unit": pick("unit", "id, building, room", 12),
            "history": histories(db, estates),
        }


LONG_HISTORY = 20  # changes: more than our details page shows at first


def histories(db, estates) -> dict:
    """Tickets and work orders of the estates with a long history, longest first (bench_wuye
    has one history row per record, its creation: none there; bench.perfpages adds records
    with 250 changes in estate 40 to its own copy)."""
    from sqlalchemy import text

    found = {}
    for table in ("ticket", "work_order"):
        found[table] = list(
            db.session.execute(
                text(
                    "SELECT entity_id FROM audit_record WHERE entity_type = :t "
                    "AND estate_id = ANY(:e) GROUP BY entity_id HAVING count(*) >= :n "
                    "ORDER BY count(*) DESC LIMIT 3"
                ),
                {"t": table, "e": estates, "n": LONG_HISTORY},
            ).scalars()
        )
    return found


def build_samples(app, facts: dict, per_class: int, rng: random.Random) -> list[Sample]:
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views if hasattr(v, "model")}
    makers = {
        "list": list_sample,
        "search": search_sample,
        "sort_filter": sort_filter_sample,
        "details": details_sample,
        "edit_form": edit_sample,
        "create_form": create_sample,
    }
    samples = []
    with app.test_request_context():
        for make in makers.values():
            for i in range(per_class):
                user = USERS[i % len(USERS)]
                samples.append(make(views, facts[user], user, i, rng))
    rng.shuffle(samples)  # classes mixed, so that load drift lands on all of them
    return samples


def ours_base(endpoint: str) -> str:
    return f"/admin/{endpoint}/"


def django_base(endpoint: str) -> str:
    return f"/admin/wuye/{MODELS[endpoint]}/"


def list_sample(views, facts, user, i, rng) -> Sample:
    endpoint = list(MODELS)[i // len(USERS) % len(MODELS)]
    page = 0 if i % 5 == 0 else rng.randint(1, 39)  # our counts stop at 1000: 40 pages
    return Sample(
        "list",
        f"{endpoint} list, " + ("page 1" if page == 0 else "pages 2-40"),
        user,
        ours_base(endpoint) + (f"?page={page}" if page else ""),
        django_base(endpoint) + (f"?p={page + 1}" if page else ""),
    )


def search_sample(views, facts, user, i, rng) -> Sample:
    endpoint = list(MODELS)[i // len(USERS) % len(MODELS)]
    records = facts[endpoint]
    record = rng.choice(records)
    # What is searched turns once every user has searched every model (i // 12), so that
    # each user searches each way.
    way = i // (len(USERS) * len(MODELS)) % 3
    if endpoint == "unit":
        term = record[1] if i % 2 else record[2]  # a building or a room
        what = "building" if i % 2 else "room"
    elif way == 0:
        term, what = rng.choice(SURNAMES), "surname"
    elif way == 1:
        term, what = (record[2] or "138")[:4], "phone prefix"
    elif endpoint in ("ticket", "work_order"):
        term, what = record[1], "number"
    else:
        term, what = record[1][:2], "name"
    return Sample(
        "search",
        f"{endpoint} search {what}",
        user,
        ours_base(endpoint) + f"?search={term}",
        django_base(endpoint) + f"?q={term}",
    )


SORTS = {
    # endpoint: (column, Django's list_display position counted from 1)
    "ticket": ("number", "category", "status", "received_at"),
    "work_order": ("number", "status", "created_at", "appointment_at"),
    "resident": ("name", "phone", "move_in"),
    "unit": ("building", "room", "area_m2"),
}
DJANGO_COLUMNS = {
    "ticket": (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "unit",
        "reporter_name",
        "reporter_phone",
        "received_at",
        "assignee",
    ),
    "work_order": (
        "number",
        "estate",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "unit",
        "contact_name",
        "technician",
        "appointment_at",
        "created_at",
    ),
    "resident": (
        "estate",
        "unit",
        "name",
        "phone",
        "role",
        "id_number_masked",
        "move_in",
        "move_out",
    ),
    "unit": (
        "estate",
        "building",
        "entrance",
        "floor",
        "room",
        "area_m2",
        "kind",
        "occupancy",
        "renovation_status",
    ),
}
CATEGORIES = ("repair", "complaint", "inquiry", "help")
DATED = {"ticket": "received_at", "work_order": "created_at"}


def sort_filter_sample(views, facts, user, i, rng) -> Sample:
    """Sorts by every sortable column (the number sorts most, both ways) for tickets and work
    orders; half of them with a month and a category or status filter as well."""
    endpoint = ("ticket", "work_order", "ticket", "resident", "unit")[i % 5]
    view = views[endpoint]
    column = SORTS[endpoint][0] if i % 2 == 0 else rng.choice(SORTS[endpoint])
    desc = rng.random() < 0.5
    ours_index = [name for name, _ in view._list_columns].index(column)
    django_index = DJANGO_COLUMNS[endpoint].index(column) + 1
    ours = f"?sort={ours_index}" + ("&desc=1" if desc else "")
    theirs = f"?o={'-' if desc else ''}{django_index}"
    page = f"{endpoint} sort {column}{' desc' if desc else ''}"
    if endpoint in DATED and rng.random() < 0.6:
        year, month = rng.choice((2024, 2025, 2026)), rng.randint(1, 11)
        first, nxt = f"{year}-{month:02d}-01", f"{year}-{month + 1:02d}-01"
        field = DATED[endpoint]
        flag = "category" if endpoint == "ticket" else "status"
        value = rng.choice(CATEGORIES) if endpoint == "ticket" else "closed"
        ours_flags = filter_args(view, {f"{flag}_equals": value, f"{field}_between": None})
        last = calendar.monthrange(year, month)[1]
        ours += (
            f"&{ours_flags[0]}={value}"
            f"&{ours_flags[1]}={first} 00:00:00 to {year}-{month:02d}-{last} 23:59:59"
        )
        theirs += f"&{flag}__exact={value}&{field}__gte={first}&{field}__lt={nxt}"
        page += f", a month + {flag}"
    return Sample(
        "sort_filter", page, user, ours_base(endpoint) + ours, django_base(endpoint) + theirs
    )


def filter_args(view, wanted: dict) -> list[str]:
    """Our URL argument (flt<i>_<name>) for each filter named, in order."""
    names = [view.get_filter_arg(i, f) for i, f in enumerate(view._filters)]
    return [f"flt{position}_{name}" for position, name in enumerate(wanted) if name in names]


def record_of(facts, endpoint, i, rng):
    long = facts["history"].get(endpoint) or []
    if long and i % 4 == 0:
        return long[i % len(long)], "long history"
    return rng.choice(facts[endpoint])[0], "record"


def details_sample(views, facts, user, i, rng) -> Sample:
    endpoint = list(MODELS)[i // len(USERS) % len(MODELS)]
    record, what = record_of(facts, endpoint, i, rng)
    return Sample(
        "details",
        f"{endpoint} details, {what}",
        user,
        ours_base(endpoint) + f"details/?id={record}",
        django_base(endpoint) + f"{record}/change/",
        reader=True,
    )


def edit_sample(views, facts, user, i, rng) -> Sample:
    endpoint = list(MODELS)[i // len(USERS) % len(MODELS)]
    record, what = record_of(facts, endpoint, i, rng)
    return Sample(
        "edit_form",
        f"{endpoint} edit form",
        user,
        ours_base(endpoint) + f"edit/?id={record}",
        django_base(endpoint) + f"{record}/change/",
    )


def create_sample(views, facts, user, i, rng) -> Sample:
    endpoint = list(MODELS)[i // len(USERS) % len(MODELS)]
    return Sample(
        "create_form",
        f"{endpoint} create form",
        user,
        ours_base(endpoint) + "new/",
        django_base(endpoint) + "add/",
    )


# ---- timing ----------------------------------------------------------------------------------


def warm_up(samples, ours_clients, django_clients) -> None:
    """The first request of each page of each side, untimed: template compilation, the
    first connection, imports done lazily."""
    seen = set()
    for sample in samples:
        if sample.page not in seen:
            seen.add(sample.page)
            get(ours_clients[sample.user], sample.ours)
            get(django_clients[sample.user, sample.reader], sample.django)


def time_pair(sample: Sample, ours_clients, django_clients, ours_first: bool) -> dict:
    ours_client = ours_clients[sample.user]
    django_client_ = django_clients[sample.user, sample.reader]
    if ours_first:
        ours = get(ours_client, sample.ours)
        theirs = get(django_client_, sample.django)
    else:
        theirs = get(django_client_, sample.django)
        ours = get(ours_client, sample.ours)
    return {
        "class": sample.kind,
        "page": sample.page,
        "user": sample.user,
        "ours_url": sample.ours,
        "django_url": sample.django,
        "ours_ms": ours[0] * 1000,
        "django_ms": theirs[0] * 1000,
        "ours_status": ours[1],
        "django_status": theirs[1],
        "ours_first": ours_first,
        "loadavg": os.getloadavg()[0],
    }


# ---- the report -----------------------------------------------------------------------------


def summary(rows: list[dict]) -> dict:
    ours = [r["ours_ms"] for r in rows]
    theirs = [r["django_ms"] for r in rows]
    load = [r["loadavg"] for r in rows]
    ours_p95, django_p95 = percentile(ours, 0.95), percentile(theirs, 0.95)
    return {
        "samples": len(rows),
        "ours_p50_ms": round(statistics.median(ours), 1),
        "ours_p95_ms": round(ours_p95, 1),
        "django_p50_ms": round(statistics.median(theirs), 1),
        "django_p95_ms": round(django_p95, 1),
        "ratio": round(django_p95 / max(ours_p95, 0.01), 2),
        "ratio_p50": round(statistics.median(theirs) / max(statistics.median(ours), 0.01), 2),
        "loadavg_min": round(min(load), 2),
        "loadavg_max": round(max(load), 2),
    }


def line(label: str, s: dict) -> str:
    return (
        f"{label:<44} {s['samples']:>3}  ours {s['ours_p50_ms']:7.1f} {s['ours_p95_ms']:7.1f}"
        f"  django {s['django_p50_ms']:7.1f} {s['django_p95_ms']:7.1f}"
        f"  x{s['ratio']:5.2f} (p50 x{s['ratio_p50']:5.2f})"
        f"  load {s['loadavg_min']:.1f}-{s['loadavg_max']:.1f}"
    )


TARGET = 2.0  # the aim: ours at least twice as fast as Django admin, class by class


def report(rows: list[dict], args) -> None:
    bad = [r for r in rows if r["ours_status"] != 200 or r["django_status"] != 200]
    for r in bad:
        print(
            f"! not 200: {r['page']} ({r['user']}) ours {r['ours_status']} "
            f"django {r['django_status']}: {r['ours_url']} | {r['django_url']}"
        )
    classes, pages = print_classes(rows)
    losing = print_losing(pages, rows)
    RESULTS.mkdir(exist_ok=True)
    result = {
        "database": args.database,
        "variant": "lean (no date_hierarchy, no related search)" if args.lean else "standard",
        "samples_per_class": args.samples,
        "users": list(USERS),
        "classes": classes,
        "without_equivalent": WITHOUT_EQUIVALENT,
        "losing_pages": losing,
        "pages": rows,
        "loadavg": [r["loadavg"] for r in rows],
        "not_200": len(bad),
    }
    name = "django_lean.json" if args.lean else "django.json"
    (RESULTS / name).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"\nwrote {RESULTS / name}")


def print_classes(rows: list[dict]) -> tuple[dict, dict]:
    """p50/p95 of both per class, then per page of the class; the summaries by name."""
    print(
        f"\n{'class / page':<44} {'n':>3}  {'ours p50 p95 ms':>20}  {'django p50 p95 ms':>22}"
        "  django/ours p95"
    )
    classes, pages = {}, {}
    for kind in CLASSES:
        mine = [r for r in rows if r["class"] == kind]
        if not mine:
            continue
        classes[kind] = summary(mine)
        met = "target met" if classes[kind]["ratio"] >= TARGET else f"below {TARGET:g}x"
        print(line(kind, classes[kind]) + f"  {met}")
        for page in sorted({r["page"] for r in mine}):
            pages[page] = summary([r for r in mine if r["page"] == page])
            print(line("  " + page, pages[page]))
    for kind, why in WITHOUT_EQUIVALENT.items():
        print(f"{kind:<44} none: {why}")
    return classes, pages


def print_losing(pages: dict, rows: list[dict]) -> list[dict]:
    """Our pages Django serves faster (median against median), slowest first; then our ten
    slowest requests."""
    losing = sorted(
        ({"page": page, **s} for page, s in pages.items() if s["ratio_p50"] < 1),
        key=lambda s: s["ratio_p50"],
    )
    print("\nOur pages Django admin serves faster (p50 against p50):")
    for s in losing:
        print(line("  " + s["page"], s))
    print("\nOur slowest ten requests:")
    for r in sorted(rows, key=lambda r: r["ours_ms"], reverse=True)[:10]:
        print(
            f"  {r['ours_ms']:8.1f} ms (django {r['django_ms']:8.1f})  {r['page']} ({r['user']})"
            f"  load {r['loadavg']:.1f}  {r['ours_url']}"
        )
    return losing


if __name__ == "__main__":
    main()
