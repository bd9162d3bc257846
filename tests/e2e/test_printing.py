"""Every printable page, printed by Chromium to PDF as the office prints it: the work order (A4
and A5), the pass cards (worker, vehicle, large-item release; A6 and A5), the receipt (A5
and an 80 mm slip) and the complaint's forms (the handling record and the department's slip on
A4, the day's register of calls and visits on A4 landscape), in both languages.

Each is one sheet of its paper, nothing sticks out of the printable width or is clipped by the
card's frame, and the PDF's text holds every key field down to the last line. The PDFs and a
picture of each page (print media) stay in tests/artifacts/e2e/ to be looked at."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    ActionStatus,
    Channel,
    ComplaintCode,
    ComplaintRound,
    CorrectiveAction,
    Department,
    PassStatus,
    Role,
    Satisfaction,
    Severity,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    VehicleType,
    WorkOrderStatus,
)
from admin_app.services import storage

from ..conftest import PASSWORD
from ..payments.support import close, done_order
from .conftest import ARTIFACTS, renovation_under_way, solid_png
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
POINTS = 72 / 25.4  # PDF points per millimetre
# Each paper: its size and the page margin the print CSS sets (work_order/print.html,
# passes/card.html).
PAPER = {
    ("work_order", "A4"): ((210, 297), 12),
    ("work_order", "A5"): ((148, 210), 8),
    ("card", "A6"): ((105, 148), 5),
    ("card", "A5"): ((148, 210), 5),
    ("receipt", "A5"): ((148, 210), 8),
    ("receipt", "80mm"): ((80, 160), 3),  # a slip printer's roll (payments/receipt.html)
    ("form", "A4"): ((210, 297), 12),  # the complaint's forms (ticket/_print.html)
    ("form", "A4 landscape"): ((297, 210), 12),  # the day's register
}

# Whatever sticks out of the printable width, or out of its parent's box: hidden by a box that
# clips (the card), or drawn over its neighbours (the QR code over a long list of items).
CUT_OFF = """() => {
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const width = document.documentElement.clientWidth;
    const problems = [];
    const shown = [...document.body.querySelectorAll('*')].filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
    });
    for (const el of shown) {
        const box = el.getBoundingClientRect();
        if (box.left < -0.5 || box.right > width + 0.5) {
            problems.push(`${name(el)} spans ${box.left.toFixed(1)}..${box.right.toFixed(1)} of ${width}px`);
        }
        // A box that spills out of its parent's overlaps its neighbours, or is clipped by it.
        const parent = el.parentElement;
        if (parent === document.body) continue;
        const outer = parent.getBoundingClientRect();
        if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5
            || box.top < outer.top - 0.5 || box.bottom > outer.bottom + 0.5) {
            problems.push(`${name(el)} spills out of ${name(parent)}`);
        }
    }
    return problems;
}"""


def print_to_pdf(session, url: str, kind: str, paper: str, label: str) -> tuple[PdfReader, str]:
    """Open the printable page, check its print layout, print it: the PDF and its text."""
    (width, height), margin = PAPER[kind, paper]
    page = session.page
    page.set_viewport_size(
        {"width": round((width - 2 * margin) * MM), "height": round((height - 2 * margin) * MM)}
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")  # the photo, the signature
    page.emulate_media(media="print")
    problems = page.evaluate(CUT_OFF)
    assert not problems, f"{label}: cut off in print: {problems}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"print-{label}.png"), full_page=True)
    size = (
        {"format": paper}
        if re.fullmatch(r"A\d", paper)
        else {"width": f"{width}mm", "height": f"{height}mm"}
    )
    pdf = page.pdf(prefer_css_page_size=True, **size)
    page.emulate_media(media="screen")
    (ARTIFACTS / f"print-{label}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    for sheet in reader.pages:  # the paper the page asks for
        box = sheet.mediabox
        assert round(float(box.width) / POINTS) == width, label
        assert round(float(box.height) / POINTS) == height, label
    text = "".join(sheet.extract_text() for sheet in reader.pages)
    return reader, re.sub(r"\s+", "", text)


def assert_holds(text: str, fields, label: str) -> None:
    """Every field printed (spacing apart: the title's letters are spaced in Chinese).

    The CJK font maps some characters' glyphs to their radicals' code points (小 comes out as
    the Kangxi radical ⼩, 门 as ⻔): a character printed as a radical matches any ideograph.
    (NFKC would fold a Kangxi radical to its traditional form: 户 printed as ⼾ comes back
    as 戶, which is not 户.)"""
    text = unicodedata.normalize("NFKC", re.sub("[\u2f00-\u2fdf]", "\u2e80", text))
    missing = []
    for field in fields:
        pattern = "".join(
            f"(?:{re.escape(c)}|[\u2e80-\u2eff])" if "\u4e00" <= c <= "\u9fff" else re.escape(c)
            for c in re.sub(r"\s+", "", unicodedata.normalize("NFKC", field))
        )
        if not re.search(pattern, text):
            missing.append(field)
    assert not missing, f"{label}: not in the PDF: {missing}"


LOCALES = {"zh": "zh-CN", "en": "en-US"}
LAST_LINE = {"zh": "打印时间", "en": "Printed at"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_work_order_prints_on_one_sheet(factories, in_app, screen, lang):
    estate = factories.estate(code="HY", name="华苑小区")
    with in_app():
        estate_row = db.session.merge(estate)
        estate_row.service_phone = "0755-88886666"
        db.session.commit()
    unit = factories.unit(estate, building="3", room="1201")
    plumber = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    desk = factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    now = clock.now().replace(second=0, microsecond=0)
    with in_app():
        signature = storage.save_image(solid_png(780, 400, (255, 255, 255)), estate_id=estate.id)
        db.session.commit()
        signature_id = signature.id
    notes = "\n".join(
        f"[{(now - timedelta(days=d)).strftime('%Y-%m-%d %H:%M')}] {text}"
        for d, text in ((2, "检查下水管，需更换配件"), (1, "更换下水管及密封圈，试水正常"))
    )
    order = factories.work_order(
        estate,
        unit_id=unit.id,
        trade=Trade.plumbing,
        technician_id=plumber.id,
        status=WorkOrderStatus.revisited,
        contact_name="王丽",
        contact_phone="13800138000",
        location="3栋1单元1201 厨房",
        description="厨房水槽下水管漏水，地面有积水，柜子底板已泡湿，请尽快上门处理。",
        dispatched_at=now - timedelta(days=2, hours=1),
        arrived_at=now - timedelta(days=2),
        quote_labour=60,
        quote_materials=25.5,
        work_notes=notes,
        work_done_at=now - timedelta(days=1),
        signer_name="王丽",
        signature_file_id=signature_id,
        fee_collected=85.5,
        closed_at=now - timedelta(days=1),
        revisited_at=now,
        revisited_by_id=desk.id,
        rating_timeliness=5,
        rating_quality=5,
        rating_fee=4,
        rating_attitude=5,
        satisfaction=Satisfaction.satisfied,
        revisit_comment="师傅很专业，已修好",
    )
    with in_app():
        number = db.session.merge(order).number
    office = screen("reception", locale=LOCALES[lang]).login("front", PASSWORD)
    for paper in ("A4", "A5"):
        label = f"{lang}-work-order-{paper}"
        reader, text = print_to_pdf(
            office,
            f"/admin/work_order/print/?id={order.id}&paper={paper}",
            "work_order",
            paper,
            label,
        )
        assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
        assert_holds(
            text,
            [
                number,
                "华苑小区",
                "王丽",
                "13800138000",
                "张师傅",
                "厨房水槽下水管漏水",
                "更换下水管及密封圈，试水正常",
                "师傅很专业，已修好",
                "0755-88886666",
                LAST_LINE[lang],
            ],
            label,
        )


def approved(**fields) -> dict:
    today = date.today()
    return {
        "status": PassStatus.approved,
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
        "approved_at": clock.now(),
        **fields,
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pass_cards_print_on_one_card(factories, in_app, screen, lang):
    estate, unit, renovation = renovation_under_way(
        factories, building="5", room="702", owner="陈业主", phone="13900139000"
    )
    boss = factories.staff(Role.supervisor, estates=[estate], username="chief", name="赵主管")
    with in_app():
        photo = storage.save_image(solid_png(300, 400), estate_id=estate.id)
        db.session.commit()
        photo_id = photo.id
    cards = {
        "worker_pass": factories.worker_pass(
            estate,
            renovation,
            **approved(
                worker_name="刘建国",
                company="安居装饰公司",
                id_number="11010519491231002X",
                photo_file_id=photo_id,
                approved_by_id=boss.id,
            ),
        ),
        "vehicle_pass": factories.vehicle_pass(
            estate,
            "粤BD12345",
            **approved(
                vehicle_type=VehicleType.car,
                is_new_energy=True,
                unit_id=unit.id,
                parking_space="B2-108",
                approved_by_id=boss.id,
            ),
        ),
        "release_pass": factories.release_pass(
            estate,
            unit,
            **approved(
                applicant_name="陈业主",
                items="双开门冰箱一台\n洗衣机一台\n三人沙发一套\n餐桌一张、餐椅四把\n纸箱十二个",
                moving_date=date.today(),
                approved_by_id=boss.id,
            ),
        ),
    }
    expected = {
        "worker_pass": ["刘建国", "安居装饰公司", "HY-ZX-0001"],
        "vehicle_pass": ["粤BD12345", "B2-108"],
        "release_pass": ["陈业主", "双开门冰箱一台", "纸箱十二个"],
    }
    office = screen("supervisor", locale=LOCALES[lang]).login("chief", PASSWORD)
    for kind, record in cards.items():
        with in_app():
            number = db.session.merge(record).number
        for size in ("A6", "A5"):
            label = f"{lang}-{kind.replace('_', '-')}-{size}"
            reader, text = print_to_pdf(
                office, f"/admin/{kind}/card/?id={record.id}&size={size}", "card", size, label
            )
            assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
            assert_holds(
                text, [number, "华苑小区", *expected[kind], "赵主管", LAST_LINE[lang]], label
            )
            # On screen, the card page (its print button and links to the other size) is read
            # like any other page.
            blocking = [v for v in axe_violations(office.page) if v["impact"] in BLOCKING]
            assert not blocking, f"axe on {label}: {blocking}"


def test_a_long_list_of_items_is_printed_smaller_or_flagged(factories, in_app, screen):
    estate, unit, _ = renovation_under_way(
        factories, building="5", room="702", owner="陈业主", phone="13900139000"
    )
    factories.staff(Role.supervisor, estates=[estate], username="chief", name="赵主管")
    items = [f"第{n}件：实木衣柜一组，已拆开" for n in range(1, 14)]
    release = factories.release_pass(
        estate, unit, **approved(applicant_name="陈业主", items="\n".join(items))
    )
    office = screen("supervisor").login("chief", PASSWORD)
    # Thirteen lines are too many for an A6 card: the page says so before anyone prints it.
    office.page.goto(f"/admin/release_pass/card/?id={release.id}&size=A6")
    assert "A5" in office.page.inner_text("#items-too-long")
    office.shot("print-zh-release-pass-A6-too-long")
    # On A5 they fit in smaller type, every one of them, the QR code clear of them.
    reader, text = print_to_pdf(
        office,
        f"/admin/release_pass/card/?id={release.id}&size=A5",
        "card",
        "A5",
        "zh-release-pass-A5-long",
    )
    assert len(reader.pages) == 1
    assert office.page.locator(".items.small").count() == 1
    assert_holds(text, [*items, LAST_LINE["zh"]], "long release on A5")


RECEIPT_LAST_LINE = {"zh": "打印于", "en": "Printed"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_receipt_prints_on_one_sheet_and_on_a_slip(factories, in_app, screen, lang):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    plumber = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    order = done_order(
        factories,
        estate,
        plumber,
        unit_id=unit.id,
        contact_name="王丽",
        quote_labour=Decimal("60"),
        quote_materials=Decimal("25.50"),
    )
    with in_app():
        payment = close(order.id, plumber.id, "85.50", method="wechat")
        db.session.commit()
        payment_id, number = payment.id, payment.number
    office = screen("reception", locale=LOCALES[lang]).login("front", PASSWORD)
    words = ["捌拾伍元伍角整"] if lang == "zh" else []
    for size in ("A5", "80mm"):
        label = f"{lang}-receipt-{size}"
        reader, text = print_to_pdf(
            office, f"/admin/payment/receipt/?id={payment_id}&size={size}", "receipt", size, label
        )
        assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
        assert_holds(
            text,
            [number, "华苑小区", "王女士", "张师傅", "85.50", *words, RECEIPT_LAST_LINE[lang]],
            label,
        )


FORM_TITLES = {
    "zh": ("客户投诉处理表", "客户投诉处理单", "客户来电来访登记表"),
    "en": (
        "Customer complaint handling record",
        "Complaint handling slip",
        "Register of calls and visits",
    ),
}


def closed_complaint(factories, in_app):
    """A complaint through two rounds: handled, the resident unsatisfied, a corrective action
    done and verified, reported back again, the resident satisfied; and the day's other call."""
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="5", room="0602")
    resident = factories.resident(unit, name="陈伟", phone="13912345678")
    desk = factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    boss = factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    chief = factories.staff(Role.director, estates=[estate], username="chief", name="赵主任")
    now = clock.now().replace(second=0, microsecond=0)
    with in_app():
        cleaning = Department(estate_id=estate.id, name="保洁部", head_id=boss.id)
        db.session.add(cleaning)
        db.session.commit()
        cleaning_id = cleaning.id
    ticket = factories.ticket(
        estate,
        TicketCategory.complaint,
        number="HY-T2612-0007",
        channel=Channel.visit,
        status=TicketStatus.closed,
        unit_id=unit.id,
        resident_id=resident.id,
        reporter_name="陈伟",
        reporter_phone="13912345678",
        description="楼道垃圾堆放三天无人清运，气味很大",
        request="每天按时清运",
        received_by_id=desk.id,
        received_at=now,
        complaint_code=ComplaintCode.cleaning,
        severity=Severity.ordinary,
        validity=Validity.valid,
        complaint_due_at=now + timedelta(days=3),
        owner_id=chief.id,
        complaint_round=2,
        cause="保洁班组未按时清运",
        department_id=cleaning_id,
        responsible_department="保洁部",
        responsible_person="刘班长",
        corrective_action="当天清运，楼道消毒",
        handled_at=now,
        result="已按新排班清运一周，抽查记录齐全",
        reported_back_at=now,
        resolved_at=now,
        revisit_note="这一周楼道一直干净，满意",
        revisited_at=now,
        revisited_by_id=desk.id,
        closed_at=now,
    )
    factories.ticket(
        estate,
        TicketCategory.inquiry,
        channel=Channel.phone,
        reporter_name="周女士",
        description="询问本月水费缴费截止日期",
        result="已告知本月 25 日截止",
        received_by_id=desk.id,
        received_at=now,
    )
    factories.ticket(  # another day's: not on today's register
        estate,
        TicketCategory.inquiry,
        reporter_name="吴先生",
        description="昨天的来电：询问停车位",
        received_by_id=desk.id,
        received_at=now - timedelta(days=1),
    )
    with in_app():
        for number, owner, outcome, words in (
            (1, boss.id, Satisfaction.unsatisfied, "清完第二天又堆上了，没人管"),
            (2, chief.id, Satisfaction.satisfied, "这一周楼道一直干净，满意"),
        ):
            db.session.add(
                ComplaintRound(
                    estate_id=estate.id,
                    ticket_id=ticket.id,
                    number=number,
                    owner_id=owner,
                    due_at=now + timedelta(days=3),
                    outcome=outcome,
                    resident_words=words,
                    revisited_at=now,
                    revisited_by_id=desk.id,
                )
            )
        db.session.add(
            CorrectiveAction(
                estate_id=estate.id,
                ticket_id=ticket.id,
                number="HY-T2612-0007-A1",
                status=ActionStatus.verified,
                what="每日两次定时清运，主管每周抽查并拍照",
                department_id=cleaning_id,
                due_at=now + timedelta(days=5),
                done_at=now,
                done_by_id=boss.id,
                done_note="已排班每日 9 点、17 点清运",
                verified_at=now,
                verified_by_id=desk.id,
                verification="连续三天现场查看，楼道干净",
            )
        )
        db.session.commit()
    return estate, ticket


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_complaint_forms_and_the_days_register_print_on_their_paper(
    factories, in_app, screen, lang
):
    estate, ticket = closed_complaint(factories, in_app)
    record, slip, register = FORM_TITLES[lang]
    office = screen("supervisor", locale=LOCALES[lang]).login("boss", PASSWORD)

    label = f"{lang}-complaint-record-A4"
    reader, text = print_to_pdf(
        office, f"/admin/ticket/print/complaint/?id={ticket.id}", "form", "A4", label
    )
    assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
    assert_holds(
        text,
        [
            record,
            "HY-T2612-0007",
            "华苑小区",
            "陈伟",
            "13912345678",
            "楼道垃圾堆放三天无人清运，气味很大",
            "保洁班组未按时清运",
            "保洁部",
            "刘班长",
            "当天清运，楼道消毒",
            # the corrective action as done and verified, and both rounds with the words
            "HY-T2612-0007-A1",
            "每日两次定时清运，主管每周抽查并拍照",
            "连续三天现场查看，楼道干净",
            "清完第二天又堆上了，没人管",
            "已按新排班清运一周，抽查记录齐全",
            "这一周楼道一直干净，满意",
            "赵主任",
            LAST_LINE[lang],
        ],
        label,
    )

    label = f"{lang}-complaint-slip-A4"
    reader, text = print_to_pdf(
        office, f"/admin/ticket/print/slip/?id={ticket.id}", "form", "A4", label
    )
    assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
    assert_holds(
        text,
        [
            slip,
            "HY-T2612-0007",
            "保洁部",
            "李主管",  # the department's head, who receives it
            "刘班长",
            "楼道垃圾堆放三天无人清运，气味很大",
            "当天清运，楼道消毒",
            LAST_LINE[lang],
        ],
        label,
    )

    label = f"{lang}-register-A4-landscape"
    day = clock.today().isoformat()
    reader, text = print_to_pdf(
        office,
        f"/admin/ticket/print/register/?estate={estate.id}&date={day}",
        "form",
        "A4 landscape",
        label,
    )
    assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
    assert office.page.locator("tr.register-row").count() == 2  # yesterday's call left out
    assert_holds(
        text,
        [
            register,
            day,
            "华苑小区",
            "陈伟",
            "楼道垃圾堆放三天无人清运，气味很大",
            "已按新排班清运一周，抽查记录齐全",
            "周女士",
            "询问本月水费缴费截止日期",
            "已告知本月25日截止",
            "王前台",
            LAST_LINE[lang],
        ],
        label,
    )
    assert "吴先生" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_forwarded_calls_report_to_the_company_prints_on_one_a4_sheet(
    factories, in_app, screen, lang
):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="5", room="0602")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    tech = factories.staff(Role.technician, estates=[estate], name="张师傅", trades=["plumbing"])
    now = clock.now().replace(second=0, microsecond=0)
    ticket = factories.ticket(
        estate,
        TicketCategory.repair,
        number="HY-T2612-0031",
        channel=Channel.company,
        company_ref="总部客服〔2026〕118号",
        status=TicketStatus.closed,
        unit_id=unit.id,
        reporter_name="周业主",
        reporter_phone="13912345678",
        description="卫生间楼板渗水到楼下",
        result="更换止水阀并做闭水试验，楼下不再渗水",
        resolved_at=now,
        resident_informed_at=now,
    )
    factories.work_order(
        estate,
        ticket_id=ticket.id,
        number="HY-W2612-0044",
        trade=Trade.plumbing,
        technician_id=tech.id,
        status=WorkOrderStatus.closed,
        work_done_at=now,
    )
    office = screen("reception", locale=LOCALES[lang]).login("front", PASSWORD)
    label = f"{lang}-company-report-A4"
    reader, text = print_to_pdf(
        office, f"/admin/ticket/print/company-report/?id={ticket.id}", "form", "A4", label
    )
    assert len(reader.pages) == 1, f"{label}: {len(reader.pages)} pages"
    title = {"zh": "处理结果书面报告", "en": "Report of the result to the company"}[lang]
    assert_holds(
        text,
        [
            title,
            "HY-T2612-0031",
            "总部客服〔2026〕118号",
            "华苑小区",
            "周业主",
            "139****5678",
            "卫生间楼板渗水到楼下",
            "HY-W2612-0044",
            "张师傅",
            "更换止水阀并做闭水试验，楼下不再渗水",
            LAST_LINE[lang],
        ],
        label,
    )
    assert "13912345678" not in text
