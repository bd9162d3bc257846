"""The records and pages that the language checks open in both languages: every page of the
panel as an administrator opens it from the menu, the list (with records in it), the
new-record form and a record's details."""

from __future__ import annotations

from datetime import timedelta

from admin_app import clock
from admin_app.models import PassStatus, RenovationStatus, Role, Trade, WorkOrderStatus

# The records' own content (typed in Chinese, so shown in Chinese in every language; the
# administrator's username and the estate's code in Latin letters).
RECORDS = (
    "root",
    "HY",
    "华苑小区",
    "测试路 1 号",
    "管理员",
    "王丽",
    "张师傅",
    "郑业主",
    "冯师傅",
    "王五",
    "厨房水龙头漏水",
    "厨房改造",
    "更换灯泡",
    "冰箱一台",
)
PAGES = (
    "/admin/",
    "/admin/ticket/",
    "/admin/ticket/new/",
    "/admin/work_order/",
    "/admin/work_order/new/",
    "/admin/payment/",
    "/admin/cash_hand_in/",
    "/admin/cash_hand_in/hand_in/",
    "/admin/cash_daily/",
    "/admin/fee_statistics/",
    "/admin/worker_pass/",
    "/admin/worker_pass/new/",
    "/admin/vehicle_pass/",
    "/admin/vehicle_pass/new/",
    "/admin/release_pass/",
    "/admin/release_pass/new/",
    "/admin/gate_check/",
    "/admin/renovation/",
    "/admin/renovation/new/",
    "/admin/renovation_inspection/",
    "/admin/renovation_inspection/new/",
    "/admin/resident/",
    "/admin/resident/new/",
    "/admin/unit/",
    "/admin/estate/",
    "/admin/staff/",
    "/admin/staff/new/",
    "/admin/resident_import/",
    "/admin/import_batch/",
    "/admin/statistics/",
    "/admin/inbox/",
    "/admin/audit_record/",
    "/admin/action_batch/",
    "/admin/reminder/",
    "/admin/reminder_delivery/",
    "/gate/",
)


def seed_every_page(factories) -> list[str]:
    """Records on every list, an administrator "root" (管理员) to open them; returns the
    pages of the records' details."""
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    resident = factories.resident(unit, name="王丽", phone="13800138000")
    owner = factories.resident(unit, name="郑业主", phone="13600003333")
    technician = factories.staff(
        Role.technician, estates=[estate], name="张师傅", trades=[Trade.plumbing]
    )
    root = factories.staff(Role.admin, estates=[estate], username="root", name="管理员")
    ticket = factories.ticket(estate, unit_id=unit.id, resident_id=resident.id)
    order = factories.work_order(
        estate,
        unit_id=unit.id,
        trade=Trade.plumbing,
        status=WorkOrderStatus.dispatched,
        technician_id=technician.id,
        dispatched_at=clock.now(),
    )
    today = clock.today()
    renovation = factories.renovation(
        estate,
        unit,
        status=RenovationStatus.in_progress,
        permit_valid_until=today + timedelta(days=30),
        deposit=2000,
    )
    worker = factories.worker_pass(estate, renovation, worker_name="冯师傅")
    vehicle = factories.vehicle_pass(
        estate, status=PassStatus.approved, valid_from=today, valid_until=today + timedelta(days=30)
    )
    release = factories.release_pass(estate, unit)
    held = factories.payment(estate, collected_by_id=technician.id)
    sheet = factories.cash_hand_in(estate, collector_id=technician.id)
    details = [
        f"/admin/ticket/details/?id={ticket.id}",
        f"/admin/work_order/details/?id={order.id}",
        f"/admin/renovation/details/?id={renovation.id}",
        f"/admin/worker_pass/details/?id={worker.id}",
        f"/admin/vehicle_pass/details/?id={vehicle.id}",
        f"/admin/release_pass/details/?id={release.id}",
        f"/admin/resident/details/?id={owner.id}",
        f"/admin/unit/details/?id={unit.id}",
        f"/admin/estate/details/?id={estate.id}",
        f"/admin/staff/details/?id={root.id}",
        f"/admin/payment/details/?id={held.id}",
        f"/admin/payment/receipt/?id={held.id}",
        f"/admin/cash_hand_in/details/?id={sheet.id}",
    ]
    return details


def words_left(session, details, left_of, shots=None) -> dict[str, list[str]]:
    """Each page of PAGES and the seeded `details` pages where `left_of` (chinese_left or
    english_left) finds words of the other language; `shots` names pages kept as screenshots."""
    untranslated = {}
    for path in PAGES + tuple(details):
        response = session.page.goto(path)
        assert response.ok, path
        left = left_of(session.page, RECORDS)
        if left:
            untranslated[path] = left
        if shots and path in shots:
            session.shot(shots[path])
    return untranslated
