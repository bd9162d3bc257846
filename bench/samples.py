"""The values the page bench varies from sample to sample, read from the dataset itself: the
users (supervisors of the first, a middle and the last estates, a director), months, surnames,
units and rooms, page numbers, and records with long and short histories in each user's
estates."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import text

# username: estates by id (the generator numbers them E001… in order); None: every estate
USERS = {
    "regional": range(1, 11),  # the first estates (the generator's regional supervisor)
    "perf_middle": range(16, 26),
    "perf_last": range(31, 41),
    "director": None,
}
LONG_HISTORY = 250


@dataclass
class Samples:
    estates: dict[str, list[int] | None]  # username: estate ids (None: every estate)
    months: list[tuple[str, str]]  # (first day, last day) of months with tickets
    surnames: list[str]
    phones: list[str]  # parts of residents' phones a receptionist types
    units: dict[str, list[tuple[str, str, str]]]  # username: (building, entrance, room)
    records: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (user, table)

    def user(self, i: int) -> str:
        return list(self.estates)[i % len(self.estates)]

    def header(self, user: str) -> dict:
        ids = self.estates[user]
        return {"X-Bench-Estates": ",".join(map(str, ids)) if ids else ""}

    def record(self, user: str, table: str, i: int) -> int:
        found = self.records[(user, table)]
        return found[(i // len(self.estates)) % len(found)]


def ensure_users(app) -> None:
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


def long_history(session, table: str, estate: int) -> int | None:
    """A record of the estate with LONG_HISTORY changes, each naming another staff member and
    unit (as a record reassigned and moved many times)."""
    link = {"ticket": "assignee_id", "work_order": "technician_id"}[table]
    record_id = session.execute(
        text(f"SELECT min(id) FROM {table} WHERE estate_id = :e"),  # noqa: S608
        {"e": estate},
    ).scalar_one()
    if record_id is None:  # a small dataset without this estate
        return None
    have = session.execute(
        text("SELECT count(*) FROM audit_record WHERE entity_type = :t AND entity_id = :i"),
        {"t": table, "i": record_id},
    ).scalar_one()
    if have < LONG_HISTORY:
        session.execute(
            text(
                "INSERT INTO audit_record (at, actor_id, action, entity_type, entity_id, "
                "estate_id, changes) SELECT localtimestamp - make_interval(hours => g), "
                "(SELECT id FROM staff ORDER BY id OFFSET g % 200 LIMIT 1), 'update', :t, :i, "
                ":e, json_build_object(CAST(:link AS text), json_build_array("
                "(SELECT id FROM staff ORDER BY id OFFSET g % 250 LIMIT 1), "
                "(SELECT id FROM staff ORDER BY id OFFSET (g + 1) % 250 LIMIT 1)), "
                "'unit_id', json_build_array("
                "(SELECT id FROM unit WHERE estate_id = :e ORDER BY id OFFSET g LIMIT 1), "
                "(SELECT id FROM unit WHERE estate_id = :e ORDER BY id OFFSET g + 1 LIMIT 1)))"
                " FROM generate_series(1, CAST(:n AS int)) g"
            ),
            {"t": table, "i": record_id, "e": estate, "link": link, "n": LONG_HISTORY - have},
        )
        session.commit()
    return record_id


def _some(session, table: str, estates: list[int] | None, count: int) -> list[int]:
    """Records spread over the user's estates, new and old alike (not only the newest)."""
    where = "" if estates is None else "WHERE estate_id = ANY(:e)"
    return list(
        session.execute(
            text(
                f"SELECT id FROM {table} {where} ORDER BY md5(id::text) LIMIT :n"  # noqa: S608
            ),
            {"e": list(estates or []), "n": count},
        ).scalars()
    )


def gather(app) -> Samples:
    from admin_app.extensions import db
    from admin_app.models import Staff

    ensure_users(app)
    pick = random.Random(22)
    with app.app_context():
        session = db.session
        estates = {}
        for name in USERS:
            staff = session.query(Staff).filter_by(username=name).one()
            ids = None if staff.all_estates else sorted(e.id for e in staff.estates)
            if ids != []:  # (a small dataset has no middle or last estates)
                estates[name] = ids
        months = [
            (str(m), str(e))
            for m, e in session.execute(
                text(
                    "SELECT date_trunc('month', received_at)::date m, "
                    "(date_trunc('month', received_at) + interval '1 month - 1 day')::date "
                    "FROM ticket TABLESAMPLE SYSTEM (1) GROUP BY 1, 2 ORDER BY 1"
                )
            )
        ]
        surnames = list(
            session.execute(
                text(
                    "SELECT left(name, 1) FROM resident GROUP BY 1 ORDER BY count(*) DESC LIMIT 50"
                )
            ).scalars()
        )
        phones = []
        for phone in session.execute(
            text("SELECT phone FROM resident ORDER BY md5(id::text) LIMIT 50")
        ).scalars():
            phones.append(phone[-4:] if len(phones) % 2 else phone[:7])
        units, records = {}, {}
        for name, ids in estates.items():
            units[name] = [
                tuple(row)
                for row in session.execute(
                    text(
                        "SELECT building, entrance, room FROM unit "
                        "WHERE (CAST(:all AS boolean) OR estate_id = ANY(:e)) "
                        "ORDER BY md5(id::text) LIMIT 50"
                    ),
                    {"all": ids is None, "e": list(ids or [])},
                )
            ]
            first = ids[0] if ids else session.execute(text("SELECT max(id) FROM estate")).scalar()
            for table in ("ticket", "work_order"):
                found = _some(session, table, ids, 24)
                long_id = long_history(session, table, first)
                # every other record opened has a long history, the rest the usual few changes
                mixed = []
                for record in found:
                    mixed += [long_id or record, record]
                records[(name, table)] = mixed
            records[(name, "resident")] = _some(session, "resident", ids, 50)
        pick.shuffle(surnames)
    return Samples(estates, months, surnames, phones, units, records)
