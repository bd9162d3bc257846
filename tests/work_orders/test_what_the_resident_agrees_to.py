"""What the resident is shown before agreeing: the quote on the accept and decline pages (phone
and admin) and on the technician's card, the signing page filled from the order, and the
revisit's ratings in words."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Trade, WorkOrder, WorkOrderStatus

S = WorkOrderStatus
ZH = "zh-CN,zh;q=0.9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


def quoted_order(factories, world, **fields):
    return factories.work_order(
        world.a,
        technician_id=world.tech.id,
        quote_labour=Decimal("80"),
        quote_materials=Decimal("45.5"),
        **{"status": S.quoted, **fields},
    )


def input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# ---- the quote ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (None, ("Labour quote 80.00", "Materials quote 45.50", "Quoted total 125.50")),
        (ZH, ("人工费报价 80.00", "材料费报价 45.50", "报价合计 125.50")),
    ],
)
@pytest.mark.parametrize("step", ["accept_quote", "decline_quote"])
def test_the_phone_page_shows_the_quote_before_the_resident_decides(
    factories, login, world, lang, words, step
):
    order = quoted_order(factories, world)
    page = login(world.tech, lang=lang).get(f"/tech/act/{step}/{order.id}").get_data(as_text=True)
    shown = text_of(page)
    assert all(w in shown for w in words), shown
    assert 'id="confirm-action"' in page


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (None, "Quote: labour 80.00 + materials 45.50 = 125.50"),
        (ZH, "报价：人工 80.00 + 材料 45.50 = 125.50"),
    ],
)
def test_the_technicians_card_shows_the_quote(factories, login, world, lang, line):
    quoted_order(factories, world)
    factories.work_order(
        world.a, technician_id=world.tech.id, status=S.arrived, description="还没报价"
    )
    page = text_of(login(world.tech, lang=lang).get("/tech/").get_data(as_text=True))
    assert page.count(line) == 1 and "还没报价" in page


@pytest.mark.parametrize(
    ("lang", "total"), [(None, "Quoted total 125.50"), (ZH, "报价合计 125.50")]
)
def test_the_admin_confirmation_shows_the_quote(factories, login, world, lang, total):
    order = quoted_order(factories, world)
    c = login(world.supervisor, lang=lang)
    for step in ("accept_quote", "decline_quote"):
        page = c.get(f"/admin/work_order/act/{step}/?id={order.id}").get_data(as_text=True)
        assert total in text_of(page), step


# ---- the signing page -------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["phone", "admin"])
def test_signing_page_starts_with_the_contact_and_the_quoted_total(factories, login, world, where):
    order = quoted_order(
        factories, world, status=S.done, contact_name="王女士", quote_accepted=True
    )
    if where == "phone":
        page = login(world.tech).get(f"/tech/act/close/{order.id}")
    else:
        page = login(world.reception).get(f"/admin/work_order/act/close/?id={order.id}")
    html = page.get_data(as_text=True)
    assert input_value(html, "signer_name") == "王女士"
    assert input_value(html, "fee") == "125.50"


def test_the_prefilled_name_and_fee_can_be_changed(factories, login, in_app, world):
    order = quoted_order(
        factories, world, status=S.done, contact_name="王女士", quote_accepted=True
    )
    c = login(world.tech)
    assert input_value(c.get(f"/tech/act/close/{order.id}").get_data(as_text=True), "fee")
    response = c.post(
        f"/tech/act/close/{order.id}",
        {"signer_name": "王先生", "fee": "100", "payment": "alipay", "signature": DATA_URL},
    )
    assert response.status_code == 302
    with in_app():
        row = db.session.get(WorkOrder, order.id)
        assert (row.status, row.signer_name, row.fee_collected) == (
            S.closed,
            "王先生",
            Decimal("100.00"),
        )


def test_without_a_contact_the_resident_signs_and_no_quote_means_no_fee(factories, login, world):
    resident = factories.resident(world.unit_a, name="赵业主")
    order = factories.work_order(
        world.a, technician_id=world.tech.id, status=S.done, resident_id=resident.id
    )
    html = login(world.tech).get(f"/tech/act/close/{order.id}").get_data(as_text=True)
    assert input_value(html, "signer_name") == "赵业主"
    assert input_value(html, "fee") in (None, "")


# ---- the revisit's ratings --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            None,
            [
                "1 Very dissatisfied",
                "2 Dissatisfied",
                "3 Neutral",
                "4 Satisfied",
                "5 Very satisfied",
            ],
        ),
        (ZH, ["1 很不满意", "2 不满意", "3 一般", "4 满意", "5 很满意"]),
    ],
)
def test_revisit_ratings_carry_words(factories, login, world, lang, labels):
    order = factories.work_order(world.a, technician_id=world.tech.id, status=S.closed)
    page = (
        login(world.reception, lang=lang)
        .get(f"/admin/work_order/act/revisit/?id={order.id}")
        .get_data(as_text=True)
    )
    timeliness = re.findall(
        r'<input[^>]*name="rating_timeliness"[^>]*>\s*<label[^>]*>([^<]*)</label>', page
    )
    assert [t.strip() for t in timeliness] == labels


@pytest.mark.parametrize(("lang", "word"), [(None, "2 Dissatisfied"), (ZH, "2 不满意")])
def test_recorded_ratings_read_in_words(factories, login, world, lang, word):
    order = factories.work_order(
        world.a,
        technician_id=world.tech.id,
        status=S.revisited,
        rating_timeliness=5,
        rating_quality=2,
        rating_fee=4,
        rating_attitude=4,
    )
    page = (
        login(world.reception, lang=lang)
        .get(f"/admin/work_order/details/?id={order.id}")
        .get_data(as_text=True)
    )
    assert word in text_of(page)
