"""Benchmark: importing 100,000 residents into PostgreSQL.

    .venv/bin/python bench/import_residents.py [--rows 100000] [--naive-rows 5000]
        [--database postgresql://postgres@127.0.0.1:5432/bench_import] [--xlsx]

Drops and recreates the scratch database, builds an estate of 40,000 units, writes a realistic
CSV (names, mobiles in several spellings, ID numbers, roles, dates, 0.5% bad phones) and runs the
import the way the panel does: upload, dry run (the preview, which on PostgreSQL keeps its
checked rows), then confirm = the estate re-checked + the kept rows written (COPY into a
temporary table, INSERT … SELECT).
Scenarios: a first import (every row new), the same file again (every row unchanged), and a file
with 10% of the residents changed. Each step runs in its own process, so its peak memory (RSS)
is its own. For comparison the naive way (ORM object per row, one query per row) runs on a slice
of the same rows in the same run; its rate is extrapolated to the full size. A bare
INSERT … SELECT of as many synthetic residents (rolled back) shows what PostgreSQL alone needs on this
machine for the table's indexes and foreign keys. Target: validate + upsert (the commit step) of
100,000 rows within 5 seconds.

First, `--rounds` rounds interleave ours (A) and the floor (B): the floor is an INSERT … SELECT
of the very rows our first round wrote (from a copy, bench_floor_rows) into the same empty,
indexed table, committed as ours is; the synthetic floor of earlier runs (one name, sequential phones,
which every index takes as appends) is printed beside it. Target: confirm <= 1.5x the floor.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/bench_import"
HEADER = ["楼栋", "单元", "房号", "姓名", "手机", "身份", "证件号码", "入住日期", "备注"]
ROLES = ["业主"] * 6 + ["家属"] * 3 + ["租户"]


def make_app(database: str):
    from admin_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "bench-secret",
            "REDIS_URL": None,
            "IMPORT_MAX_ROWS": 1_000_000,
            "IMPORT_MAX_BYTES": 200 * 2**20,
        }
    )


def units() -> list[tuple[str, str, str]]:
    """100 buildings x 4 entrances x 25 floors x 4 flats = 40,000 units."""
    return [
        (str(b), str(e), f"{floor}{flat:02d}")
        for b in range(1, 101)
        for e in range(1, 5)
        for floor in range(1, 26)
        for flat in range(1, 5)
    ]


def resident_rows(count: int, seed: int = 7) -> list[list[str]]:
    from seed.names import id_number, mobile, person_name

    rng = random.Random(seed)
    places = units()
    rows = []
    for i in range(count):
        building, entrance, room = places[i % len(places)]
        phone = mobile(rng)
        spelled = rng.choice([phone, f"+86 {phone}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"])
        if rng.random() < 0.005:
            spelled = phone[:7]  # a typo: reported as invalid
        moved = date(2005, 1, 1) + timedelta(days=rng.randrange(7000))
        rows.append(
            [
                building,
                entrance,
                room,
                person_name(rng),
                spelled,
                rng.choice(ROLES),
                id_number(rng),
                moved.strftime(rng.choice(["%Y-%m-%d", "%Y/%m/%d"])),
                "" if rng.random() < 0.8 else "车位 P-" + str(rng.randrange(500)),
            ]
        )
    return rows


def changed(rows: list[list[str]], share: float, seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    out = [list(r) for r in rows]
    for r in rng.sample(out, int(len(out) * share)):
        r[3] = r[3] + "改"
        r[8] = "已更新"
    return out


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("住户")
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- steps, each in a fresh process ----------------------------------------------------------
def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(database: str, name: str, payload, results) -> None:
    app = make_app(database)
    with app.app_context():
        from sqlalchemy import text

        from admin_app.extensions import db
        from admin_app.models import Estate, ImportStatus, ResidentImport
        from admin_app.residents import operations as resident_import

        estate = db.session.query(Estate).filter_by(code="BX").one()
        base = rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        if name == "naive":
            count = naive_import(estate.id, payload)
            counts = {"rows": count}
        elif name == "import":  # upload + dry run: what the person sees before confirming
            data, filename = payload
            batch = resident_import.start(data, filename, estate.id)
            db.session.commit()
            upload = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            resident_import.check(batch)
            db.session.commit()
            dry, dry_cpu = time.perf_counter() - started, time.process_time() - cpu
            dry_rss = rss_mb()
            counts = resident_import.counts(batch)
            started, cpu = time.perf_counter(), time.process_time()
            resident_import.confirm(batch)
            assert resident_import.commit(batch)
            db.session.commit()
            results.put(
                {
                    "upload": upload,
                    "dry": dry,
                    "dry_cpu": dry_cpu,
                    "dry_rss": dry_rss,
                    "commit": time.perf_counter() - started,
                    "commit_cpu": time.process_time() - cpu,
                    "commit_rss": rss_mb(),
                    "base_rss": base,
                    "counts": counts,
                }
            )
            return
        elif name == "same rows":  # the floor: PostgreSQL storing the very rows we import
            # Committed, as ours is: a rolled-back INSERT never waits for its WAL to be
            # flushed, and left the floor short of the work ours must do (the batch's floor
            # commits too). The next step empties the table again.
            started, cpu = time.perf_counter(), time.process_time()
            db.session.execute(text("INSERT INTO resident SELECT * FROM bench_floor_rows"))
            inserted = time.perf_counter() - started
            db.session.commit()
            seconds = time.perf_counter() - started
            results.put({"seconds": seconds, "insert_s": inserted, "cpu": 0.0, "counts": {}})
            return
        elif name == "floor":  # synthetic rows (one name, sequential phones): the old floor
            count = payload
            db.session.execute(
                text(
                    "INSERT INTO resident (estate_id, unit_id, name, phone, role, id_number_enc,"
                    " id_number_hash, id_number_masked, created_at, updated_at)"
                    " SELECT :estate, u.id, '张三丰', '139' || lpad(g::text, 8, '0'), 'owner',"
                    " repeat('x', 140), md5(g::text) || md5(g::text), '110105********002X',"
                    " now(), now() FROM generate_series(1, :n) g"
                    " JOIN unit u ON u.id = (SELECT min(id) FROM unit) + g % 40000"
                ),
                {"estate": estate.id, "n": count},
            )
            db.session.rollback()
            counts = {"rows": count}
        elif name == "dry":
            data, filename = payload
            batch = resident_import.start(data, filename, estate.id)
            resident_import.check(batch)
            counts = resident_import.counts(batch)
            db.session.rollback()
        assert (
            db.session.query(ResidentImport)
            .filter(ResidentImport.status == ImportStatus.importing)
            .count()
            == 0
        )
        results.put(
            {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "rss": rss_mb(),
                "base_rss": base,
                "counts": counts,
            }
        )


def naive_import(estate_id: int, rows: list[list[str]]) -> int:
    """The obvious way: one ORM query per row, one object per resident, the history listener."""
    from admin_app.extensions import db
    from admin_app.models import Resident, ResidentRole, Unit
    from admin_app.services import history
    from admin_app.validation import normalise_phone

    roles = {"业主": ResidentRole.owner, "租户": ResidentRole.tenant, "家属": ResidentRole.family}
    with history.action("import"):
        for building, entrance, room, name, phone, role, id_number, move_in, notes in rows:
            unit = (
                db.session.query(Unit)
                .filter_by(estate_id=estate_id, building=building, entrance=entrance, room=room)
                .one_or_none()
            )
            phone = normalise_phone(phone)
            if unit is None or len(phone) != 11:
                continue
            resident = (
                db.session.query(Resident).filter_by(unit_id=unit.id, phone=phone).one_or_none()
            )
            if resident is None:
                resident = Resident(estate_id=estate_id, unit_id=unit.id, phone=phone)
                db.session.add(resident)
            resident.name = name
            resident.role = roles[role]
            resident.id_number = id_number
            resident.move_in = date.fromisoformat(move_in.replace("/", "-"))
            resident.notes = notes or None
        db.session.commit()
    return len(rows)


def run(database: str, name: str, payload) -> dict:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=step, args=(database, name, payload, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


# ---- setup -----------------------------------------------------------------------------------
def fresh_database(database: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from admin_app.config import normalise_database_url

    url = make_url(normalise_database_url(database))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    app = make_app(database)
    with app.app_context():
        from flask_migrate import upgrade

        from admin_app.extensions import db
        from admin_app.models import Estate, Unit
        from admin_app.services import bulk

        upgrade()
        estate = Estate(code="BX", name="基准小区", address="")
        db.session.add(estate)
        db.session.flush()
        rows = [
            {"estate_id": estate.id, "building": b, "entrance": e, "room": r, "floor": int(r[:-2])}
            for b, e, r in units()
        ]
        bulk.insert_rows(db.session, Unit.__table__, rows)
        db.session.commit()


def keep_floor_rows(database: str) -> None:
    """After our import: a copy of the residents it wrote, for the same-rows floor."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor_rows")
        conn.execute("CREATE TABLE bench_floor_rows AS SELECT * FROM resident ORDER BY id")


def clear_residents(database: str) -> None:
    app = make_app(database)
    with app.app_context():
        from sqlalchemy import text

        from admin_app.extensions import db

        db.session.execute(
            text(
                "TRUNCATE resident, audit_record, import_batch, stored_file RESTART IDENTITY CASCADE"
            )
        )
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-rows", type=int, default=5_000)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument(
        "--xlsx", action="store_true", help="also time a dry run of the rows as .xlsx"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="first import vs the floor, interleaved, N times"
    )
    parser.add_argument("--floor-only", action="store_true", help="only ours vs the floor")
    parser.add_argument(
        "--before-0030",
        action="store_true",
        help="put back the two resident indexes 0030_perfbulk dropped (the 'before' figure)",
    )
    args = parser.parse_args()

    print(f"Setting up {args.database.rsplit('/', 1)[-1]}: 40,000 units …", flush=True)
    fresh_database(args.database)
    if args.before_0030:
        import psycopg

        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute("CREATE INDEX ix_resident_unit_id ON resident (unit_id)")
            conn.execute("CREATE INDEX ix_resident_estate_name ON resident (estate_id, name)")
    rows = resident_rows(args.rows)
    first = as_csv(rows)
    later = as_csv(changed(rows, 0.10))
    print(f"CSV of {args.rows:,} rows: {len(first) / 2**20:.1f} MB\n", flush=True)

    # The first import against the floors, interleaved (A B A B …): our import into an empty
    # resident table, then PostgreSQL's INSERT … SELECT of the same rows (copied from the
    # first round's import) into the same empty, indexed table, committed; the synthetic
    # floor of earlier runs beside it. The load average is printed beside each figure.
    def load() -> str:
        return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())

    pairs = []
    for round_no in range(1, args.rounds + 1):
        clear_residents(args.database)
        before = load()
        outcome = run(args.database, "import", (first, "bench.csv"))
        write, whole = outcome["commit"], outcome["upload"] + outcome["dry"] + outcome["commit"]
        print(
            f"round {round_no} A ours: confirm (validate + write) {write:7.2f} s"
            f" (CPU here {outcome['commit_cpu']:.2f} s); preview {outcome['dry']:6.2f} s"
            f" (CPU {outcome['dry_cpu']:.2f} s); upload + preview + confirm {whole:7.2f} s"
            f"  ({before})",
            flush=True,
        )
        if round_no == 1:
            keep_floor_rows(args.database)
        clear_residents(args.database)
        before = load()
        floor = run(args.database, "same rows", None)
        floor_s = floor["seconds"]
        print(
            f"round {round_no} B floor: INSERT … SELECT of the same rows, committed"
            f" {floor_s:7.2f} s (before the commit {floor['insert_s']:.2f} s)"
            f"  ({before})  -> ours {write / floor_s:.2f}x",
            flush=True,
        )
        clear_residents(args.database)
        before = load()
        synthetic = run(args.database, "floor", args.rows)["seconds"]
        print(
            f"round {round_no}   old synthetic floor (one name, sequential phones)"
            f" {synthetic:7.2f} s  ({before})  -> ours {write / synthetic:.2f}x",
            flush=True,
        )
        pairs.append((floor_s, write, whole, synthetic))
    ratios = sorted(p[1] / p[0] for p in pairs)
    synthetic_ratios = sorted(p[1] / p[3] for p in pairs)
    print(
        f"confirm / same-rows floor per round: {', '.join(f'{r:.2f}x' for r in ratios)}"
        f" (median {ratios[len(ratios) // 2]:.2f}x, target <= 1.5x);"
        f" / synthetic floor: {', '.join(f'{r:.2f}x' for r in synthetic_ratios)};"
        f" whole import / same-rows floor: "
        f"{', '.join(f'{p[2] / p[0]:.2f}x' for p in pairs)}\n",
        flush=True,
    )
    # For bench/summary.py: the confirm as a multiple of the same-rows floor, per round.
    results_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, "import.json"), "w") as out:
        json.dump(
            {
                "rows": args.rows,
                "ratio": ratios[len(ratios) // 2],
                "rounds": [
                    {"floor_s": f, "confirm_s": w, "whole_s": a, "synthetic_floor_s": y}
                    for f, w, a, y in pairs
                ],
                "load": load(),
            },
            out,
            indent=1,
        )
    if args.floor_only:
        return
    clear_residents(args.database)

    table = []
    for label, data in (
        ("first import (all new)", first),
        ("same file again", first),
        ("10% changed", later),
    ):
        outcome = run(args.database, "import", (data, "bench.csv"))
        c = outcome["counts"]
        what = f"new {c['new']:,} / upd {c['updated']:,} / same {c['unchanged']:,} / bad {c['invalid']:,}"
        table.append((f"{label}: upload", args.rows, outcome["upload"], None, None, ""))
        table.append(
            (
                f"{label}: dry run (preview)",
                args.rows,
                outcome["dry"],
                outcome["dry_cpu"],
                outcome["dry_rss"],
                what,
            )
        )
        table.append(
            (
                f"{label}: validate + upsert",
                args.rows,
                outcome["commit"],
                outcome["commit_cpu"],
                outcome["commit_rss"],
                "",
            )
        )
    if args.xlsx:
        outcome = run(args.database, "dry", (as_xlsx(rows), "bench.xlsx"))
        table.append(
            (
                "same rows as .xlsx: dry run",
                args.rows,
                outcome["seconds"],
                outcome["cpu"],
                outcome["rss"],
                "",
            )
        )

    clear_residents(args.database)
    outcome = run(args.database, "floor", args.rows)
    table.append(
        (
            "PostgreSQL alone: INSERT … SELECT",
            args.rows,
            outcome["seconds"],
            None,
            None,
            "rolled back",
        )
    )
    naive = rows[: args.naive_rows]
    outcome = run(args.database, "naive", naive)
    per_row = outcome["seconds"] / len(naive)
    table.append(
        (
            f"naive ORM, row by row ({len(naive):,} rows)",
            len(naive),
            outcome["seconds"],
            outcome["cpu"],
            outcome["rss"],
            "",
        )
    )
    table.append(
        (
            f"naive ORM, extrapolated to {args.rows:,}",
            args.rows,
            per_row * args.rows,
            None,
            None,
            "estimate",
        )
    )

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{'step':<44} {'rows':>8} {'seconds':>8} {'CPU s':>6} {'rows/s':>9} {'peak RSS MB':>12}  counts"
    )
    for label, count, seconds, cpu, rss, note in table:
        rate = f"{count / seconds:,.0f}" if seconds else "-"
        peak = f"{rss:.0f}" if rss else "-"
        used = f"{cpu:.2f}" if cpu is not None else "-"
        print(f"{label:<44} {count:>8,} {seconds:>8.2f} {used:>6} {rate:>9} {peak:>12}  {note}")
    print(
        f"\nLoad average of the machine (1, 5, 15 min) at the end: {load} on {os.cpu_count()} CPUs."
    )
    print("seconds: wall clock; CPU s: this process (PostgreSQL's own work is not in it).")
    commits = [s for label, _, s, _, _, _ in table if label.endswith("validate + upsert")]
    verdict = "met" if max(commits) <= 5 else "NOT met"
    print(
        f"Target validate + upsert <= 5 s for {args.rows:,} rows: {verdict} (slowest {max(commits):.2f} s)"
    )


if __name__ == "__main__":
    main()
