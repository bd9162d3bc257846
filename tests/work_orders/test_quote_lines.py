"""At the door: the damage found on arrival, the quote picked from the price list on the
technician's phone, the itemised quote the resident accepts, and the printed order's lines."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PriceItem, PriceUnit, Role, Trade, WorkOrder, WorkOrderStatus

S = WorkOrderStatus


@pytest.fixture
def world(factories, app):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    with app.app_context():
        since = clock.today() - timedelta(days=30)
        rows = [
            PriceItem(
                estate_id=w.a.id,
                kind=kind,
                name=name,
                unit=unit,
                valid_from=since,
                labour_price=Decimal(labour),
                materials_price=Decimal(materials),
            )
            for kind, name, unit, labour, materials in (
                (Trade.locks, "开锁", PriceUnit.time, "60.00", "0.00"),
                (Trade.plumbing, "更换水龙头", PriceUnit.piece, "30.00", "45.00"),
                (Trade.plumbing, "更换给水管", PriceUnit.metre, "20.00", "15.00"),
            )
        ]
        db.session.add_all(rows)
        db.session.commit()
        w.lock, w.tap, w.pipe = (r.id for r in rows)
    w.order = factories.work_order(
        w.a, technician_id=w.tech.id, status=S.arrived, trade=Trade.plumbing
    )
    return w


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def table_after(page: str, mark: str) -> str:
    """The table that follows `mark` (a history), without the page's scripts around it."""
    start = page.index(mark)
    return page[start : page.index("</table>", start)]


def test_the_quote_page_offers_the_orders_trade_first_with_its_prices(login, world):
    page = login(world.tech).get(f"/tech/act/quote/{world.order.id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(world.tap), str(world.pipe), str(world.lock)]
    assert 'data-labour="30.00"' in page and 'value="typed"' in page
    assert 'id="add-line"' in page


@pytest.mark.parametrize(
    ("lang", "locks", "job"), [("zh-CN", "门锁", "60.00 / 次"), ("en", "Locks", "60.00 / job")]
)
def test_other_trades_items_are_grouped_under_their_own_trade(login, world, lang, locks, job):
    """Not one "other items" heap: a cleaning price under 保洁, a lock under its trade."""
    page = login(world.tech, lang=lang).get(f"/tech/act/quote/{world.order.id}")
    text = page.get_data(as_text=True)
    group = re.search(rf'<optgroup label="([^"]+)">\s*<option value="{world.lock}"', text)
    assert group and group.group(1) == locks, re.findall(r'<optgroup label="([^"]+)"', text)
    assert job in text


def test_a_quote_from_the_list_then_the_resident_accepts_the_itemised_total(login, world, app):
    phone = login(world.tech)
    url = f"/tech/act/quote/{world.order.id}"
    # a second row without the page's script: the page comes back with a row more, unsaved
    again = phone.post(url, {"lines-0-item": str(world.tap), "add_line": "1"})
    assert again.status_code == 200 and 'name="lines-1-item"' in again.get_data(as_text=True)
    sent = phone.post(
        url,
        {
            "lines-0-item": str(world.tap),
            "lines-0-quantity": "2",
            "lines-1-item": str(world.pipe),
            "lines-1-quantity": "1.5",
            "lines-1-labour": "18",
        },
    )
    assert sent.status_code == 302
    accept = phone.get(f"/tech/act/accept_quote/{world.order.id}").get_data(as_text=True)
    shown = text_of(accept)
    assert "更换水龙头 2 piece 60.00 90.00 150.00" in shown
    assert "更换给水管 1.5 metre 27.00 22.50 49.50" in shown
    assert "Quoted total 199.50" in shown
    assert phone.post(f"/tech/act/accept_quote/{world.order.id}").status_code == 302
    with app.app_context():
        order = db.session.get(WorkOrder, world.order.id)
        assert order.status is S.in_progress and order.quote_accepted
        assert order.quote_total == Decimal("199.50")
        assert (order.quote_labour, order.quote_materials) == (Decimal("87.00"), Decimal("112.50"))


def test_a_typed_line_without_a_reason_is_sent_back_with_the_reason_asked(login, world, app):
    phone = login(world.tech)
    page = phone.post(
        f"/tech/act/quote/{world.order.id}",
        {"lines-0-item": "typed", "lines-0-description": "更换角阀", "lines-0-labour": "40"},
    ).get_data(as_text=True)
    assert "Line 1: say why 更换角阀 is not from the price list." in text_of(page)
    assert 'value="更换角阀"' in page  # what was typed is still there
    with app.app_context():
        assert db.session.get(WorkOrder, world.order.id).status is S.arrived


def test_another_estates_item_is_refused_on_the_page(login, world, factories, app):
    with app.app_context():
        theirs = PriceItem(
            estate_id=world.b.id,
            kind=Trade.plumbing,
            name="乙龙头",
            unit=PriceUnit.piece,
            labour_price=Decimal("1.00"),
            valid_from=clock.today() - timedelta(days=1),
        )
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    page = login(world.tech).post(
        f"/tech/act/quote/{world.order.id}", {"lines-0-item": str(theirs_id)}
    )
    assert "not on this estate&#39;s price list" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(WorkOrder, world.order.id).quote_lines == []


def test_damage_found_on_arrival_is_shown_on_the_quote_and_the_print(login, world, factories):
    phone = login(world.tech)
    cards = phone.get("/tech/").get_data(as_text=True)
    assert f'id="action-record_damage-{world.order.id}"' in cards
    damage = "浴室柜门已有裂痕"
    assert (
        phone.post(f"/tech/act/record_damage/{world.order.id}", {"damage": damage}).status_code
        == 302
    )
    again = phone.get(f"/tech/act/record_damage/{world.order.id}").get_data(as_text=True)
    assert f"{damage}</textarea>" in again  # to correct or complete, not to type again
    phone.post(f"/tech/act/quote/{world.order.id}", {"lines-0-item": str(world.tap)})
    accept = phone.get(f"/tech/act/accept_quote/{world.order.id}").get_data(as_text=True)
    assert "Damage found on arrival" in accept and damage in accept
    supervisor = login(factories.staff(Role.supervisor, estates=[world.a]))
    printed = text_of(
        supervisor.get(f"/admin/work_order/print/?id={world.order.id}").get_data(as_text=True)
    )
    assert damage in printed
    assert "更换水龙头 1 piece 30.00 45.00 75.00" in printed and "Quoted total 75.00" in printed


def test_the_office_records_a_quote_from_the_list_on_the_admin_page(login, world, factories, app):
    supervisor = login(factories.staff(Role.supervisor, estates=[world.a]))
    url = f"/admin/work_order/act/quote/?id={world.order.id}"
    page = supervisor.get(url).get_data(as_text=True)
    assert 'name="lines-0-item"' in page and f'<option value="{world.tap}"' in page
    sent = supervisor.post(
        url, {"ids": str(world.order.id), "lines-0-item": str(world.pipe), "lines-0-quantity": "3"}
    )
    assert sent.status_code == 302
    details = supervisor.get(f"/admin/work_order/details/?id={world.order.id}")
    assert "更换给水管 × 3 metre = 105.00" in text_of(details.get_data(as_text=True))


def test_a_price_that_is_not_a_number_is_explained_in_chinese_and_nothing_is_saved(
    login, world, app
):
    """The line's own fields (a subform) speak the page's language too: WTForms' message for a
    bad number comes in Chinese, and the order stays unquoted."""
    phone = login(world.tech, lang="zh")
    page = phone.post(
        f"/tech/act/quote/{world.order.id}",
        {"lines-0-item": str(world.tap), "lines-0-quantity": "1", "lines-0-labour": ":"},
    ).get_data(as_text=True)
    assert "Not a valid decimal value" not in page
    assert "不是有效的小数。" in page
    with app.app_context():
        assert db.session.get(WorkOrder, world.order.id).status is S.arrived


def test_a_quote_reads_in_the_history_as_its_lines_with_their_fields_named(login, world, factories):
    """The order's history names the lines (item and quantity), and the lines' own history
    (the supervisor's history list) labels every field in the reader's language, names the
    item, the estate and the order, and calls the line's unit a unit of charge (计价单位, not
    the apartment, 房屋): no code, no Python repr."""
    sent = login(world.tech).post(
        f"/tech/act/quote/{world.order.id}",
        {"lines-0-item": str(world.pipe), "lines-0-quantity": "2"},
    )
    assert sent.status_code == 302
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    order_number = world.order.number
    for lang, said in (
        (
            "zh",
            (
                "报价明细 : ∅ → 更换给水管 × 2",
                "项目 : ∅ → 更换给水管",
                "小区 : ∅ → 甲小区",
                "计价单位 : ∅ → 米",
                "数量 : ∅ → 2.00",
                "人工单价 : ∅ → 20.00",
                "材料单价 : ∅ → 15.00",
                "序号 : ∅ → 1",
                f"维修派工单 : ∅ → {order_number}",
            ),
        ),
        (
            "en",
            (
                "Quote lines : ∅ → 更换给水管 × 2",
                "Item : ∅ → 更换给水管",
                "Estate : ∅ → 甲小区",
                "Unit of charge : ∅ → metre",
                "Labour per unit : ∅ → 20.00",
                "Line number : ∅ → 1",
                f"Work order : ∅ → {order_number}",
            ),
        ),
    ):
        office = login(supervisor, lang=lang)
        order_page = office.get(f"/admin/work_order/details/?id={world.order.id}")
        history = office.get("/admin/audit_record/")
        shown = text_of(
            table_after(order_page.get_data(as_text=True), 'id="history"')
            + table_after(history.get_data(as_text=True), "model-list")
        )
        for text in said:
            assert text in shown, (lang, text)
        for raw in ("QuoteLine", "position", "price_item", "unit_labour", "work_order_id"):
            assert raw not in shown, (lang, raw)
        assert "房屋 : ∅ → 米" not in shown and "Unit : ∅ → metre" not in shown
