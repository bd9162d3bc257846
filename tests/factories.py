"""Factories for test records. Each call commits in its own application context and returns
the object detached, with its columns loaded (use `.id`, `.estate_id`, … freely)."""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    BoxItem,
    CashHandIn,
    CheckMethod,
    CorrectiveAction,
    DeliveryChannel,
    DeliveryStatus,
    Department,
    Estate,
    GateCheck,
    GateResult,
    InspectionKind,
    InspectionResult,
    Loan,
    Payment,
    PaymentMethod,
    PaymentState,
    PriceItem,
    PriceUnit,
    ReleasePass,
    Reminder,
    ReminderDelivery,
    Renovation,
    RenovationInspection,
    Resident,
    ResidentRole,
    Role,
    Ticket,
    TicketCategory,
    Trade,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.models.staff_message import StaffMessage
from admin_app.models.visitors import Parcel, Visitor
from admin_app.services import accounts

_seq = itertools.count(1)


def persisted(fn):
    """Run the factory in an app context, commit, and hand back detached objects."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        with self.app.app_context():
            session = db.session()
            session.expire_on_commit = False
            result = fn(self, *args, **kwargs)
            session.commit()
            session.expunge_all()
            return result

    return wrapper


def _id(obj_or_id):
    return getattr(obj_or_id, "id", obj_or_id)


class Factories:
    def __init__(self, app, password: str):
        self.app = app
        self.password = password

    @persisted
    def estate(self, code: str | None = None, name: str | None = None) -> Estate:
        n = next(_seq)
        estate = Estate(code=code or f"E{n}", name=name or f"测试小区{n}", address="测试路 1 号")
        db.session.add(estate)
        db.session.flush()
        return estate

    @persisted
    def staff(
        self,
        role: Role | str,
        estates=(),
        username: str | None = None,
        all_estates: bool = False,
        trades=(),
        active: bool = True,
        name: str | None = None,
    ):
        role = Role(role)
        staff = accounts.create_staff(
            username=username or f"{role.value}{next(_seq)}",
            password=self.password,
            name=name or f"{role.value} 员工",
            role=role,
            all_estates=all_estates,
            trades=trades,
            estates=[db.session.get(Estate, _id(e)) for e in estates],
        )
        staff.active = active
        db.session.flush()
        staff.estates  # noqa: B018 - loaded before detaching
        return staff

    @persisted
    def unit(
        self,
        estate,
        building: str = "1",
        room: str | None = None,
        entrance: str = "1",
        floor: int = 1,
    ) -> Unit:
        unit = Unit(
            estate_id=_id(estate),
            building=building,
            entrance=entrance,
            room=room or str(100 + next(_seq)),
            floor=floor,
        )
        db.session.add(unit)
        db.session.flush()
        return unit

    @persisted
    def resident(
        self,
        unit,
        name: str = "张三",
        phone: str | None = None,
        role: ResidentRole = ResidentRole.owner,
        id_number: str | None = None,
    ) -> Resident:
        unit_row = db.session.get(Unit, _id(unit))
        resident = Resident(
            estate_id=unit_row.estate_id,
            unit_id=unit_row.id,
            name=name,
            phone=phone or f"139{next(_seq):08d}",
            role=role,
        )
        if id_number:
            resident.id_number = id_number
        db.session.add(resident)
        db.session.flush()
        return resident

    @persisted
    def ticket(self, estate, category: TicketCategory = TicketCategory.repair, **fields) -> Ticket:
        ticket = Ticket(
            estate_id=_id(estate),
            category=category,
            received_at=fields.pop("received_at", clock.now()),
            description=fields.pop("description", "厨房水龙头漏水"),
            **fields,
        )
        db.session.add(ticket)
        db.session.flush()
        return ticket

    @persisted
    def work_order(self, estate, **fields) -> WorkOrder:
        order = WorkOrder(
            estate_id=_id(estate), description=fields.pop("description", "更换灯泡"), **fields
        )
        db.session.add(order)
        db.session.flush()
        return order

    @persisted
    def price_item(self, estate, **fields) -> PriceItem:
        item = PriceItem(
            estate_id=_id(estate),
            kind=fields.pop("kind", Trade.plumbing),
            name=fields.pop("name", f"更换水龙头{next(_seq)}"),
            unit=fields.pop("unit", PriceUnit.piece),
            labour_price=fields.pop("labour_price", Decimal("30.00")),
            materials_price=fields.pop("materials_price", Decimal("45.00")),
            valid_from=fields.pop("valid_from", clock.today() - timedelta(days=1)),
            **fields,
        )
        db.session.add(item)
        db.session.flush()
        return item

    @persisted
    def renovation(self, estate, unit=None, **fields) -> Renovation:
        unit_id = _id(unit) if unit is not None else self._any_unit(estate)
        start = fields.pop("planned_start", clock.today())
        renovation = Renovation(
            estate_id=_id(estate),
            unit_id=unit_id,
            scope="厨房改造",
            planned_start=start,
            planned_end=fields.pop("planned_end", start + timedelta(days=30)),
            **fields,
        )
        db.session.add(renovation)
        db.session.flush()
        return renovation

    @persisted
    def inspection(self, renovation, **fields) -> RenovationInspection:
        row = db.session.get(Renovation, _id(renovation))
        inspection = RenovationInspection(
            estate_id=row.estate_id,
            renovation_id=row.id,
            kind=InspectionKind.patrol,
            inspected_at=clock.now(),
            result=fields.pop("result", InspectionResult.ok),
            **fields,
        )
        db.session.add(inspection)
        db.session.flush()
        return inspection

    @persisted
    def worker_pass(self, estate, renovation=None, **fields) -> WorkerPass:
        renovation_id = _id(renovation) if renovation is not None else self._new_renovation(estate)
        id_number = fields.pop("id_number", None)
        wp = WorkerPass(
            estate_id=_id(estate),
            renovation_id=renovation_id,
            worker_name=fields.pop("worker_name", "李四"),
            **fields,
        )
        if id_number:
            wp.id_number = id_number
        db.session.add(wp)
        db.session.flush()
        return wp

    @persisted
    def vehicle_pass(self, estate, plate: str = "粤B12345", **fields) -> VehiclePass:
        vp = VehiclePass(estate_id=_id(estate), plate=plate, **fields)
        db.session.add(vp)
        db.session.flush()
        return vp

    @persisted
    def release_pass(self, estate, unit=None, **fields) -> ReleasePass:
        unit_id = _id(unit) if unit is not None else self._any_unit(estate)
        rp = ReleasePass(
            estate_id=_id(estate),
            unit_id=unit_id,
            applicant_name=fields.pop("applicant_name", "王五"),
            items=fields.pop("items", "冰箱一台"),
            moving_date=fields.pop("moving_date", date.today()),
            **fields,
        )
        db.session.add(rp)
        db.session.flush()
        return rp

    @persisted
    def gate_check(self, estate, **fields) -> GateCheck:
        check = GateCheck(
            estate_id=_id(estate),
            checked_at=fields.pop("checked_at", clock.now()),
            method=fields.pop("method", CheckMethod.typed),
            scanned=fields.pop("scanned", "粤B12345"),
            result=fields.pop("result", GateResult.unknown),
            **fields,
        )
        db.session.add(check)
        db.session.flush()
        return check

    @persisted
    def reminder(self, estate, **fields) -> Reminder:
        n = next(_seq)
        reminder = Reminder(
            estate_id=_id(estate),
            rule=fields.pop("rule", "test"),
            entity_type="ticket",
            entity_id=n,
            deadline_at=clock.now(),
            due_at=clock.now(),
            dedupe_key=f"test-{n}",
            **fields,
        )
        db.session.add(reminder)
        db.session.flush()
        return reminder

    @persisted
    def batch(self, estate, **fields):
        from admin_app.models import BatchRun

        batch = BatchRun(
            resource="ticket",
            action="close",
            total=1,
            estates=[db.session.get(Estate, _id(estate))],
            **fields,
        )
        db.session.add(batch)
        db.session.flush()
        return batch

    @persisted
    def reminder_delivery(self, estate, **fields) -> ReminderDelivery:
        n = next(_seq)
        reminder = Reminder(
            estate_id=_id(estate),
            rule="callback",
            entity_type="ticket",
            entity_id=n,
            deadline_at=clock.now(),
            due_at=clock.now(),
            dedupe_key=f"test-delivery-{n}",
        )
        db.session.add(reminder)
        db.session.flush()
        delivery = ReminderDelivery(
            reminder_id=reminder.id,
            estate_id=_id(estate),
            channel=fields.pop("channel", DeliveryChannel.email),
            status=fields.pop("status", DeliveryStatus.failed),
            address=fields.pop("address", "staff@example.com"),
            **fields,
        )
        db.session.add(delivery)
        db.session.flush()
        return delivery

    @persisted
    def payment(self, estate, **fields) -> Payment:
        """A fee paid in cash (its work order made with it), as the matrix needs one."""
        order = WorkOrder(
            estate_id=_id(estate), description="更换灯泡", status=WorkOrderStatus.closed
        )
        db.session.add(order)
        db.session.flush()
        payment = Payment(
            estate_id=_id(estate),
            work_order_id=order.id,
            amount=fields.pop("amount", Decimal("50.00")),
            state=fields.pop("state", PaymentState.paid),
            method=fields.pop("method", PaymentMethod.cash),
            number=fields.pop("number", f"P-{next(_seq)}"),
            paid_at=fields.pop("paid_at", clock.now()),
            **fields,
        )
        db.session.add(payment)
        db.session.flush()
        return payment

    @persisted
    def cash_hand_in(self, estate, **fields) -> CashHandIn:
        if "collector_id" not in fields:
            collector = self.staff.__wrapped__(self, Role.technician, estates=[estate])
            fields["collector_id"] = collector.id
        sheet = CashHandIn(
            estate_id=_id(estate),
            handed_in_at=fields.pop("handed_in_at", clock.now()),
            total=fields.pop("total", Decimal("50.00")),
            **fields,
        )
        db.session.add(sheet)
        db.session.flush()
        return sheet

    def _any_unit(self, estate) -> int:
        unit = db.session.query(Unit).filter(Unit.estate_id == _id(estate)).first()
        if unit is None:
            unit = Unit(estate_id=_id(estate), building="9", entrance="", room=str(next(_seq)))
            db.session.add(unit)
            db.session.flush()
        return unit.id

    def _new_renovation(self, estate) -> int:
        renovation = Renovation(
            estate_id=_id(estate),
            unit_id=self._any_unit(estate),
            scope="改造",
            planned_start=clock.today(),
            planned_end=clock.today() + timedelta(days=30),
        )
        db.session.add(renovation)
        db.session.flush()
        return renovation.id

    def two_estates(self) -> SimpleNamespace:
        a = self.estate(code="AA", name="甲小区")
        b = self.estate(code="BB", name="乙小区")
        unit_a = self.unit(a, building="1", room="101")
        unit_b = self.unit(b, building="1", room="101")
        return SimpleNamespace(
            a=a,
            b=b,
            unit_a=unit_a,
            unit_b=unit_b,
            resident_a=self.resident(unit_a, name="甲住户", phone="13800000001"),
            resident_b=self.resident(unit_b, name="乙住户", phone="13800000002"),
        )

    def record(self, resource: str, estate):
        """One record of the given resource in the given estate (for the permission matrix)."""
        makers = {
            "estate": lambda: estate,
            "unit": lambda: self.unit(estate, building="7"),
            "resident": lambda: self.resident(self.unit(estate, building="8"), name="矩阵住户"),
            "ticket": lambda: self.ticket(estate),
            "work_order": lambda: self.work_order(estate),
            "worker_pass": lambda: self.worker_pass(estate),
            "vehicle_pass": lambda: self.vehicle_pass(estate),
            "release_pass": lambda: self.release_pass(estate),
            "renovation": lambda: self.renovation(estate),
            "renovation_inspection": lambda: self.inspection(self.renovation(estate)),
            "staff": lambda: self.staff(Role.receptionist, estates=[estate]),
            "reminder": lambda: self.reminder(estate),
            "action_batch": lambda: self.batch(estate),
            "reminder_delivery": lambda: self.reminder_delivery(estate),
            "gate_check": lambda: self.gate_check(estate),
            "price_item": lambda: self.price_item(estate),
            "payment": lambda: self.payment(estate),
            "cash_hand_in": lambda: self.cash_hand_in(estate),
            "department": lambda: self.department(estate),
            "corrective_action": lambda: self.corrective_action(estate),
            "workday_override": lambda: self.workday_override(estate),
            "home_visit_booking": lambda: self.home_visit_booking(estate),
            "visitor": lambda: self.visitor(estate),
            "parcel": lambda: self.parcel(estate),
            "staff_message": lambda: self.staff_message(estate),
            "box_item": lambda: self.box_item(estate),
            "loan": lambda: self.loan(estate),
        }
        return makers[resource]()

    @persisted
    def department(self, estate, name: str | None = None, head=None) -> Department:
        department = Department(
            estate_id=_id(estate),
            name=name or f"部门{next(_seq)}",
            head_id=_id(head) if head else None,
        )
        db.session.add(department)
        db.session.flush()
        return department

    @persisted
    def corrective_action(self, estate, **fields) -> CorrectiveAction:
        """An open action on a complaint, handed to a department with a head and an owner."""
        n = next(_seq)
        head = accounts.create_staff(
            username=f"head{n}",
            password=self.password,
            name=f"负责人{n}",
            role=Role.technician,
            estates=[db.session.get(Estate, _id(estate))],
        )
        department = Department(estate_id=_id(estate), name=f"工程部{n}", head=head)
        ticket = Ticket(
            estate_id=_id(estate),
            category=TicketCategory.complaint,
            received_at=clock.now(),
            description="楼道灯不亮",
        )
        db.session.add_all([department, ticket])
        db.session.flush()
        action = CorrectiveAction(
            estate_id=_id(estate),
            ticket_id=ticket.id,
            number=f"{ticket.number}-A1",
            what="更换灯具",
            due_at=fields.pop("due_at", clock.now() + timedelta(days=2)),
            department_id=department.id,
            owner_id=head.id,
            **fields,
        )
        db.session.add(action)
        db.session.flush()
        return action

    @persisted
    def duty_shift(self, estate, staff, starts_in_hours: float = -1, hours: float = 12, **fields):
        """A shift on the rota of `estate` for `staff`, starting this many hours from now."""
        from admin_app.models import DutyShift

        starts_at = clock.now().replace(second=0, microsecond=0) + timedelta(hours=starts_in_hours)
        shift = DutyShift(
            estate_id=_id(estate),
            staff_id=_id(staff),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            **fields,
        )
        db.session.add(shift)
        db.session.flush()
        return shift

    @persisted
    def workday_override(self, estate, day=None, working: bool = False, note: str = "") -> object:
        from admin_app.models import WorkdayOverride

        row = WorkdayOverride(
            estate_id=_id(estate),
            day=day or date(2026, 11, 11) + timedelta(days=next(_seq) % 300),
            working=working,
            note=note or "本小区假日",
        )
        db.session.add(row)
        db.session.flush()
        return row

    @persisted
    def home_visit_booking(self, estate, **fields) -> object:
        """A booking registered through the verb (its answer deadline from the calendar)."""
        from admin_app.home_visits import operations as home_visits
        from admin_app.models import HomeVisitBooking

        fields.setdefault("applicant_name", "刘阿姨")
        fields.setdefault("applicant_phone", "13800138000")
        fields.setdefault("service", "老人行动不便，请上门办理停车证")
        booking = HomeVisitBooking(estate_id=_id(estate), **fields)
        home_visits.register(booking)
        db.session.add(booking)
        db.session.flush()
        return booking

    @persisted
    def visitor(self, estate, unit=None, **fields) -> Visitor:
        """A visitor let in at the gate (still inside unless `out_at` is given)."""
        fields.setdefault("in_at", clock.now())
        visitor = Visitor(
            estate_id=_id(estate),
            unit_id=_id(unit) if unit is not None else self._any_unit(estate),
            name=fields.pop("name", "访客甲"),
            phone=fields.pop("phone", "13912345678"),
            **fields,
        )
        db.session.add(visitor)
        db.session.flush()
        return visitor

    @persisted
    def staff_message(self, estate, for_staff=None, **fields) -> StaffMessage:
        """A message taken for a staff member of the estate (a new technician unless named)."""
        if for_staff is None:
            for_staff = self.staff(Role.technician, estates=[estate])
        message = StaffMessage(
            estate_id=_id(estate),
            for_staff_id=_id(for_staff),
            caller_name=fields.pop("caller_name", "来电人甲"),
            caller_phone=fields.pop("caller_phone", "13912345678"),
            text=fields.pop("text", "请回电"),
            **fields,
        )
        db.session.add(message)
        db.session.flush()
        return message

    @persisted
    def box_item(self, estate, **fields) -> BoxItem:
        """An item of the estate's lending box (two umbrellas, back within a day)."""
        fields.setdefault("name", f"雨伞{next(_seq)}")
        fields.setdefault("count", 2)
        fields.setdefault("lend_hours", 24)
        item = BoxItem(estate_id=_id(estate), **fields)
        db.session.add(item)
        db.session.flush()
        return item

    @persisted
    def loan(self, estate, unit=None, item=None, **fields) -> Loan:
        """An item lent from the estate's box, not back yet."""
        now = fields.pop("lent_at", clock.now())
        loan = Loan(
            estate_id=_id(estate),
            item_id=_id(item) if item is not None else self.box_item(estate).id,
            unit_id=_id(unit) if unit is not None else self._any_unit(estate),
            borrower_name=fields.pop("borrower_name", "周业主"),
            phone=fields.pop("phone", "13912345678"),
            lent_at=now,
            due_at=fields.pop("due_at", now + timedelta(hours=24)),
            **fields,
        )
        db.session.add(loan)
        db.session.flush()
        return loan

    @persisted
    def parcel(self, estate, unit=None, **fields) -> Parcel:
        """A parcel signed for after the resident's phone confirmation, still waiting."""
        now = fields.pop("received_at", clock.now())
        parcel = Parcel(
            estate_id=_id(estate),
            unit_id=_id(unit) if unit is not None else self._any_unit(estate),
            recipient_name=fields.pop("recipient_name", "周业主"),
            description=fields.pop("description", "冰箱一台"),
            confirmed_by=fields.pop("confirmed_by", "周业主"),
            confirmed_at=fields.pop("confirmed_at", now),
            received_at=now,
            collect_due_at=fields.pop("collect_due_at", now + timedelta(days=3)),
            **fields,
        )
        db.session.add(parcel)
        db.session.flush()
        return parcel
