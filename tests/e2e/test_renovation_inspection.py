"""A completion inspection that fails, in a browser: the front desk asks for the inspection,
the technician on his phone fails it (what must be rectified, with a photo), the work goes
back to the contractor with the worker passes still usable, the second inspection passes, and
the supervisor refunds the deposit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DepositStatus,
    InspectionResult,
    PassStatus,
    Renovation,
    RenovationStatus,
    Role,
    WorkerPass,
)

from ..conftest import PASSWORD
from .conftest import PHONE, details_field, flashes, renovation_under_way, solid_png, submit

pytestmark = pytest.mark.browser


def test_failed_completion_inspection_then_accepted_and_refunded(factories, in_app, screen):
    today = clock.today()
    estate, _, renovation = renovation_under_way(
        factories,
        building="8",
        room="0301",
        owner="郑业主",
        phone="13600003333",
        permit_valid_until=today + timedelta(days=30),
        deposit=2000,
        deposit_status=DepositStatus.held,
    )
    factories.staff(Role.technician, estates=[estate], username="fixer", name="张工")
    worker = factories.worker_pass(
        estate,
        renovation,
        worker_name="冯师傅",
        status=PassStatus.approved,
        valid_from=today,
        valid_until=today + timedelta(days=30),
    )
    details = f"/admin/renovation/details/?id={renovation.id}"

    desk = screen("reception").login("front", PASSWORD)
    page = desk.page
    page.goto(details)
    page.click("#action-request_completion")
    submit(page)
    assert details_field(page, "状态") == "待竣工验收"

    # The first inspection, on the technician's phone: the waterproofing leaks.
    tech = screen("technician", viewport=PHONE).login("fixer", PASSWORD)
    tp = tech.page
    tp.goto(details)
    tp.click("#action-fail")
    # Sent without saying what is wrong: the phone's browser refuses it and points at the box.
    form_url = tp.url
    tp.click("#confirm-action")
    assert tp.evaluate("document.getElementById('notes').validity.valueMissing")
    assert tp.url == form_url
    tp.fill("#notes", "卫生间闭水试验渗漏，楼下天花板有水迹；须重做防水")
    tp.set_input_files(
        "#photo", {"name": "leak.png", "mimeType": "image/png", "buffer": solid_png()}
    )
    tech.shot("inspection-01-fail-phone")
    submit(tp)
    assert flashes(tp)
    assert details_field(tp, "状态") == "验收不合格"
    inspections = details_field(tp, "装修检查")
    assert "竣工验收 · 不合格 · 张工 卫生间闭水试验渗漏" in inspections  # 不合格, not 失败
    assert tp.locator("#action-accept").count() == 0  # no passing it before it is inspected again
    assert tp.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tech.shot("inspection-02-failed-phone")
    with in_app():
        assert db.session.get(Renovation, renovation.id).status is RenovationStatus.failed

    # Rectifying is work: the worker still gets in, and the deposit is still held.
    guard = screen("guard", viewport=PHONE).login("gate1", PASSWORD)
    guard.page.goto("/gate/")
    guard.page.fill("#code", worker.number)
    submit(guard.page, "#check-button")
    assert guard.page.locator("#verdict.gate-valid").count() == 1
    boss = screen("supervisor").login("boss", PASSWORD)
    bp = boss.page
    bp.goto(details)
    assert details_field(bp, "押金状态") == "已收取"
    assert bp.locator("#action-refund_deposit").count() == 0
    boss.shot("inspection-03-failed-supervisor")

    # Rectified: the front desk asks for the inspection again, and it passes.
    page.goto(details)
    page.click("#action-request_completion")
    submit(page)
    assert details_field(page, "状态") == "待竣工验收"
    tp.goto(details)
    tp.click("#action-accept")
    tp.fill("#notes", "防水重做，闭水试验 48 小时无渗漏")
    submit(tp)
    assert details_field(tp, "状态") == "验收合格"
    tech.shot("inspection-04-accepted-phone")

    # The deposit goes back to the owner.
    bp.goto(details)
    assert details_field(bp, "押金状态") == "可退还"
    bp.click("#action-refund_deposit")
    boss.shot("inspection-05-refund")
    submit(bp)
    assert flashes(bp)
    assert details_field(bp, "押金状态") == "已退还"
    assert bp.locator("#action-refund_deposit").count() == 0
    history = bp.locator("#history + .table-responsive table").inner_text()
    assert "竣工验收不合格" in history and "竣工验收合格" in history and "押金已退还" in history
    boss.shot("inspection-06-refunded")

    with in_app():
        done = db.session.get(Renovation, renovation.id)
        assert done.status is RenovationStatus.accepted
        assert done.deposit_status is DepositStatus.refunded
        results = [i.result for i in sorted(done.inspections, key=lambda i: i.id)]
        assert results == [InspectionResult.failed, InspectionResult.passed]
        assert done.inspections[0].photo_file_id
        assert db.session.get(WorkerPass, worker.id).status is PassStatus.revoked
