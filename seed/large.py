"""A large, realistic dataset for benchmarks: PostgreSQL COPY, minutes not hours.

Default size: 40 estates, 100k units, 200k residents, 1M tickets (15% complaints), 300k work
orders, passes and renovations, and one history row per ticket and work order. Distributions:
three years of contacts, most of them closed; the newest ones still open in every state.
Use `python -m bench.generate` (it builds the schema first); PostgreSQL only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.security import generate_password_hash

from .names import id_number, mobile, person_name

TICKET_CATEGORIES = (
    ("inquiry", 30),
    ("help", 10),
    ("repair", 40),
    ("suggestion", 5),
    ("complaint", 15),
)
CHANNELS = ("phone", "phone", "phone", "visit", "visit", "online", "letter", "guard", "patrol")
TRADES = ("plumbing", "electrical", "carpentry", "cleaning", "locks", "appliances")
COMPLAINT_CODES = (
    "service_attitude",
    "repair_quality",
    "fees",
    "cleaning",
    "security",
    "parking",
    "facilities",
    "neighbours",
    "other",
)
TEXTS = (
    "厨房水龙头漏水",
    "卫生间灯不亮",
    "询问物业费缴纳方式",
    "楼上装修噪音太大",
    "电梯经常故障",
    "垃圾清运不及时",
    "停车位被占用",
    "门禁卡失灵",
    "建议增加儿童游乐设施",
    "下水道堵塞",
)
DEMO_PASSWORD = "bench-pass-1"


@dataclass
class Size:
    estates: int = 40
    units: int = 100_000
    residents: int = 200_000
    tickets: int = 1_000_000
    work_orders: int = 300_000
    passes: int = 30_000
    renovations: int = 10_000

    @classmethod
    def scaled(cls, factor: float) -> Size:
        base = cls()
        return cls(
            **{
                k: max(2, int(v * factor))
                if k != "estates"
                else max(2, int(v * min(1, factor * 4)))
                for k, v in base.__dict__.items()
            }
        )


def _weighted(rng, table):
    total = sum(w for _, w in table)
    pick = rng.uniform(0, total)
    for value, weight in table:
        pick -= weight
        if pick <= 0:
            return value
    return table[-1][0]


class Generator:
    """Writes rows with COPY through a psycopg 3 connection; ids are assigned here."""

    def __init__(self, conn, size: Size, now: datetime, seed: int = 7):
        self.conn = conn
        self.size = size
        self.now = now
        self.rng = random.Random(seed)
        # Times to a result drawn apart, so the other columns stay what they were before.
        self.taken_rng = random.Random(seed + 1)

    def copy(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def run(self, log=print) -> dict:
        counts = {}
        steps = (
            ("estate", self.estates),
            ("staff", self.staff),
            ("unit", self.units),
            ("resident", self.residents),
            ("ticket", self.tickets),
            ("work_order", self.work_orders),
            ("renovation", self.renovations),
            ("passes", self.passes),
            ("audit_record", self.history),
        )
        for name, step in steps:
            started = datetime.now()
            counts[name] = step()
            self.conn.commit()
            log(
                f"  {name:<14} {counts[name]:>9,} rows in {(datetime.now() - started).total_seconds():6.1f} s"
            )
        self.reset_sequences()
        return counts

    # -- estates, staff, units, residents -------------------------------------------------
    def estates(self) -> int:
        self.estate_ids = list(range(1, self.size.estates + 1))
        rows = (
            (
                i,
                f"E{i:03d}",
                f"测试小区{i:03d}",
                f"测试路 {i} 号",
                "0755-8600" + f"{i:04d}",
                "",
                self.now,
                self.now,
            )
            for i in self.estate_ids
        )
        return self.copy(
            "estate",
            (
                "id",
                "code",
                "name",
                "address",
                "service_phone",
                "duty_phone",
                "created_at",
                "updated_at",
            ),
            rows,
        )

    def staff(self) -> int:
        password = generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:1000")
        staff, links, trades = [], [], []
        next_id = 1

        def add(username, name, role, estates, all_estates=False, skills=()):
            nonlocal next_id
            staff.append(
                (
                    next_id,
                    username,
                    password,
                    name,
                    role,
                    True,
                    all_estates,
                    "x" * 32,
                    0,
                    self.now,
                    self.now,
                )
            )
            links.extend((next_id, e) for e in estates)
            trades.extend((next_id, t) for t in skills)
            next_id += 1
            return next_id - 1

        add("admin", "管理员", "admin", [], True)
        add("director", "主任", "director", [], True)
        self.technicians = {}
        for e in self.estate_ids:
            add(f"supervisor{e}", f"主管{e}", "supervisor", [e])
            add(f"reception{e}", f"前台{e}", "receptionist", [e])
            add(f"guard{e}", f"门岗{e}", "guard", [e])
            self.technicians[e] = [
                add(
                    f"tech{e}_{k}",
                    f"师傅{e}-{k}",
                    "technician",
                    [e],
                    skills=(TRADES[k % 6], TRADES[(k + 1) % 6]),
                )
                for k in range(4)
            ]
        # a regional supervisor over a quarter of the estates: the bench's logged-in user
        add(
            "regional",
            "区域主管",
            "supervisor",
            self.estate_ids[: max(1, len(self.estate_ids) // 4)],
        )
        self.copy(
            "staff",
            (
                "id",
                "username",
                "password_hash",
                "name",
                "role",
                "active",
                "all_estates",
                "session_token",
                "failed_logins",
                "created_at",
                "updated_at",
            ),
            staff,
        )
        self.copy("staff_estate", ("staff_id", "estate_id"), links)
        self.copy("staff_trade", ("staff_id", "trade"), trades)
        self.staff_count = next_id - 1
        return len(staff)

    def units(self) -> int:
        per_estate = self.size.units // len(self.estate_ids)
        self.units_by_estate = {}
        rows = []
        unit_id = 1
        for e in self.estate_ids:
            ids = []
            for k in range(per_estate):
                building, rest = divmod(k, 200)
                entrance, rest = divmod(rest, 100)
                floor, room = divmod(rest, 4)
                rows.append(
                    (
                        unit_id,
                        e,
                        str(building + 1),
                        str(entrance + 1),
                        floor + 1,
                        f"{floor + 1}{room + 1:02d}",
                        89.5,
                        "residential",
                        "occupied",
                        self.now,
                        self.now,
                    )
                )
                ids.append(unit_id)
                unit_id += 1
            self.units_by_estate[e] = ids
        self.unit_estate = {u: e for e, ids in self.units_by_estate.items() for u in ids}
        return self.copy(
            "unit",
            (
                "id",
                "estate_id",
                "building",
                "entrance",
                "floor",
                "room",
                "area_m2",
                "kind",
                "occupancy",
                "created_at",
                "updated_at",
            ),
            rows,
        )

    def residents(self) -> int:
        rng = self.rng
        unit_ids = list(self.unit_estate)
        self.residents_by_unit: dict[int, list[tuple[int, str, str]]] = {}

        def rows():
            for rid in range(1, self.size.residents + 1):
                unit = unit_ids[(rid - 1) % len(unit_ids)]
                name, phone = person_name(rng), mobile(rng)
                role = "owner" if rid <= len(unit_ids) else rng.choice(("family", "tenant"))
                self.residents_by_unit.setdefault(unit, []).append((rid, name, phone))
                masked = id_number(rng)
                yield (
                    rid,
                    self.unit_estate[unit],
                    unit,
                    name,
                    phone,
                    role,
                    masked[:6] + "********" + masked[-4:],
                    self.now,
                    self.now,
                )

        return self.copy(
            "resident",
            (
                "id",
                "estate_id",
                "unit_id",
                "name",
                "phone",
                "role",
                "id_number_masked",
                "created_at",
                "updated_at",
            ),
            rows(),
        )

    # -- tickets and work orders ---------------------------------------------------------
    def _moment(self, recent_share: float = 0.03) -> datetime:
        rng = self.rng
        if rng.random() < recent_share:
            return self.now - timedelta(minutes=rng.randrange(1, 60 * 24 * 7))
        return self.now - timedelta(minutes=rng.randrange(60 * 24 * 7, 60 * 24 * 365 * 3))

    def _time_to_result(self) -> timedelta:
        """Minutes for an answer at the desk, hours for most, days for a few (a median near
        three hours): what the reception statistics' medians are counted over."""
        return timedelta(seconds=round(self.taken_rng.lognormvariate(9.3, 1.3)))

    def tickets(self) -> int:
        rng = self.rng
        unit_ids = list(self.unit_estate)
        self.repair_tickets = []
        columns = (
            "id",
            "number",
            "estate_id",
            "channel",
            "category",
            "status",
            "unit_id",
            "resident_id",
            "reporter_name",
            "reporter_phone",
            "description",
            "received_at",
            "received_by_id",
            "result",
            "resolved_at",
            "closed_at",
            "resident_informed_at",
            "callback_due_at",
            "complaint_code",
            "severity",
            "validity",
            "complaint_due_at",
            "reported_back_at",
            "revisited_at",
            "created_at",
            "updated_at",
        )

        def rows():
            for tid in range(1, self.size.tickets + 1):
                unit = unit_ids[rng.randrange(len(unit_ids))]
                estate = self.unit_estate[unit]
                resident = rng.choice(
                    self.residents_by_unit.get(unit) or [(None, "访客", mobile(rng))]
                )
                category = _weighted(rng, TICKET_CATEGORIES)
                received = self._moment()
                recent = self.now - received < timedelta(days=7)
                status = (
                    rng.choice(("open", "in_progress", "escalated", "resolved", "closed"))
                    if recent
                    else "closed"
                )
                done = status in ("resolved", "closed")
                # Never later than now: a ticket received an hour ago has not waited three.
                resolved = min(received + self._time_to_result(), self.now) if done else None
                informed = min(resolved + timedelta(hours=1), self.now) if done else None
                row = [
                    tid,
                    f"E{estate:03d}-T{received:%y%m}-{tid:07d}",
                    estate,
                    rng.choice(CHANNELS),
                    category,
                    status,
                    unit,
                    resident[0],
                    resident[1],
                    resident[2],
                    rng.choice(TEXTS),
                    received,
                    None,
                    "已处理" if done else None,
                    resolved,
                    informed if status == "closed" else None,
                    informed if status == "closed" else None,
                    received + timedelta(minutes=30)
                    if category == "inquiry" and not done
                    else None,
                ]
                if category == "complaint":
                    severity = "serious" if rng.random() < 0.1 else "ordinary"
                    validity = (
                        "invalid" if rng.random() < 0.2 and severity == "ordinary" else "valid"
                    )
                    due = received + timedelta(
                        hours=48 if severity == "serious" else (24 if validity == "invalid" else 72)
                    )
                    reported = received + timedelta(hours=rng.randrange(2, 96)) if done else None
                    row += [
                        rng.choice(COMPLAINT_CODES),
                        severity,
                        validity,
                        due,
                        reported,
                        reported + timedelta(hours=20) if reported and status == "closed" else None,
                    ]
                else:
                    row += [None, None, None, None, None, None]
                row += [received, received]
                if category == "repair":
                    self.repair_tickets.append((tid, estate, unit, resident, received, status))
                yield row

        return self.copy("ticket", columns, rows())

    def work_orders(self) -> int:
        rng = self.rng
        columns = (
            "id",
            "number",
            "estate_id",
            "ticket_id",
            "kind",
            "trade",
            "is_emergency",
            "status",
            "unit_id",
            "resident_id",
            "contact_name",
            "contact_phone",
            "description",
            "technician_id",
            "dispatched_at",
            "appointment_at",
            "arrive_by",
            "arrived_at",
            "work_done_at",
            "closed_at",
            "fee_collected",
            "signer_name",
            "revisit_due_at",
            "revisited_at",
            "rating_timeliness",
            "rating_quality",
            "rating_fee",
            "rating_attitude",
            "satisfaction",
            "created_at",
            "updated_at",
        )
        open_states = (
            "new",
            "dispatched",
            "arrived",
            "quoted",
            "in_progress",
            "next_visit",
            "done",
            "closed",
        )

        def rows():
            for oid, (tid, estate, unit, resident, received, _ticket_status) in enumerate(
                self.repair_tickets[: self.size.work_orders], start=1
            ):
                recent = self.now - received < timedelta(days=7)
                status = (
                    rng.choice(open_states)
                    if recent
                    else ("revisited" if rng.random() < 0.95 else "closed")
                )
                emergency = rng.random() < 0.05
                trade = rng.choice(TRADES)
                tech = rng.choice(self.technicians[estate]) if status != "new" else None
                dispatched = received + timedelta(minutes=10) if tech else None
                finished = status in ("done", "closed", "revisited")
                closed = (
                    received + timedelta(hours=5) if status in ("closed", "revisited") else None
                )
                revisited = closed + timedelta(hours=20) if status == "revisited" else None
                good = rng.random() < 0.96
                ratings = (
                    [rng.randint(4, 5) if good else rng.randint(1, 3) for _ in range(4)]
                    if revisited
                    else [None] * 4
                )
                yield (
                    oid,
                    f"E{estate:03d}-WO{received:%y%m}-{oid:07d}",
                    estate,
                    tid,
                    "home_repair_paid",
                    trade,
                    emergency,
                    status,
                    unit,
                    resident[0],
                    resident[1],
                    resident[2],
                    rng.choice(TEXTS),
                    tech,
                    dispatched,
                    None if emergency or not tech else received + timedelta(hours=3),
                    dispatched + timedelta(minutes=15) if emergency and tech else None,
                    received + timedelta(hours=3) if status not in ("new", "dispatched") else None,
                    received + timedelta(hours=4) if finished else None,
                    closed,
                    85.5 if closed else None,
                    resident[1] if closed else None,
                    closed + timedelta(days=1) if closed else None,
                    revisited,
                    *ratings,
                    ("satisfied" if good else "unsatisfied") if revisited else None,
                    received,
                    received,
                )

        return self.copy("work_order", columns, rows())

    def renovations(self) -> int:
        rng = self.rng
        unit_ids = list(self.unit_estate)
        self.active_renovations = []
        states = (
            "applied",
            "rectification",
            "permitted",
            "in_progress",
            "stopped",
            "inspection",
            "failed",
            "accepted",
            "accepted",
            "accepted",
        )

        def rows():
            for rid in range(1, self.size.renovations + 1):
                unit = unit_ids[rng.randrange(len(unit_ids))]
                estate = self.unit_estate[unit]
                start = (self.now - timedelta(days=rng.randrange(0, 700))).date()
                status = rng.choice(states)
                if status == "in_progress":
                    self.active_renovations.append((rid, estate, start))
                yield (
                    rid,
                    f"E{estate:03d}-RN{start:%y%m}-{rid:06d}",
                    estate,
                    status,
                    unit,
                    "美家装饰",
                    "王工",
                    "13800000000",
                    "厨房卫生间改造",
                    start,
                    start + timedelta(days=60),
                    3000,
                    "held",
                    start + timedelta(days=60),
                    self.now,
                    self.now,
                )

        return self.copy(
            "renovation",
            (
                "id",
                "number",
                "estate_id",
                "status",
                "unit_id",
                "contractor",
                "person_in_charge",
                "person_phone",
                "scope",
                "planned_start",
                "planned_end",
                "deposit",
                "deposit_status",
                "permit_valid_until",
                "created_at",
                "updated_at",
            ),
            rows(),
        )

    def passes(self) -> int:
        rng = self.rng
        today = self.now.date()
        states = ("applied", "approved", "approved", "approved", "expired", "revoked", "rejected")
        unit_ids = list(self.unit_estate)
        provinces = "粤京沪湘川苏浙"
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

        def vehicle_rows():
            for pid in range(1, self.size.passes + 1):
                unit = unit_ids[rng.randrange(len(unit_ids))]
                estate = self.unit_estate[unit]
                start = today - timedelta(days=rng.randrange(0, 400))
                plate = rng.choice(provinces) + rng.choice(letters) + f"{rng.randrange(10**5):05d}"
                yield (
                    pid,
                    f"E{estate:03d}-VP{start:%y%m}-{pid:06d}",
                    estate,
                    rng.choice(states),
                    start,
                    start + timedelta(days=30),
                    f"{pid:016x}",
                    plate,
                    False,
                    "car",
                    unit,
                    self.now,
                    self.now,
                )

        total = self.copy(
            "vehicle_pass",
            (
                "id",
                "number",
                "estate_id",
                "status",
                "valid_from",
                "valid_until",
                "token_nonce",
                "plate",
                "is_new_energy",
                "vehicle_type",
                "unit_id",
                "created_at",
                "updated_at",
            ),
            vehicle_rows(),
        )

        def worker_rows():
            for pid, (renovation, estate, start) in enumerate(self.active_renovations * 3, start=1):
                yield (
                    pid,
                    f"E{estate:03d}-WP{start:%y%m}-{pid:06d}",
                    estate,
                    "approved",
                    start,
                    start + timedelta(days=60),
                    f"{pid:016x}",
                    renovation,
                    person_name(rng),
                    mobile(rng),
                    "美家装饰",
                    self.now,
                    self.now,
                )

        total += self.copy(
            "worker_pass",
            (
                "id",
                "number",
                "estate_id",
                "status",
                "valid_from",
                "valid_until",
                "token_nonce",
                "renovation_id",
                "worker_name",
                "phone",
                "company",
                "created_at",
                "updated_at",
            ),
            worker_rows(),
        )
        return total

    def history(self) -> int:
        """One "created" history row per ticket and work order, written by the database."""
        with self.conn.cursor() as cur:
            for table, moment in (("ticket", "received_at"), ("work_order", "created_at")):
                cur.execute(
                    "INSERT INTO audit_record (at, action, entity_type, entity_id, estate_id, changes) "  # noqa: S608
                    f"SELECT {moment}, 'create', '{table}', id, estate_id, "
                    '\'{"status": [null, "new"]}\' FROM ' + table
                )
            cur.execute("SELECT count(*) FROM audit_record")
            return cur.fetchone()[0]

    def reset_sequences(self) -> None:
        with self.conn.cursor() as cur:
            for table in (
                "estate",
                "staff",
                "unit",
                "resident",
                "ticket",
                "work_order",
                "renovation",
                "vehicle_pass",
                "worker_pass",
            ):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"COALESCE((SELECT max(id) FROM {table}), 1))"
                )
        self.conn.commit()
