"""Time the pages people open, ours against plain Flask-Admin's, interleaved page by page.

    python -m bench.pages [--database bench_wuye] [--samples 50] [--only lists,searches]
                          [--unfair-extra] [--anonymous-extra] [--no-plain]

Both apps run in this process over the same PostgreSQL tables, through the real WSGI stack
(Werkzeug's test client). Each page is timed --samples times, every sample with other values
(page numbers, months, categories, surnames, phones, units, rooms, records with long and short
histories) and for another user in turn: supervisors of the first, a middle and the last
estates, and a director. Each sample times ours and plain Flask-Admin's page back to back
(A B, then B A for the next sample), plain scoped to the same user's estates and given the
same form columns with `form_ajax_refs`, and signed in as the same user (bench/plain_views.py).
--unfair-extra also times the earlier baseline (unscoped, dropdown forms), --anonymous-extra the
fair one with nobody signed in (as timed before 2026-12-05); both labelled apart, ratios never
drawn from them.

Prints p50/p95 per page with the load average beside each; writes bench/results/pages.json
(the pages, and per class ours p95, plain p95 and the ratio) and pages.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from .generate import use_database
from .page_classes import CLASSES, build_pages
from .page_urls import page_urls, percentile  # noqa: F401 (bench.load reads them from here)

RESULTS = Path(__file__).parent / "results"
TARGET_MS = {"statistics": 100}  # every other page: 50
# Baselines timed only as labelled extras, never drawn into the ratios (plain_app says which).
EXTRAS = ("anonymous", "unfair")
PLAIN_GIVE_UP_MS = 20_000  # a plain page this slow is timed once (its runs say so)


def loadavg() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def plain_app(database_url: str, variant: str = "plain"):
    """Flask-Admin over the same models. "plain": the fair baseline (signed in, scoped, ajax
    forms); "anonymous": the same with nobody signed in, scoped by a header; "unfair":
    unscoped, dropdown forms."""
    from flask import Flask, abort
    from flask_admin import Admin
    from flask_admin.contrib.sqla import ModelView
    from flask_babel import Babel
    from flask_login import LoginManager, login_user

    from admin_app.extensions import db
    from admin_app.models import Staff

    from .plain_views import FAIR, PLAIN, HeaderScopedModelView, ScopedModelView

    app = Flask(variant)
    app.config.update(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    db.init_app(app)
    Babel(app)
    logins = LoginManager(app)

    @logins.user_loader
    def load_user(user_id: str):  # Flask-Login's documented loader; ours is "id:token"
        return db.session.get(Staff, int(user_id.partition(":")[0]))

    @app.route("/bench-login/<username>")
    def bench_login(username: str):  # the password is checked once per session, not timed
        staff = db.session.query(Staff).filter_by(username=username).first() or abort(404)
        login_user(staff)
        return "signed in"

    admin = Admin(app, url="/admin")
    base = {"plain": ScopedModelView, "anonymous": HeaderScopedModelView, "unfair": ModelView}
    for model, options in PLAIN if variant == "unfair" else FAIR:
        view_class = type(f"Plain{model.__name__}", (base[variant],), dict(options))
        admin.add_view(view_class(model, db, endpoint=model.__tablename__))
    return app


def signed_in_clients(app, users) -> dict:
    """One test client per user, each signed in as that user."""
    clients = {}
    for user in users:
        clients[user] = app.test_client()
        assert clients[user].get(f"/bench-login/{user}").status_code == 200, user
    return clients


def timed(client, url: str, headers=None) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url, headers=headers or {})
    response.get_data()
    return (time.perf_counter() - started) * 1000, response.status_code


def summary(samples: list[float]) -> dict | None:
    if not samples:
        return None
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "max": max(samples),
        "runs": len(samples),
    }


def time_page(page, data, clients, plains: dict, count: int) -> dict:
    """One page, `count` samples; ours and each plain app back to back, alternating first."""
    ours: list[float] = []
    theirs: dict[str, list[float]] = {name: [] for name in plains}
    statuses: dict[str, set] = {"ours": set(), **{name: set() for name in plains}}
    per_user: dict[str, list[float]] = {}
    loads = [os.getloadavg()[0]]
    for i in range(count + 1):  # the first round warms both up and is not counted
        user, url, plain_url = page.make(i, data)
        sides = [("ours", url)] + [(n, plain_url) for n in plains if plain_url]
        if i % 2:
            sides.reverse()  # A B, B A, A B …
        for side, side_url in sides:
            if side != "ours" and theirs[side] and max(theirs[side]) > PLAIN_GIVE_UP_MS:
                continue
            client = clients[user] if side == "ours" else plains[side][user]
            ms, status = timed(client, side_url, None if side == "ours" else data.header(user))
            statuses[side].add(status)
            if i == 0:
                continue
            if side == "ours":
                ours.append(ms)
                per_user.setdefault(user, []).append(ms)
            else:
                theirs[side].append(ms)
        loads.append(os.getloadavg()[0])
    row = {
        "class": page.cls,
        "view": page.view,
        "page": page.label,
        "ours": summary(ours),
        "ours_status": sorted(statuses["ours"]),
        "ours_p95_by_user": {u: percentile(s, 0.95) for u, s in per_user.items()},
        "load": f"{min(loads):.1f}-{max(loads):.1f}",
    }
    for name, samples in theirs.items():
        good = statuses[name] <= {200}
        row[name] = summary(samples) if good else None
        row[f"{name}_status"] = sorted(statuses[name])
    return row


def print_row(row: dict) -> None:
    ours = row["ours"]
    plain = row.get("plain")
    target = TARGET_MS.get(row["class"], 50)
    cells = f"{ours['p50']:8.1f} {ours['p95']:8.1f}"
    if plain:
        cells += f"   {plain['p50']:8.1f} {plain['p95']:8.1f}  x{plain['p95'] / ours['p95']:5.1f}"
    else:
        cells += " " * 30
    for extra in EXTRAS:
        if row.get(extra):
            cells += f"   {extra} {row[extra]['p95']:8.1f}"
    flag = f"  > {target} ms" if ours["p95"] > target else ""
    for side in ("ours", "plain", *EXTRAS):
        if row.get(f"{side}_status", [200]) not in ([200], []):
            flag += f"  {side} HTTP {row[f'{side}_status']}"
    print(
        f"{row['class']:<10} {row['view']:<12} {row['page']:<40} {cells}  load {row['load']}{flag}",
        flush=True,
    )


def by_class(rows: list[dict]) -> dict:
    """Per class: the worst p95 of ours and of plain's over the pages both have, and the fair
    ratio (plain / ours) as the median over those pages, with its range."""
    found = {}
    for cls in CLASSES:
        mine = [r for r in rows if r["class"] == cls]
        if not mine:
            continue
        both = [r for r in mine if r.get("plain")]
        ratios = sorted(r["plain"]["p95"] / r["ours"]["p95"] for r in both)
        found[cls] = {
            "pages": len(mine),
            "ours_p95_ms": max(r["ours"]["p95"] for r in mine),
            "plain_p95_ms": max((r["plain"]["p95"] for r in both), default=None),
            "ratio": statistics.median(ratios) if ratios else None,
            "ratio_min": ratios[0] if ratios else None,
            "ratio_max": ratios[-1] if ratios else None,
            "compared_pages": len(both),
        }
    return found


def write(rows: list[dict], samples: int, started_load: str, quiet: bool = False) -> None:
    RESULTS.mkdir(exist_ok=True)
    result = {
        "samples": samples,
        "loadavg": {"start": started_load, "end": loadavg()},
        "classes": by_class(rows),
        "pages": rows,
    }
    (RESULTS / "pages.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [
        "| class | view | page | ours p50 | ours p95 | plain p50 | plain p95 | plain/ours "
        + "".join(f"| {extra} p95 " for extra in EXTRAS)
        + "| load |",
        "|---|---|---|---:|---:|---:|---:|---:|" + "---:|" * len(EXTRAS) + "---|",
    ]
    for r in rows:
        o, p = r["ours"], r.get("plain")
        plain = f"{p['p50']:.1f} | {p['p95']:.1f} | {p['p95'] / o['p95']:.1f}" if p else "– | – | –"
        extras = "".join(f"| {r[e]['p95']:.1f} " if r.get(e) else "| – " for e in EXTRAS)
        lines.append(
            f"| {r['class']} | {r['view']} | {r['page']} | {o['p50']:.1f} | {o['p95']:.1f} "
            f"| {plain} {extras}| {r['load']} |"
        )
    lines += ["", "| class | ours p95 ms | plain p95 ms | fair ratio (median, range) |"]
    lines.append("|---|---:|---:|---|")
    for cls, c in result["classes"].items():
        ratio = (
            f"{c['ratio']:.1f}× ({c['ratio_min']:.1f}–{c['ratio_max']:.1f})" if c["ratio"] else "–"
        )
        plain = f"{c['plain_p95_ms']:.1f}" if c["plain_p95_ms"] else "–"
        lines.append(f"| {cls} | {c['ours_p95_ms']:.1f} | {plain} | {ratio} |")
    (RESULTS / "pages.md").write_text("\n".join(lines) + "\n")
    if not quiet:
        print(f"\nwrote {RESULTS / 'pages.json'} and pages.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--only", default="", help="classes or views, e.g. searches,ticket")
    parser.add_argument("--no-plain", action="store_true")
    parser.add_argument(
        "--unfair-extra",
        action="store_true",
        help="also time the earlier baseline (unscoped, dropdown forms), labelled apart",
    )
    parser.add_argument(
        "--anonymous-extra",
        action="store_true",
        help="also time the fair baseline with nobody signed in (estates from a header)",
    )
    args = parser.parse_args()
    url = use_database(args.database)

    from admin_app import create_app
    from admin_app.runtime import freeze_startup_objects
    from seed.large import DEMO_PASSWORD

    from .samples import gather

    ours = create_app({"WTF_CSRF_ENABLED": False})
    data = gather(ours)
    clients = {}
    for name in data.estates:
        clients[name] = ours.test_client()
        answer = clients[name].post("/login", data={"username": name, "password": DEMO_PASSWORD})
        assert answer.status_code == 302, name
    variants = [] if args.no_plain else ["plain"]
    variants += [v for v in EXTRAS if getattr(args, f"{v}_extra")]
    plains = {v: signed_in_clients(plain_app(url, v), data.estates) for v in variants}
    # As wsgi.py does in every deployed process; both apps are built, so both profit alike.
    freeze_startup_objects()
    only = {s for s in args.only.split(",") if s}
    pages = [
        p
        for p in build_pages(
            ours, {n: c[data.user(0)].application for n, c in plains.items()}, data
        )
        if not only or p.cls in only or p.view in only
    ]
    started_load = loadavg()
    print(
        f"{'class':<10} {'view':<12} {'page':<40} {'ours p50':>8} {'p95':>8}   "
        f"{'plain p50':>8} {'p95':>8}  ratio  (ms; {args.samples} samples, load 1-min)",
        flush=True,
    )
    rows = []
    for page in pages:
        row = time_page(page, data, clients, plains, args.samples)
        rows.append(row)
        print_row(row)
        write(rows, args.samples, started_load, quiet=True)  # a run stopped early keeps its pages
    write(rows, args.samples, started_load)


if __name__ == "__main__":
    main()
