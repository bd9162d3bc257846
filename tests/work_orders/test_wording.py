"""A work order's words as the office reads them: a quoted order is in a state (已报价), not an
amount; the quote's decision is the resident's (住户) on the button and in the history alike;
the list's cancel is the order's (取消工单), not the menu's; a dispatched order is reassigned
(改派), a new one dispatched (派工)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from admin_app.models import Role, Trade, WorkOrderStatus

S = WorkOrderStatus


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def quoted_order(factories, world):
    return factories.work_order(
        world.a,
        status=S.quoted,
        technician_id=world.tech.id,
        trade=Trade.plumbing,
        quote_labour=Decimal("40.00"),
        quote_materials=Decimal("0.00"),
    )


def test_a_quoted_order_reads_as_quoted_and_the_fee_table_keeps_the_quoted_amount(
    factories, login, world
):
    order = quoted_order(factories, world)
    office = login(world.supervisor, lang="zh-CN")
    details = text_of(office.get(f"/admin/work_order/details/?id={order.id}").get_data(True))
    assert "状态 已报价" in details and "报价金额" not in details
    listed = text_of(office.get("/admin/work_order/").get_data(as_text=True))
    assert "已报价" in listed
    # The fee statistics' column of amounts is still the quoted amount.
    by_item = office.get("/admin/fee_statistics/export/item.csv").get_data(as_text=True)
    assert by_item.lstrip("\ufeff").splitlines()[0].split(",")[-1] == "报价金额"


def test_the_residents_decision_on_the_quote_is_the_residents_on_button_and_history(
    factories, login, world
):
    order = quoted_order(factories, world)
    office = login(world.supervisor, lang="zh-CN")
    page = office.get(f"/admin/work_order/details/?id={order.id}").get_data(as_text=True)
    assert re.search(r'id="action-accept_quote"[^>]*>\s*住户接受报价\s*<', page)
    url = f"/admin/work_order/act/accept_quote/?id={order.id}"
    assert office.post(url, {"ids": str(order.id)}).status_code == 302
    page = office.get(f"/admin/work_order/details/?id={order.id}").get_data(as_text=True)
    history = text_of(page[page.index('id="history"') :])
    assert "住户接受报价 : ∅ → 是" in history
    assert "业主" not in history


def test_the_lists_cancel_names_the_orders_in_both_languages(factories, login, world):
    factories.work_order(world.a)
    for lang, cancel in (("zh-CN", "取消工单"), ("en", "Cancel order")):
        page = login(world.supervisor, lang=lang).get("/admin/work_order/").get_data(True)
        assert re.search(rf'data-action="cancel">{cancel}</a>', page), lang
        assert re.search(rf'id="filter-batch-cancel"[^>]*>{cancel}</a>', page), lang


def test_a_dispatched_order_is_reassigned_and_a_new_one_dispatched(factories, login, world):
    new = factories.work_order(world.a, trade=Trade.plumbing)
    dispatched = factories.work_order(
        world.a, status=S.dispatched, technician_id=world.tech.id, trade=Trade.plumbing
    )

    def button(office, order):
        page = office.get(f"/admin/work_order/details/?id={order.id}").get_data(True)
        return re.search(r'id="action-dispatch"[^>]*>([^<]*)<', page).group(1).strip()

    for lang, dispatch, reassign in (("zh-CN", "派工", "改派"), ("en", "Dispatch", "Reassign")):
        office = login(world.supervisor, lang=lang)
        assert (button(office, new), button(office, dispatched)) == (dispatch, reassign), lang
        form = office.get(f"/admin/work_order/act/dispatch/?id={dispatched.id}").get_data(True)
        assert reassign in text_of(form), lang
