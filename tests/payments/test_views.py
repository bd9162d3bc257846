"""The money screens as each role uses them: the technician closes and is paid by WeChat on his
phone, prints the receipt and hands in; the desk takes an owed fee and issues an invoice;
finance confirms; the daily table and the fee statistics, with their exports. A technician
sees only his own money; another estate's is never there."""

from __future__ import annotations

import base64
import csv
import io
import re
from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import CashHandIn, HandInStatus, Payment, PaymentState, WorkOrder

from ..conftest import page_messages, statements_run
from .support import PNG, close, collect, done_order, office

DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def w(factories):
    return office(factories)


def sign(phone, order_id, **fields):
    data = {"signer_name": "王女士", "fee": "85.50", "signature": DATA_URL, **fields}
    return phone.post(f"/tech/act/close/{order_id}", data)


def test_the_technician_closes_paid_by_wechat_and_gets_the_receipt(factories, login, in_app, w):
    order = done_order(factories, w.a, w.tech, contact_name="王女士")
    phone = login(w.tech)
    form = phone.get(f"/tech/act/close/{order.id}").get_data(as_text=True)
    assert all(f'value="{v}"' in form for v in ("cash", "wechat", "alipay", "card", "office"))
    refused = sign(phone, order.id)
    assert refused.status_code == 200
    assert any("Choose how the fee is paid" in m for m in page_messages(refused.text))

    response = sign(phone, order.id, payment="wechat")
    assert response.status_code == 302
    cards = phone.get("/tech/").get_data(as_text=True)
    link = re.search(r'href="(/admin/payment/receipt/\?id=\d+)" id="receipt-link">([^<]+)<', cards)
    assert link and link.group(2).startswith(f"{w.a.code}-SK")
    receipt = phone.get(link.group(1) + "&size=80mm").get_data(as_text=True)
    assert link.group(2) in receipt and "85.50" in receipt
    assert "WeChat Pay" in receipt and "size: 80mm" in receipt
    chinese = phone.get(link.group(1), headers={"Accept-Language": "zh-CN"}).text
    assert "收费凭证" in chinese and "捌拾伍元伍角整" in chinese and "微信支付" in chinese
    a5 = phone.get(link.group(1)).get_data(as_text=True)
    assert "size: 148mm 210mm" in a5 and 'id="print-button"' in a5
    with in_app():
        assert db.session.get(WorkOrder, order.id).payment_state is PaymentState.paid
    # The work order says so too, on its page and on paper.
    desk = login(w.reception)
    printout = desk.get(f"/admin/work_order/print/?id={order.id}").get_data(as_text=True)
    assert f"85.50 · Paid · {link.group(2)}" in printout
    details = desk.get(f"/admin/work_order/details/?id={order.id}").get_data(as_text=True)
    assert f">{link.group(2)}</a>" in details and "/admin/payment/details/?id=" in details
    owed = done_order(factories, w.a, w.tech)
    with in_app():
        close(owed.id, w.tech.id, "40", at_office=True)
        db.session.commit()
    listing = desk.get("/admin/work_order/?flt0_payment_state_equals=paid").get_data(as_text=True)
    assert f"details/?id={order.id}&" in listing and f"details/?id={owed.id}&" not in listing


def test_the_technician_hands_in_from_his_phone_and_sees_only_his_own(factories, login, in_app, w):
    mine = [
        collect(factories, in_app, w.a, w.tech, "50", "cash"),
        collect(factories, in_app, w.a, w.tech, "30.50", "wechat"),
    ]
    theirs = collect(factories, in_app, w.a, w.tech2, "70", "cash")
    other_estate = collect(factories, in_app, w.b, w.tech_b, "90", "cash")
    phone = login(w.tech)
    page = phone.get("/tech/cash/").get_data(as_text=True)
    assert 'id="held-total">80.50<' in page
    with in_app():
        numbers = {i: db.session.get(Payment, i).number for i in [*mine, theirs, other_estate]}
    assert all(numbers[i] in page for i in mine)
    assert numbers[theirs] not in page and numbers[other_estate] not in page

    listing = phone.get("/admin/payment/").get_data(as_text=True)
    assert all(f"details/?id={i}&" in listing for i in mine)
    assert f"details/?id={theirs}&" not in listing
    assert phone.get(f"/admin/payment/details/?id={theirs}").status_code == 404
    assert phone.get(f"/admin/payment/receipt/?id={other_estate}").status_code == 404

    # The resident asks the technician for an invoice: he records the request for the desk.
    ask = f"/admin/payment/act/request_invoice/?id={mine[0]}"
    assert ask.replace("&", "&amp;") in page or ask in page
    assert phone.post(ask, {"title": "王女士"}).status_code == 302
    with in_app():
        assert db.session.get(Payment, mine[0]).invoice_title == "王女士"
    form = {"estate": w.a.id, "payment": [str(i) for i in mine]}
    assert phone.post("/tech/cash/", form).status_code == 302
    with in_app():
        sheet = db.session.query(CashHandIn).one()
        assert (sheet.collector_id, sheet.total) == (w.tech.id, Decimal("80.50"))
        assert db.session.get(Payment, theirs).hand_in_id is None
    after = phone.get("/tech/cash/").get_data(as_text=True)
    assert 'id="nothing-held"' in after and sheet.number in after
    # Not another technician's money, nor another estate's, even named by hand.
    phone.post("/tech/cash/", {"estate": w.a.id, "payment": [str(theirs)]})
    assert phone.post("/tech/cash/", {"estate": w.b.id}).status_code == 404
    with in_app():
        assert db.session.query(CashHandIn).count() == 1
    assert phone.get("/admin/cash_daily/").status_code == 403
    assert phone.get("/admin/fee_statistics/").status_code == 403


def test_the_desk_takes_an_owed_fee_and_issues_the_invoice(factories, login, in_app, w):
    order = done_order(factories, w.a, w.tech)
    with in_app():
        payment_id = close(order.id, w.tech.id, "120", at_office=True).id
        db.session.commit()
    desk = login(w.reception)
    queue = desk.get("/admin/payment/?flt0_queue=unpaid_fees").get_data(as_text=True)
    assert f"details/?id={payment_id}&" in queue
    home = desk.get("/admin/").get_data(as_text=True)
    assert "Fees to pay at the office" in home

    act = f"/admin/payment/act/pay_at_desk/?id={payment_id}"
    assert desk.post(act, {"method": "cash"}).status_code == 302
    details = desk.get(f"/admin/payment/details/?id={payment_id}").get_data(as_text=True)
    assert "Print receipt (A5)" in details and "Print receipt (80 mm slip)" in details
    queue = desk.get("/admin/payment/?flt0_queue=unpaid_fees").get_data(as_text=True)
    assert f"details/?id={payment_id}&" not in queue

    ask = f"/admin/payment/act/request_invoice/?id={payment_id}"
    desk.post(ask, {"title": "深圳某某科技有限公司", "tax_number": "91440300MA5ABCDE1X"})
    issue = f"/admin/payment/act/issue_invoice/?id={payment_id}"
    assert desk.post(issue, {"invoice_number": "04400123"}).status_code == 302
    with in_app():
        payment = db.session.get(Payment, payment_id)
        assert payment.state is PaymentState.paid and payment.collected_by_id == w.reception.id
        assert payment.invoice_tax_number == "91440300MA5ABCDE1X"
        assert (payment.invoice_number, payment.invoice_issued_by_id) == (
            "04400123",
            w.reception.id,
        )
    # Another estate's desk does not see it at all.
    other = login(w.reception_b)
    assert other.get(f"/admin/payment/details/?id={payment_id}").status_code == 404
    assert other.post(act, {"method": "cash"}).status_code == 404


def test_the_desk_writes_a_sheet_and_finance_confirms_with_a_difference(
    factories, login, in_app, w
):
    collect(factories, in_app, w.a, w.tech2, "70", "cash")
    collect(factories, in_app, w.b, w.tech_b, "90", "cash")
    desk = login(w.reception)
    page = desk.get("/admin/cash_hand_in/hand_in/").get_data(as_text=True)
    assert "李师傅" in page and "赵师傅" not in page
    sheet_page = desk.get(f"/admin/cash_hand_in/hand_in/?collector={w.tech2.id}&estate={w.a.id}")
    assert 'id="held-total">70.00<' in sheet_page.get_data(as_text=True)
    assert desk.get(f"/admin/cash_hand_in/hand_in/?collector={w.tech_b.id}&estate={w.b.id}")
    with in_app():
        ids = [str(p.id) for p in db.session.query(Payment).filter_by(estate_id=w.a.id)]
    response = desk.post(
        "/admin/cash_hand_in/hand_in/",
        {"collector": w.tech2.id, "estate": w.a.id, "payment": ids},
    )
    assert response.status_code == 302
    with in_app():
        sheet_id = db.session.query(CashHandIn.id).scalar()
    assert desk.get(f"/admin/cash_hand_in/act/confirm/?id={sheet_id}").status_code == 403

    finance = login(w.supervisor)
    confirm = f"/admin/cash_hand_in/act/confirm/?id={sheet_id}"
    refused = finance.post(confirm, {"amount": "65"})
    assert "The amount differs from the sheet: say why." in refused.get_data(as_text=True)
    assert finance.post(confirm, {"amount": "65", "note": "少 5 元"}).status_code == 302
    details = finance.get(f"/admin/cash_hand_in/details/?id={sheet_id}").get_data(as_text=True)
    assert "Cash: 70.00" in details and "-5.00" in details
    with in_app():
        sheet = db.session.get(CashHandIn, sheet_id)
        assert sheet.status is HandInStatus.confirmed
        assert (sheet.total, sheet.confirmed_amount, sheet.difference) == (70, 65, -5)

    table = finance.get("/admin/cash_daily/").get_data(as_text=True)
    total_row = re.search(r'id="cash-daily-total">(.*?)</tr>', table, re.S).group(1)
    cells = re.findall(r">(-?[\d.]+)<", total_row)
    assert cells == ["0.00", "70.00", "70.00", "65.00", "-5.00", "0.00"]
    exported = finance.get(f"/admin/cash_daily/export.csv?estate={w.a.id}")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ["李师傅", "0.00", "70.00", "70.00", "65.00", "-5.00", "0.00"]
    assert finance.get(f"/admin/cash_daily/?estate={w.b.id}").status_code == 404


def test_fee_statistics_show_and_export_only_the_users_estates(factories, login, in_app, w):
    collect(factories, in_app, w.a, w.tech, "85.50", "wechat")
    collect(factories, in_app, w.b, w.tech_b, "500", "cash")
    supervisor = login(w.supervisor)
    page = supervisor.get("/admin/fee_statistics/").get_data(as_text=True)
    assert "张师傅" in page and "85.50" in page and "500.00" not in page
    exported = supervisor.get("/admin/fee_statistics/export/technician.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Month", "Technician", "Orders", "Charged", "Paid", "Unpaid"]
    assert [r[1:] for r in rows[1:]] == [["张师傅", "1", "85.50", "85.50", "0.00"]]
    by_item = supervisor.get("/admin/fee_statistics/export/item.csv").get_data(as_text=True)
    assert by_item.lstrip("\ufeff").splitlines()[0] == "Month,Item,Orders,Quantity,Quoted amount"
    assert "Quoted amounts by price-list item" in page
    xlsx = supervisor.get("/admin/fee_statistics/export/held.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert login(w.reception).get("/admin/fee_statistics/").status_code == 403
    assert supervisor.get(f"/admin/fee_statistics/?estate={w.b.id}").status_code == 404


def test_each_role_finds_the_money_screens_it_may_use_in_the_menu(factories, login, w):
    menus = {
        who: login(person).get("/admin/").get_data(as_text=True)
        for who, person in (
            ("desk", w.reception),
            ("finance", w.supervisor),
            ("technician", w.tech),
        )
    }
    assert "/admin/cash_hand_in/hand_in/" in menus["desk"]
    assert "/admin/cash_daily/" in menus["desk"] and "/admin/fee_statistics/" not in menus["desk"]
    assert all(
        f"/admin/{page}/" in menus["finance"]
        for page in ("payment", "cash_hand_in", "cash_daily", "fee_statistics")
    )
    assert "/admin/cash_hand_in/hand_in/" not in menus["technician"]
    assert "/admin/cash_daily/" not in menus["technician"]


def test_a_sheets_page_costs_the_same_for_one_payment_or_many(app, factories, login, in_app, w):
    """The sheet's payments and their work orders are read with the sheet."""
    desk, finance = login(w.reception), login(w.supervisor)

    def sheet_page(payments: int) -> tuple[str, int]:
        for n in range(payments):
            collect(factories, in_app, w.a, w.tech2, str(10 + n), "cash")
        with in_app():
            ids = [
                str(p.id)
                for p in db.session.query(Payment).filter_by(estate_id=w.a.id, hand_in_id=None)
            ]
        form = {"collector": w.tech2.id, "estate": w.a.id, "payment": ids}
        assert desk.post("/admin/cash_hand_in/hand_in/", form).status_code == 302
        with in_app():
            sheet_id = db.session.query(CashHandIn.id).order_by(CashHandIn.id.desc()).first()[0]
        with statements_run(app) as run:
            page = finance.get(f"/admin/cash_hand_in/details/?id={sheet_id}").get_data(as_text=True)
        return page, len(run)

    _, one = sheet_page(1)
    page, many = sheet_page(12)
    assert page.split('id="sheet-payments"')[1].split("</table>")[0].count("<tr>") == 1 + 12
    assert many == one
