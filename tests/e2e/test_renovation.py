"""A renovation from the application to the completion inspection, in a browser: the front desk
takes the application, the supervisor sends it back for rectification and then issues the
permit, the guard's patrol (on his phone) finds a violation that stops the work and suspends
the worker's pass at the gate, the supervisor lifts the stop once corrected, and the
technician's completion inspection accepts the work. In Chinese and in English: the English
pages keep nothing Chinese but the records' own content."""

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
from .conftest import PHONE, chinese_left, details_field, flashes, solid_png, submit

pytestmark = pytest.mark.browser


def renovation_in(in_app) -> Renovation:
    with in_app():
        renovation = db.session.query(Renovation).one()
        renovation.inspections  # noqa: B018 - loaded before detaching
        db.session.expunge_all()
        return renovation


def worker_pass_status(in_app, pass_id: int) -> PassStatus:
    with in_app():
        return db.session.get(WorkerPass, pass_id).status


UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "no_agreement": "{number}：须先签订装修管理协议。",
        "status": "状态",
        "permitted": "已发放装修许可证",
        "stopped": "违规停工",
        "passes": "施工人员出入证",
        "suspended": "冯师傅 · 已暂停",
        "gate_reason": "已暂停：装修停工中",
        "stop_reason": "停工原因",
        "working": "施工中",
        "approved": "冯师傅 · 已批准",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "no_agreement": "{number}: The management agreement must be signed first.",
        "status": "Status",
        "permitted": "Permit issued",
        "stopped": "Stopped for a violation",
        "passes": "Worker passes",
        "suspended": "冯师傅 · Suspended",
        "gate_reason": "Suspended: the renovation is stopped",
        "stop_reason": "Stop reason",
        "working": "Work in progress",
        "approved": "冯师傅 · Approved",
    },
}
RECORDS = (
    "华苑小区",
    "郑业主",
    "王前台",
    "李主管",
    "孙保安",
    "张工",
    "冯师傅",
    "安居装饰公司",
    "钱工头",
    "厨房、卫生间改造；不动承重墙",
    "请补充卫生间防水施工方案",
    "已补充防水方案（两遍防水涂料，闭水试验 48 小时）",
    "擅自拆除阳台承重墙体",
    "墙体已按原设计恢复，结构工程师复核通过",
    "水电隐蔽工程、防水闭水试验合格",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_renovation_with_a_violation_to_acceptance(app, factories, in_app, screen, lang):
    ui = UI[lang]

    def nothing_chinese_left(page):
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="8", room="0301")
    factories.resident(unit, name="郑业主", phone="13600003333")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")
    factories.staff(Role.technician, estates=[estate], username="fixer", name="张工")
    today = clock.today()

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/renovation/new/")
    desk.pick_ajax("unit", "0301")
    desk.pick_ajax("owner", "郑业主")
    page.fill("#contractor", "安居装饰公司")
    page.fill("#person_in_charge", "钱工头")
    page.fill("#person_phone", "13600004444")
    page.fill("#scope", "厨房、卫生间改造；不动承重墙")
    page.fill("#planned_start", today.isoformat())
    page.fill("#planned_end", (today + timedelta(days=45)).isoformat())
    page.click("#scope")  # away from the date picker, which closes
    page.fill("#deposit", "2000")
    nothing_chinese_left(page)
    desk.shot(f"{ui['shots']}renovation-01-application")
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), "no confirmation after saving the application"
    renovation = renovation_in(in_app)
    assert renovation.status is RenovationStatus.applied
    details = f"/admin/renovation/details/?id={renovation.id}"

    # Review: unqualified first (a rectification notice), then the permit.
    boss = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    bp = boss.page
    bp.goto(details)
    bp.click("#action-request_rectification")
    bp.fill("#notes", "请补充卫生间防水施工方案")
    submit(bp)
    page.goto(details)
    page.click("#action-resubmit")
    page.fill("#note", "已补充防水方案（两遍防水涂料，闭水试验 48 小时）")
    submit(page)
    bp.goto(details)
    bp.click("#action-issue_permit")
    assert bp.input_value("#valid_until") == (today + timedelta(days=45)).isoformat()
    submit(bp)
    # Without the signed agreement there is no permit; the page says so and keeps the form.
    assert flashes(bp, "error") == [ui["no_agreement"].format(number=renovation.number)]
    bp.check("#agreement_signed")
    bp.check("#deposit_received")
    # Tick boxes look like tick boxes, each beside its label (not stretched across the page).
    assert bp.locator("#agreement_signed").bounding_box()["width"] < 40
    assert bp.locator("label.form-check-label[for=deposit_received]").is_visible()
    nothing_chinese_left(bp)
    boss.shot(f"{ui['shots']}renovation-02-permit")
    submit(bp)
    assert details_field(bp, ui["status"]) == ui["permitted"]
    nothing_chinese_left(bp)
    page.goto(details)
    page.click("#action-start_work")
    submit(page)
    renovation = renovation_in(in_app)
    assert renovation.status is RenovationStatus.in_progress and renovation.permit_number
    # The worker's pass, applied for and approved earlier (its own path is the pass test's).
    worker = factories.worker_pass(
        estate,
        renovation,
        worker_name="冯师傅",
        status=PassStatus.approved,
        valid_from=today,
        valid_until=today + timedelta(days=30),
    )

    # The guard's patrol, on his phone: a violation stops the work.
    guard = screen("guard", viewport=PHONE, locale=ui["locale"]).login("gate1", PASSWORD)
    phone = guard.page
    phone.goto(details)
    phone.click("#action-stop_work")
    phone.fill("#notes", "擅自拆除阳台承重墙体")
    phone.set_input_files(
        "#photo", {"name": "violation.png", "mimeType": "image/png", "buffer": solid_png()}
    )
    nothing_chinese_left(phone)
    guard.shot(f"{ui['shots']}renovation-03-violation-phone")
    submit(phone)
    assert details_field(phone, ui["status"]) == ui["stopped"]
    assert ui["suspended"] in details_field(phone, ui["passes"])
    nothing_chinese_left(phone)
    guard.shot(f"{ui['shots']}renovation-04-stopped-phone")
    # On the phone the history scrolls sideways instead of squeezing its columns.
    history = phone.locator("#history + .table-responsive")
    assert history.evaluate("div => div.scrollWidth > div.clientWidth")
    assert worker_pass_status(in_app, worker.id) is PassStatus.suspended
    # The worker comes to the gate: his pass no longer lets him in.
    phone.goto("/gate/")
    phone.fill("#code", worker.number)
    submit(phone, "#check-button")
    assert phone.locator("#verdict.gate-invalid").count() == 1
    assert phone.inner_text("#verdict-reason").strip() == ui["gate_reason"]
    nothing_chinese_left(phone)
    guard.shot(f"{ui['shots']}renovation-05-gate-suspended")

    # Corrected: the supervisor lifts the stop after seeing it on site.
    bp.goto(details)
    assert "擅自拆除阳台承重墙体" in details_field(bp, ui["stop_reason"])
    bp.click("#action-lift_stop")
    bp.fill("#notes", "墙体已按原设计恢复，结构工程师复核通过")
    submit(bp)
    assert details_field(bp, ui["status"]) == ui["working"]
    assert ui["approved"] in details_field(bp, ui["passes"])
    page.goto(details)
    page.click("#action-request_completion")
    submit(page)

    # The completion inspection, by the technician on his phone.
    tech = screen("technician", viewport=PHONE, locale=ui["locale"]).login("fixer", PASSWORD)
    tp = tech.page
    tp.goto(details)
    tp.click("#action-accept")
    tp.fill("#notes", "水电隐蔽工程、防水闭水试验合格")
    submit(tp)
    assert flashes(tp)
    nothing_chinese_left(tp)
    tech.shot(f"{ui['shots']}renovation-06-accepted-phone")

    bp.goto(details)
    nothing_chinese_left(bp)
    boss.shot(f"{ui['shots']}renovation-07-accepted")
    renovation = renovation_in(in_app)
    assert renovation.status is RenovationStatus.accepted
    assert renovation.deposit_status is DepositStatus.refundable
    assert sorted(i.result for i in renovation.inspections) == sorted(
        [InspectionResult.violation, InspectionResult.ok, InspectionResult.passed]
    )
    assert worker_pass_status(in_app, worker.id) is PassStatus.revoked
