"""The demo: two estates, their buildings and residents, one account per role, and tickets,
work orders, passes and renovations in every state. Safe to run again (it adds nothing twice).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    ActionStatus,
    Channel,
    ComplaintCode,
    ComplaintRound,
    CorrectiveAction,
    DepositStatus,
    Estate,
    InspectionKind,
    InspectionResult,
    Occupancy,
    PassStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    ReleasePass,
    Renovation,
    RenovationInspection,
    RenovationStatus,
    Resident,
    ResidentRole,
    Role,
    Satisfaction,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    Unit,
    UnitKind,
    Validity,
    VehiclePass,
    VehicleType,
    WorkerPass,
    WorkOrder,
    WorkOrderChase,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.passes import gate
from admin_app.payments import operations as payments
from admin_app.renovations import operations as renovations_service
from admin_app.services import accounts, history, numbering, storage
from admin_app.staff_messages import operations as messages_service
from admin_app.tickets import departments
from admin_app.visitors import operations as visitors_service

from .avatar import silhouette_png
from .names import id_number, mobile, person_name
from .prices import price_list, quote_from_list

DEMO_PASSWORD = "demo1234"  # demo only: documented in the README, never for production

ESTATES = (
    ("HY", "华苑小区", "深圳市南山区华苑路 88 号", "0755-86001234", "0755-86001299"),
    ("JX", "锦绣花园", "深圳市福田区锦绣路 16 号", "0755-83005678", "0755-83005699"),
)

# username, name, role, estates (codes; "*" = all), trades
ACCOUNTS = (
    ("admin", "系统管理员", Role.admin, "*", ()),
    ("director", "周主任", Role.director, "*", ()),
    ("supervisor", "李主管", Role.supervisor, "HY", ()),
    ("reception", "王前台", Role.receptionist, "HY", ()),
    ("tech", "张师傅", Role.technician, "HY", (Trade.plumbing, Trade.electrical)),
    ("guard", "赵门岗", Role.guard, "HY", ()),
    ("supervisor2", "孙主管", Role.supervisor, "JX", ()),
    ("reception2", "陈前台", Role.receptionist, "JX", ()),
    ("tech2", "刘师傅", Role.technician, "JX", (Trade.carpentry, Trade.locks)),
    ("guard2", "钱门岗", Role.guard, "JX", ()),
)


def seed_demo(seed: int = 20261123) -> str:
    if db.session.query(Estate).filter(Estate.code == "HY").first() is not None:
        return "Demo data is already there; nothing added."
    rng = random.Random(seed)
    with history.action("seed"):
        estates = [_estate(*row) for row in ESTATES]
        db.session.flush()
        staff = _accounts(estates)
        counts = {}
        first_resident = None
        for estate in estates:
            units = _units(estate)
            db.session.flush()
            residents = _residents(rng, estate, units)
            db.session.flush()
            first_resident = first_resident or residents[0]
            people = {s.role: s for s in staff if s.all_estates or estate in s.estates}
            price_list(estate)
            people["departments"] = _departments(estate, people)
            counts[estate.code] = {
                "units": len(units),
                "residents": len(residents),
                "tickets": _tickets(rng, estate, units, residents, people),
                "work_orders": _work_orders(rng, estate, units, residents, people),
                "renovations_and_passes": _renovations_and_passes(
                    rng, estate, units, residents, people
                ),
            }
            _duty(estate, people)
            counts[estate.code]["home_visits"] = _home_visits(estate, residents, people)
            counts[estate.code]["visitors_and_parcels"] = _visitors_and_parcels(
                estate, residents, people
            )
            counts[estate.code]["move_ins"] = _move_ins(estate, units, people)
            counts[estate.code]["messages"] = _messages(estate, residents, people)
            counts[estate.code]["lending_box"] = _lending_box(estate, residents, people)
        db.session.flush()
    lines = [
        f"{code}: " + ", ".join(f"{k} {v}" for k, v in c.items()) for code, c in counts.items()
    ]
    resident = first_resident
    lines.append(
        f"Residents' pages (/r/): sign in with {resident.phone} ({resident.name},"
        f" {resident.unit.label}); with SMS_PROVIDER=log the code is written to the log."
    )
    return "Seeded demo data.\n" + "\n".join(lines)


def _estate(code, name, address, service_phone, duty_phone) -> Estate:
    estate = Estate(
        code=code, name=name, address=address, service_phone=service_phone, duty_phone=duty_phone
    )
    db.session.add(estate)
    return estate


def _accounts(estates) -> list[Staff]:
    by_code = {e.code: e for e in estates}
    created = []
    for username, name, role, codes, trades in ACCOUNTS:
        existing = db.session.query(Staff).filter(Staff.username == username).first()
        if existing is not None:
            created.append(existing)
            continue
        created.append(
            accounts.create_staff(
                username=username,
                password=DEMO_PASSWORD,
                name=name,
                role=role,
                estates=estates if codes == "*" else [by_code[codes]],
                all_estates=codes == "*",
                trades=trades,
                phone=f"1380013{len(created):04d}",
            )
        )
    return created


def _units(estate) -> list[Unit]:
    units = []
    for building in ("1", "2", "3", "5"):
        for entrance in ("1", "2"):
            for floor in range(1, 13):
                for room in (1, 2):
                    unit = Unit(
                        estate=estate,
                        building=building,
                        entrance=entrance,
                        floor=floor,
                        room=f"{floor}{room:02d}",
                        area_m2=Decimal(rng_area(floor, room)),
                        kind=UnitKind.residential,
                        occupancy=Occupancy.occupied,
                    )
                    units.append(unit)
    units.append(
        Unit(
            estate=estate,
            building="商业",
            entrance="",
            floor=1,
            room="S01",
            area_m2=Decimal("120.00"),
            kind=UnitKind.commercial,
            occupancy=Occupancy.rented,
        )
    )
    units.append(
        Unit(
            estate=estate,
            building="车库",
            entrance="",
            floor=-1,
            room="P018",
            area_m2=Decimal("12.50"),
            kind=UnitKind.parking,
            occupancy=Occupancy.occupied,
        )
    )
    db.session.add_all(units)
    return units


def rng_area(floor: int, room: int) -> str:
    return f"{78 + (floor * 7 + room * 13) % 60}.{(floor * room) % 100:02d}"


def _residents(rng, estate, units) -> list[Resident]:
    residents = []
    today = clock.today()
    for unit in units:
        if unit.kind is not UnitKind.residential:
            continue
        owner = Resident(
            estate=estate,
            unit=unit,
            name=person_name(rng),
            phone=mobile(rng),
            role=ResidentRole.owner,
            move_in=today - timedelta(days=rng.randrange(30, 3000)),
        )
        owner.id_number = id_number(rng)
        residents.append(owner)
        if rng.random() < 0.4:
            residents.append(
                Resident(
                    estate=estate,
                    unit=unit,
                    name=person_name(rng),
                    phone=mobile(rng),
                    role=ResidentRole.family,
                    move_in=owner.move_in,
                )
            )
        if rng.random() < 0.12:
            unit.occupancy = Occupancy.rented
            residents.append(
                Resident(
                    estate=estate,
                    unit=unit,
                    name=person_name(rng),
                    phone=mobile(rng),
                    role=ResidentRole.tenant,
                    move_in=today - timedelta(days=rng.randrange(10, 400)),
                )
            )
    db.session.add_all(residents)
    return residents


TICKET_TEXTS = {
    TicketCategory.inquiry: (
        "询问物业费缴纳方式",
        "想了解停车月卡办理流程",
        "咨询装修申请需要哪些材料",
    ),
    TicketCategory.help: ("老人行动不便，需要帮忙搬运物品", "钥匙锁在家里，请求协助联系开锁"),
    TicketCategory.repair: ("厨房水龙头漏水", "卫生间灯不亮", "入户门锁损坏", "空调插座跳闸"),
    TicketCategory.suggestion: ("建议小区增加儿童游乐设施", "建议延长游泳池开放时间"),
    TicketCategory.complaint: (
        "楼上装修噪音太大",
        "保安态度不好",
        "电梯经常故障",
        "垃圾清运不及时",
    ),
}


def _tickets(rng, estate, units, residents, people) -> int:
    now = clock.now()
    reception = people[Role.receptionist]
    created = 0
    for category, texts in TICKET_TEXTS.items():
        for i, status in enumerate(TicketStatus):
            resident = rng.choice(residents)
            received = now - timedelta(hours=rng.randrange(1, 24 * 20))
            ticket = Ticket(
                estate=estate,
                category=category,
                status=status,
                channel=list(Channel)[i % len(Channel)],
                unit=resident.unit,
                resident=resident,
                reporter_name=resident.name,
                reporter_phone=resident.phone,
                description=texts[i % len(texts)],
                received_by=reception,
                received_at=received,
                # Numbered in the month it was received, as it would have been then.
                number=numbering.number_for(db.session(), estate.id, "ticket", at=received),
            )
            if category is TicketCategory.inquiry and status in (
                TicketStatus.open,
                TicketStatus.in_progress,
            ):
                ticket.callback_due_at = now + timedelta(minutes=30 + 30 * i)
            if status in (TicketStatus.resolved, TicketStatus.closed):
                ticket.result = "已处理并回复业主"
                ticket.resolved_at = received + timedelta(hours=3)
            if status is TicketStatus.closed:
                ticket.resident_informed_at = received + timedelta(hours=4)
                ticket.closed_at = ticket.resident_informed_at
            if category is TicketCategory.complaint:
                _complaint(ticket, i, people, received)
            db.session.add(ticket)
            created += 1
    db.session.flush()  # the complaints' numbers, which their actions' numbers extend
    _corrective_actions(estate, people, now)
    return created


def _corrective_actions(estate, people, now) -> None:
    """An open action on the complaint awaiting its revisit (it cannot close yet), an overdue
    one on the reopened complaint, and a verified one on the closed complaint."""
    engineering, cleaning = people["departments"]["工程部"], people["departments"]["保洁部"]
    found = {
        t.status: t
        for t in db.session.query(Ticket).filter(
            Ticket.estate_id == estate.id, Ticket.category == TicketCategory.complaint
        )
    }
    plans = (
        (TicketStatus.resolved, engineering, now + timedelta(days=2), "更换楼道声控灯"),
        (TicketStatus.in_progress, cleaning, now - timedelta(days=1), "每日两次清扫楼道"),
        (TicketStatus.closed, engineering, now - timedelta(days=3), "约谈施工单位"),
    )
    for status, department, due, what in plans:
        ticket = found.get(status)
        if ticket is None:
            continue
        action = CorrectiveAction(
            estate_id=estate.id,
            ticket=ticket,
            number=f"{ticket.number}-A1",
            what=what,
            department=department,
            owner=department.head,
            due_at=due,
        )
        if status is TicketStatus.closed:
            action.status = ActionStatus.verified
            action.done_at, action.done_by = due - timedelta(days=1), people[Role.receptionist]
            action.done_note = "施工单位已承诺按时作业"
            action.verified_at, action.verified_by = due, people[Role.supervisor]
            action.verification = "回访业主确认，现场查看"
        db.session.add(action)


def _reopened(ticket, people, received) -> None:
    """The first round ended unsatisfied: the second is the director's, with a new deadline."""
    revisited = received + timedelta(hours=30)
    ticket.rounds.append(
        ComplaintRound(
            estate=ticket.estate,
            number=1,
            owner=ticket.owner,
            due_at=ticket.complaint_due_at,
            outcome=Satisfaction.unsatisfied,
            resident_words="楼道还是很脏，保洁员没来过",
            revisited_at=revisited,
            revisited_by=people[Role.receptionist],
        )
    )
    ticket.complaint_round = 2
    ticket.owner = people[Role.director]
    ticket.complaint_due_at = revisited + timedelta(days=3)
    ticket.revisited_at, ticket.revisited_by = revisited, people[Role.receptionist]
    ticket.revisit_note = "楼道还是很脏，保洁员没来过"
    ticket.department = people["departments"]["保洁部"]


# Each usual department's head among the demo accounts (保洁部 reports to the supervisor).
HEADS = {
    "工程部": Role.technician,
    "保洁部": Role.supervisor,
    "安保部": Role.guard,
    "客服部": Role.supervisor,
}


def _departments(estate, people) -> dict:
    found = {}
    for department in departments.add_usual(estate):
        head = people.get(HEADS[department.name])
        if head is not None and not head.all_estates:
            department.head = head
            department.members.append(head)
        found[department.name] = department
    return found


def _complaint(ticket, i, people, received) -> None:
    ticket.complaint_code = list(ComplaintCode)[i % len(ComplaintCode)]
    if ticket.status is TicketStatus.open:
        ticket.validity = Validity.pending
        return
    ticket.severity = Severity.serious if i % 3 == 0 else Severity.ordinary
    ticket.validity = Validity.invalid if i % 4 == 1 else Validity.valid
    hours = (
        24
        if ticket.validity is Validity.invalid
        else (48 if ticket.severity is Severity.serious else 72)
    )
    ticket.complaint_due_at = received + timedelta(hours=hours)
    ticket.owner = (
        people[Role.director] if ticket.severity is Severity.serious else people[Role.supervisor]
    )
    if ticket.status in (TicketStatus.resolved, TicketStatus.closed):
        ticket.cause = "施工单位未按规定时间作业"
        ticket.responsible_department = "工程部"
        ticket.department = people["departments"]["工程部"]
        ticket.responsible_person = "王工"
        ticket.corrective_action = "约谈施工单位，限定作业时间"
        ticket.handled_at = received + timedelta(hours=20)
        ticket.reported_back_at = received + timedelta(hours=22)
    if ticket.status is TicketStatus.in_progress and ticket.severity is Severity.ordinary:
        _reopened(ticket, people, received)
    if ticket.status is TicketStatus.closed:
        ticket.revisited_at = received + timedelta(hours=30)
        ticket.revisited_by = people[Role.receptionist]
        ticket.revisit_note = "业主表示满意"
        ticket.rounds.append(
            ComplaintRound(
                estate=ticket.estate,
                number=1,
                owner=ticket.owner,
                due_at=ticket.complaint_due_at,
                outcome=Satisfaction.satisfied,
                resident_words=ticket.revisit_note,
                revisited_at=ticket.revisited_at,
                revisited_by=ticket.revisited_by,
            )
        )


# What went wrong, where in the flat (or the building), the trade and the kind of work: each
# order reads as one job ("客厅灯具更换" an electrician's, in the living room).
WORK_TEXTS = (
    ("厨房下水道堵塞", "厨房水槽下", Trade.plumbing, WorkOrderKind.home_repair_paid),
    ("卫生间地漏返味", "主卫", Trade.plumbing, WorkOrderKind.home_repair_free),
    ("客厅灯具更换", "客厅", Trade.electrical, WorkOrderKind.home_repair_paid),
    ("楼道声控灯不亮", "本单元3楼楼道", Trade.electrical, WorkOrderKind.public_repair),
    ("热水器不出热水", "次卫", Trade.plumbing, WorkOrderKind.home_repair_paid),
    ("厨房插座跳闸", "厨房", Trade.electrical, WorkOrderKind.home_repair_paid),
)


def _work_orders(rng, estate, units, residents, people) -> int:
    now = clock.now()
    tech = people[Role.technician]
    reception = people[Role.receptionist]
    created = 0
    for i, status in enumerate(WorkOrderStatus):
        for emergency in (
            (False, True)
            if status in (WorkOrderStatus.dispatched, WorkOrderStatus.new)
            else (False,)
        ):
            resident = rng.choice(residents)
            opened = now - timedelta(hours=2 + i * 5)
            text, spot, trade, kind = WORK_TEXTS[i % len(WORK_TEXTS)]
            order = WorkOrder(
                estate=estate,
                kind=kind,
                trade=trade if trade in tech.trades or not tech.trades else sorted(tech.trades)[0],
                is_emergency=emergency,
                status=status,
                unit=resident.unit,
                resident=resident,
                contact_name=resident.name,
                contact_phone=resident.phone,
                location=spot,
                description=text,
            )
            order.created_at = opened
            _work_progress(order, status, tech, reception, opened)
            if kind is not WorkOrderKind.public_repair:  # the office's own find has no call
                order.ticket = _its_call(order, reception, opened)
            db.session.add(order)
            created += 1
    return created


def _its_call(order, reception, opened) -> Ticket:
    """The resident's call the order was made from, as far along as the order: handled while
    the order is open, resolved once it ended, closed with its revisit (tickets/following.py)."""
    S, T = WorkOrderStatus, TicketStatus
    received = opened - timedelta(minutes=3)
    call = Ticket(
        estate=order.estate,
        category=TicketCategory.repair,
        channel=Channel.phone,
        status=T.in_progress,
        unit=order.unit,
        resident=order.resident,
        reporter_name=order.contact_name,
        reporter_phone=order.contact_phone,
        location=order.location,
        description=order.description,
        received_by=reception,
        received_at=received,
        number=numbering.number_for(db.session(), order.estate.id, "ticket", at=received),
    )
    ended = {
        S.closed: f"维修完工，{order.signer_name}签字确认。",
        S.revisited: f"维修完工，{order.signer_name}签字确认。回访：满意。",
        S.cancelled: f"维修工单已取消：{order.cancelled_reason}",
        S.declined: "住户不接受报价，未维修。",
    }
    if order.status in ended:
        call.status = T.closed if order.status is S.revisited else T.resolved
        call.result = ended[order.status]
        call.resolved_at = order.closed_at or opened + timedelta(hours=4)
    if order.status is S.revisited:
        call.resident_informed_at = call.closed_at = order.revisited_at
    return call


def _work_progress(order, status, tech, reception, opened) -> None:
    S = WorkOrderStatus
    if status in (S.new, S.cancelled):
        if status is S.cancelled:
            order.cancelled_reason = "业主自行维修"
        return
    order.technician = tech
    order.dispatched_by = reception
    order.dispatched_at = opened + timedelta(minutes=5)
    if order.is_emergency:
        order.arrive_by = order.dispatched_at + timedelta(minutes=15)
    else:
        order.appointment_at = opened + timedelta(hours=3)
    if status is S.dispatched:
        if not order.is_emergency:  # the resident called again before the visit (催单)
            order.chases.append(
                WorkOrderChase(
                    estate=order.estate,
                    caller=order.contact_name,
                    called_at=order.dispatched_at + timedelta(minutes=40),
                    note="问师傅几点到",
                    technician=tech,
                    logged_by=reception,
                )
            )
        return
    order.arrived_at = opened + timedelta(hours=3, minutes=5)
    if status is S.arrived:
        return
    quote_from_list(order)
    if status is S.quoted:
        return
    order.quote_decided_at = order.arrived_at + timedelta(minutes=10)
    order.quote_accepted = status is not S.declined
    if status in (S.declined, S.in_progress):
        return
    if status is S.next_visit:
        # As book_next_visit writes it: the next visit is the appointment to keep.
        order.next_visit_at = order.appointment_at = opened + timedelta(days=1, hours=3)
        order.work_notes = "需要更换配件，约定明天上午再次上门"
        return
    order.work_done_at = order.arrived_at + timedelta(hours=1)
    order.work_notes = "已更换配件，试用正常"
    if status is S.done:
        return
    order.signer_name = order.contact_name
    order.signing_opinion = "希望下次能提前打电话说到达时间"
    order.fee_collected = order.quote_total
    order.closed_at = order.work_done_at + timedelta(minutes=5)
    order.revisit_due_at = (order.closed_at + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    _payment(order, status, tech)
    if status is S.revisited:
        order.revisited_at = order.revisit_due_at
        order.revisited_by = reception
        order.rating_timeliness = order.rating_quality = order.rating_attitude = 5
        order.rating_fee = 4
        order.satisfaction = Satisfaction.satisfied
        order.revisit_comment = "师傅很专业"


def _payment(order, status, tech) -> None:
    """A closed order paid in cash on the spot (the technician still holds it); a revisited
    one left to pay at the office (the desk's queue)."""
    payment = Payment(estate=order.estate, work_order=order, amount=order.fee_collected)
    if order.status is WorkOrderStatus.revisited:
        payment.state = order.payment_state = PaymentState.unpaid
    else:
        payment.state = order.payment_state = PaymentState.paid
        payment.method = PaymentMethod.cash
        payment.paid_at = order.closed_at
        payment.collected_by = tech
        payment.hand_in_due_at = payments.hand_in_due(order.closed_at, order.estate.id)
        payment.number = numbering.number_for(db.session, order.estate.id, "receipt")
    db.session.add(payment)


def _renovations_and_passes(rng, estate, units, residents, people) -> int:
    today = clock.today()
    now = clock.now()
    owners = [r for r in residents if r.role is ResidentRole.owner]
    created = 0
    renovations = {}
    for i, status in enumerate(RenovationStatus):
        owner = owners[(i * 7) % len(owners)]
        start = today - timedelta(days=30 - i * 3)
        renovation = Renovation(
            estate=estate,
            status=status,
            unit=owner.unit,
            owner=owner,
            contractor=("安居装饰工程有限公司", "美家装饰", "匠心装修队")[i % 3],
            person_in_charge=person_name(rng),
            person_phone=mobile(rng),
            scope="厨房、卫生间改造，墙面翻新",
            planned_start=start,
            planned_end=start + timedelta(days=60),
            deposit=Decimal("3000.00"),
            deposit_status=_deposit_status(status),
        )
        if status not in (
            RenovationStatus.applied,
            RenovationStatus.rectification,
            RenovationStatus.cancelled,
        ):
            renovation.permit_number = numbering.number_for(
                db.session(), estate.id, "renovation_permit"
            )
            renovation.permit_issued_at = now - timedelta(days=25)
            renovation.agreement_signed_at = renovation.permit_issued_at
            renovation.permit_valid_until = renovation.planned_end
        if status not in (RenovationStatus.applied, RenovationStatus.rectification):
            renovation.started_at = renovation.permit_issued_at
        if status is RenovationStatus.rectification:
            renovation.review_notes = "图纸缺少水电改造说明，请补充后重新提交"
        if status is RenovationStatus.cancelled:
            renovation.cancelled_reason = "业主决定暂缓装修"
        if status is RenovationStatus.stopped:
            renovation.stopped_at = now - timedelta(days=1)
            renovation.stop_reason = "擅自拆改承重墙"
        if status in (RenovationStatus.in_progress, RenovationStatus.stopped):
            renovation.next_patrol_due_at = now + timedelta(days=2)
        if status is RenovationStatus.accepted:
            renovation.accepted_at = now - timedelta(days=1)
        db.session.add(renovation)
        renovations[status] = renovation
        created += 1
        _inspections(estate, renovation, people, now)
    db.session.flush()
    for renovation in renovations.values():
        renovations_service.refresh_unit_state(renovation.unit_id)
    for i, status in enumerate(PassStatus):
        created += _passes(rng, estate, renovations, owners, residents, people, status, i, today)
    db.session.flush()
    _gate_checks(estate, people)
    return created


def _deposit_status(status) -> DepositStatus:
    if status in (RenovationStatus.applied, RenovationStatus.rectification):
        return DepositStatus.none
    if status in (RenovationStatus.accepted, RenovationStatus.cancelled):
        return DepositStatus.refundable
    return DepositStatus.held


def _inspections(estate, renovation, people, now) -> None:
    status = renovation.status
    if status in (
        RenovationStatus.in_progress,
        RenovationStatus.stopped,
        RenovationStatus.accepted,
        RenovationStatus.failed,
    ):
        result = (
            InspectionResult.violation
            if status is RenovationStatus.stopped
            else InspectionResult.ok
        )
        db.session.add(
            RenovationInspection(
                estate=estate,
                renovation=renovation,
                kind=InspectionKind.patrol,
                inspected_at=now - timedelta(days=3),
                inspector=people[Role.guard],
                result=result,
                notes="巡查发现承重墙被拆"
                if result is InspectionResult.violation
                else "现场整洁，按图施工",
            )
        )
    if status in (RenovationStatus.accepted, RenovationStatus.failed):
        db.session.add(
            RenovationInspection(
                estate=estate,
                renovation=renovation,
                kind=InspectionKind.completion,
                inspected_at=now - timedelta(days=1),
                inspector=people[Role.supervisor],
                result=InspectionResult.passed
                if status is RenovationStatus.accepted
                else InspectionResult.failed,
                notes="验收合格"
                if status is RenovationStatus.accepted
                else "防水未达标，需整改后复验",
            )
        )


# Which renovation a worker pass of each state belongs to, so the demo is consistent.
WORKER_RENOVATION = {
    PassStatus.suspended: RenovationStatus.stopped,
    PassStatus.revoked: RenovationStatus.accepted,
}
REASONS = {
    PassStatus.rejected: "资料不全",
    PassStatus.revoked: "装修已验收",
    PassStatus.suspended: "装修违规停工中",
}


def _passes(rng, estate, renovations, owners, residents, people, status, i, today) -> int:
    approved = status not in (PassStatus.applied, PassStatus.rejected)
    window = (
        (today - timedelta(days=40), today - timedelta(days=10))
        if status is PassStatus.expired
        else (today - timedelta(days=2), today + timedelta(days=28))
    )
    common = dict(
        estate=estate,
        status=status,
        approved_by=people[Role.supervisor] if approved else None,
        approved_at=clock.now() - timedelta(days=2) if approved else None,
        status_reason=REASONS.get(status),
    )
    created = 0
    if status is not PassStatus.released:
        renovation = renovations[WORKER_RENOVATION.get(status, RenovationStatus.in_progress)]
        worker = WorkerPass(
            renovation=renovation,
            worker_name=person_name(rng),
            phone=mobile(rng),
            company=renovation.contractor,
            valid_from=window[0],
            valid_until=window[1],
            **common,
        )
        worker.id_number = id_number(rng)
        db.session.add(worker)
        worker.photo_file_id = storage.save_image(
            silhouette_png(), filename="worker-photo.png", estate_id=estate.id
        ).id
        plates = ("粤B", "粤A", "湘A", "粤B")
        plate = plates[i % 4] + (
            f"D{rng.randrange(10**5):05d}" if i % 2 else f"{rng.randrange(10**5):05d}"
        )
        resident = owners[(i * 11) % len(owners)]
        vehicle = VehiclePass(
            plate=plate,
            is_new_energy=len(plate) == 8,
            vehicle_type=list(VehicleType)[i % len(VehicleType)],
            resident=resident,
            unit=resident.unit,
            parking_space=f"B1-{100 + i}",
            valid_from=window[0],
            valid_until=window[1],
            **common,
        )
        db.session.add(vehicle)
        created += 2
    if status is PassStatus.suspended:
        return created
    db.session.add(_release(residents, people, status, i, today, common))
    return created + 1


def _release(residents, people, status, i, today, common) -> ReleasePass:
    tenants = [r for r in residents if r.role is ResidentRole.tenant]
    # The first two are tenants: one waiting for the owner, one the owner has confirmed.
    applicant = tenants[i] if i < 2 and len(tenants) > i else residents[(i * 13) % len(residents)]
    moving = {
        PassStatus.expired: today - timedelta(days=12),
        PassStatus.released: today - timedelta(days=1),
    }.get(status, today + timedelta(days=i))
    if status is PassStatus.approved:
        moving = today
    release = ReleasePass(
        unit=applicant.unit,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_is_tenant=applicant.role is ResidentRole.tenant,
        items="冰箱 1 台、沙发 1 套、纸箱 6 个",
        moving_date=moving,
        valid_from=moving,
        valid_until=moving,
        **common,
    )
    if release.applicant_is_tenant and status is not PassStatus.applied:
        owner = next(
            (r for r in residents if r.unit is applicant.unit and r.role is ResidentRole.owner),
            None,
        )
        release.owner_confirmed_by = owner.name if owner else "业主"
        release.owner_confirmed_at = clock.now() - timedelta(days=3)
    if status is PassStatus.released:
        release.released_at = clock.now() - timedelta(hours=5)
        release.released_by = people[Role.guard]
    return release


def _gate_checks(estate, people) -> None:
    """A few logged checks at the gate: a valid pass, an expired plate, a forged code."""
    guard = people[Role.guard]
    worker = (
        db.session.query(WorkerPass)
        .filter(WorkerPass.estate_id == estate.id, WorkerPass.status == PassStatus.approved)
        .first()
    )
    expired = (
        db.session.query(VehiclePass)
        .filter(VehiclePass.estate_id == estate.id, VehiclePass.status == PassStatus.expired)
        .first()
    )
    token = gate.token_for(worker)
    for raw in (token, expired.plate, token[:-3] + "xyz", f"{estate.code}-WP0001-9999"):
        gate.check(raw, guard, gate_estate=estate)


def _duty(estate, people) -> None:
    """The duty rota around the hour it is seeded: the shift before handed over and was taken
    over when the running shift began, the running shift not handed over yet, the next one to
    come; the guard has the nights with the duty phone, the desk the days (08:00–20:00); a
    coming public holiday nobody is on duty for yet. Nothing is dated after now."""
    from admin_app.models import DutyHoliday, DutyLogEntry, DutyShift

    guard, desk = people.get(Role.guard), people.get(Role.receptionist)
    if guard is None or desk is None:
        return
    now = clock.now().replace(second=0, microsecond=0)
    today = now.replace(hour=0, minute=0)
    # The running shift began at the last 08:00 or 20:00 (a night shift runs 20:00–08:00).
    running = max(
        today + timedelta(hours=h) for h in (-4, 8, 20) if today + timedelta(hours=h) <= now
    )

    def shift(starts_at, **fields):
        night = starts_at.hour == 20
        return DutyShift(
            estate=estate,
            staff=guard if night else desk,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=12),
            holds_phone=night,
            **fields,
        )

    taking_over = shift(running)
    before = shift(
        running - timedelta(hours=12),
        handover_note="3号楼单元门锁坏了，已临时关好，请下一班报修并留意。",
        handed_over_at=running - timedelta(minutes=5),
        acknowledged_at=min(now, running + timedelta(minutes=2)),
        acknowledged_by_id=taking_over.staff.id,
    )
    db.session.add_all([before, taking_over, shift(running + timedelta(hours=12))])
    db.session.flush()
    for hours, text in (
        (2.5, "巡查一圈，各楼栋正常"),
        (6.2, "3号楼单元门锁坏，无法锁闭，已临时关好"),
    ):
        db.session.add(
            DutyLogEntry(
                estate=estate,
                shift_id=before.id,
                at=before.starts_at + timedelta(hours=hours),
                text=text,
                written_by_id=before.staff.id,
            )
        )
    first = (today + timedelta(days=12)).date()
    db.session.add(
        DutyHoliday(
            estate=estate,
            number=f"{first:%Y-%m-%d} 公众假期",
            name="公众假期",
            starts_on=first,
            ends_on=first + timedelta(days=2),
        )
    )


def _home_visits(estate, residents, people) -> int:
    """Home-visit bookings (002 篇3) in each state, and one day of the estate's own calendar."""
    from admin_app.home_visits import operations as home_visits
    from admin_app.models import BookingStatus, HomeVisitBooking, WorkdayOverride

    B = BookingStatus  # noqa: N806
    now = clock.now().replace(second=0, microsecond=0)
    desk = people.get(Role.receptionist)
    db.session.add(
        WorkdayOverride(estate=estate, day=date(now.year, 12, 31), working=False, note="年终盘点")
    )
    cases = [
        (B.requested, {}),
        (B.agreed, {"appointment_at": now + timedelta(days=1)}),
        (B.refused, {"refusal_reason": "须本人到服务中心办理"}),
        (B.abandoned, {"appointment_at": now - timedelta(days=2)}),
        (B.visited, {"appointment_at": now - timedelta(days=3), "visited_at": now}),
    ]
    for i, (status, fields) in enumerate(cases):
        resident = residents[i % len(residents)]
        booking = HomeVisitBooking(
            estate=estate,
            estate_id=estate.id,
            unit_id=resident.unit_id,
            resident_id=resident.id,
            applicant_name=resident.name,
            applicant_phone=resident.phone,
            service="行动不便，请上门办理车辆通行证",
            requested_at=now - timedelta(days=4 - i),
            received_by_id=desk.id if desk else None,
            status=status,
            **fields,
        )
        home_visits.register(booking)
        if status is not B.requested:
            booking.answered_at = booking.requested_at + timedelta(hours=2)
            booking.answered_by_id = booking.received_by_id
        if status is B.abandoned:
            booking.abandoned_at = booking.appointment_at + timedelta(minutes=30)
        db.session.add(booking)
    return len(cases)


def _visitors_and_parcels(estate, residents, people) -> int:
    """Two visitors still inside and one gone; a parcel waiting past its days, one handed over."""
    guard, desk = people[Role.guard], people[Role.receptionist]
    hosts = [r for r in residents if r.phone][:3]
    for i, host in enumerate(hosts):
        visitor = visitors_service.register_visitor(
            guard,
            estate_id=estate.id,
            unit=host.unit,
            name=person_name(random.Random(i)),
            phone=f"1391234{i:04d}",
            host_name=host.name,
            plate="粤B3K216" if i == 0 else None,
        )
        if i == 2:
            visitors_service.sign_out(visitor, guard)
    called = clock.now() - timedelta(minutes=30)
    late, collected = (
        visitors_service.receive_parcel(
            desk,
            estate_id=estate.id,
            unit=host.unit,
            recipient_name=host.name,
            description=what,
            confirmed_by=host.name,
            confirmed_at=called,
            carrier="顺丰速运",
        )
        for host, what in zip(hosts[:2], ("冰箱一台", "书柜 3 箱"), strict=False)
    )
    late.received_at = clock.now() - timedelta(days=5)
    late.collect_due_at = visitors_service.collect_due(late.received_at)
    visitors_service.hand_over(
        collected, desk, collected_by=collected.recipient_name, signature_png=silhouette_png()
    )
    return len(hosts) + 2


def _messages(estate, residents, people) -> int:
    """Callers who asked for someone out: the technician has one to call back, the supervisor
    one from the company; an older one the technician has dealt with."""
    desk = people[Role.receptionist]
    caller = next(r for r in residents if r.phone)
    for_tech = messages_service.take(
        desk,
        estate_id=estate.id,
        for_staff=people[Role.technician],
        resident=caller,
        text="上次修的热水器又在滴水，想问今天能不能再来看一下，请回电。",
    )
    messages_service.take(
        desk,
        estate_id=estate.id,
        for_staff=people[Role.supervisor],
        caller_name="物业公司 刘经理",
        text="周五的项目例会改到下午三点，不必回电。",
        call_back=False,
    )
    earlier = messages_service.take(
        desk,
        estate_id=estate.id,
        for_staff=people[Role.technician],
        resident=caller,
        text="门锁换好了，想问保修多久。",
    )
    earlier.taken_at = for_tech.taken_at - timedelta(days=1)
    messages_service.mark_done(earlier, people[Role.technician], note="已回电：保修一年。")
    return 3


def _lending_box(estate, residents, people) -> int:
    """The gate's box as the procedures list it (001 二(一)5), one trolley out since this
    morning and one umbrella not back since yesterday; loans made through the verbs."""
    from admin_app.lending import operations as lending
    from admin_app.models import BoxItem

    items = [
        BoxItem(estate=estate, name=name, count=count, lend_hours=hours)
        for name, count, hours in (("手推车", 2, 4), ("雨伞", 5, 24), ("打气筒", 1, 2))
    ]
    db.session.add_all(items)
    db.session.flush()
    guard = people[Role.guard]
    borrowers = [r for r in residents if r.phone][3:5]
    for item, borrower, hours_ago in zip(items, borrowers, (2, 30), strict=False):
        loan = lending.lend(
            guard, item=item, unit=borrower.unit, borrower_name=borrower.name, phone=borrower.phone
        )
        loan.lent_at -= timedelta(hours=hours_ago)
        loan.due_at -= timedelta(hours=hours_ago)
    return len(items)


def _move_ins(estate, units, people) -> int:
    """Three households moving in, at the first, fourth and seventh of the 11 steps, so the
    queue shows its next steps (001 五 一); the papers are stand-in scans."""
    from decimal import Decimal

    from admin_app.moving import operations as moving

    desk = people.get(Role.receptionist)
    if desk is None:
        return 0
    scan = moving.Document(filename="scan.png", data=silhouette_png())
    given = {
        "verify_notice": {"document": scan},
        "sign_covenant": {"document": scan},
        "register": {"document": scan},
        "sign_receipt": {"document": scan},
        "pay_fees": {"lines": [("物业管理费(首期)", Decimal("1200.00"))], "method": "cash"},
        "inspect": {"defects": ["客厅墙面裂缝"]},
    }
    households = [
        (0, "新业主陈", "13700000011"),
        (3, "新业主林", "13700000012"),
        (6, "新业主周", "13700000013"),
    ]
    from admin_app.models import UnitKind

    # Homes changing hands: the new owners move in (the seed's units are all lived in).
    vacant = [u for u in units if u.kind is UnitKind.residential]
    for unit, (done, name, phone) in zip(vacant[-3:], households, strict=False):
        move_in = moving.start(desk, unit=unit, name=name, phone=phone)
        for stage in moving.STEPS[:done]:
            moving.VERBS[stage](move_in, desk, **given.get(stage.value, {}))
    return min(len(vacant), len(households))
