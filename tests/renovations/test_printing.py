"""The renovation's printed forms: the permit (装修许可证) once issued, the rectification notice
(整改通知单) while something is to be corrected — their content in Chinese and English, and
only for a renovation the user may see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.models import InspectionResult, RenovationStatus, Role

S = RenovationStatus


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.desk_b = factories.staff(Role.receptionist, estates=[w.b])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    start = clock.today()
    w.permitted = factories.renovation(
        w.a,
        w.unit_a,
        owner_id=w.resident_a.id,
        status=S.permitted,
        contractor="好家装饰",
        person_in_charge="赵工",
        person_phone="13900000009",
        permit_number="ZX-2026-0007",
        permit_issued_at=clock.now(),
        permit_valid_until=start + timedelta(days=45),
        agreement_signed_at=clock.now(),
        deposit=Decimal("2000"),
        planned_start=start,
    )
    w.rectify = factories.renovation(
        w.a,
        w.unit_a,
        owner_id=w.resident_a.id,
        status=S.rectification,
        review_notes="[2026-12-01 09:00] 图纸不全\n[2026-12-02 10:00] 请补交水电改造图",
    )
    w.stopped = factories.renovation(w.a, w.unit_a, status=S.stopped, stop_reason="擅自拆除承重墙")
    w.failed = factories.renovation(w.a, w.unit_a, status=S.failed)
    factories.inspection(w.failed, result=InspectionResult.failed, notes="阳台防水未做")
    return w


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-CN", ("装修许可证", "许可证编号", "核准施工范围", "装修管理协议", "管理处（盖章）")),
        ("en", ("Renovation permit", "Permit number", "Approved scope of work", "(seal)")),
    ],
)
def test_the_permit_prints_what_was_permitted(login, world, lang, words):
    page = text(
        login(world.desk, lang=lang).get(f"/admin/renovation/print/permit/?id={world.permitted.id}")
    )
    for word in words:
        assert word in page
    end = clock.today() + timedelta(days=45)
    for value in (
        "ZX-2026-0007",
        "好家装饰",
        "赵工",
        "13900000009",
        "甲住户",
        "厨房改造",
        "2000.00",
    ):
        assert value in page
    assert f"{clock.today():%Y-%m-%d} — {end:%Y-%m-%d}" in page


@pytest.mark.parametrize(
    ("lang", "title", "reason"),
    [
        ("zh-CN", "整改通知单", "装修申请未通过审核"),
        ("en", "Renovation rectification notice", "did not pass the review"),
    ],
)
def test_the_notice_says_what_to_correct(login, world, lang, title, reason):
    c = login(world.desk, lang=lang)
    page = text(c.get(f"/admin/renovation/print/notice/?id={world.rectify.id}"))
    assert title in page and reason in page and "甲住户" in page
    assert "请补交水电改造图" in page and "图纸不全" not in page  # the latest request
    assert "擅自拆除承重墙" in text(c.get(f"/admin/renovation/print/notice/?id={world.stopped.id}"))
    assert "阳台防水未做" in text(c.get(f"/admin/renovation/print/notice/?id={world.failed.id}"))


def test_the_details_page_offers_the_form_that_applies(login, world):
    c = login(world.desk)
    permitted = text(c.get(f"/admin/renovation/details/?id={world.permitted.id}"))
    assert 'id="print-permit"' in permitted and 'id="print-notice"' not in permitted
    rectify = text(c.get(f"/admin/renovation/details/?id={world.rectify.id}"))
    assert 'id="print-notice"' in rectify and 'id="print-permit"' not in rectify


def test_a_form_that_does_not_apply_goes_back_with_a_message(login, world):
    c = login(world.desk)
    response = c.get(f"/admin/renovation/print/permit/?id={world.rectify.id}")
    assert response.status_code == 302
    assert "The permit prints once it has been issued." in text(c.get(response.headers["Location"]))
    response = c.get(f"/admin/renovation/print/notice/?id={world.permitted.id}")
    assert response.status_code == 302


def test_another_estates_renovation_does_not_exist(login, world):
    other = login(world.desk_b)
    for form in ("permit", "notice"):
        assert (
            other.get(f"/admin/renovation/print/{form}/?id={world.permitted.id}").status_code == 404
        )
    # A guard who checks permits at the gate may print one of his estate.
    assert (
        login(world.guard)
        .get(f"/admin/renovation/print/permit/?id={world.permitted.id}")
        .status_code
        == 200
    )
