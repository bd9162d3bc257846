"""The resident's opinions and suggestions, asked as he signs (第二十二条): written on the
signing page, kept on the order, shown to the desk that calls back and printed on the slip."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Trade, WorkOrder, WorkOrderStatus

S = WorkOrderStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.order = factories.work_order(w.a, status=S.done, technician_id=w.tech.id)
    return w


def sign(client, order, **extra):
    form = {"signer_name": "王女士", "fee": "0", "payment": "", "signature": DATA_URL, **extra}
    return client.post(f"/tech/act/close/{order.id}", form, follow_redirects=True)


def test_the_signing_page_asks_for_them_before_the_signature(login, world):
    page = login(world.tech).get(f"/tech/act/close/{world.order.id}").get_data(as_text=True)
    assert '<label class="col-form-label" for="opinion">Opinions and suggestions</label>' in page
    assert page.index('id="opinion"') < page.index("signature-pad")
    chinese = login(world.tech, lang="zh-CN").get(f"/tech/act/close/{world.order.id}")
    assert "意见和建议" in chinese.get_data(as_text=True)


def test_what_he_said_reaches_the_revisit_the_details_and_the_slip(login, world, in_app):
    said = "师傅很细心，<b>希望</b>下次提前电话"
    assert sign(login(world.tech), world.order, opinion=f"  {said} ").status_code == 200
    with in_app():
        order = db.session.get(WorkOrder, world.order.id)
        assert order.status is S.closed and order.signing_opinion == said
    escaped = "师傅很细心，&lt;b&gt;希望&lt;/b&gt;下次提前电话"
    desk = login(world.desk)
    revisit = desk.get(f"/admin/work_order/act/revisit/?id={world.order.id}").get_data(as_text=True)
    assert 'id="summary-signing_opinion"' in revisit and escaped in revisit
    details = desk.get(f"/admin/work_order/details/?id={world.order.id}").get_data(as_text=True)
    assert "Opinions and suggestions at signing" in details and escaped in details
    slip = desk.get(f"/admin/work_order/print/?id={world.order.id}").get_data(as_text=True)
    assert escaped in slip and "<b>希望" not in slip


def test_nothing_said_leaves_the_slip_a_line_to_write_on(login, world, in_app):
    sign(login(world.tech), world.order, opinion="   ")
    with in_app():
        assert db.session.get(WorkOrder, world.order.id).signing_opinion is None
    desk = login(world.desk)
    revisit = desk.get(f"/admin/work_order/act/revisit/?id={world.order.id}").get_data(as_text=True)
    assert "summary-signing_opinion" not in revisit
    slip = desk.get(f"/admin/work_order/print/?id={world.order.id}").get_data(as_text=True)
    assert 'class="signing-opinion"' in slip


def test_too_long_is_refused_on_the_form_and_the_order_stays_open(login, world, in_app):
    page = sign(login(world.tech), world.order, opinion="好" * 1001).get_data(as_text=True)
    assert "longer than 1000 characters" in page and "好" * 1001 in page
    with in_app():
        order = db.session.get(WorkOrder, world.order.id)
        assert order.status is S.done and order.signing_opinion is None


def test_the_verb_refuses_too_long_whoever_calls_it(world, in_app):
    from admin_app.services.errors import ServiceError
    from admin_app.work_orders import operations

    with in_app():
        order = db.session.get(WorkOrder, world.order.id)
        tech = db.session.merge(world.tech)
        with pytest.raises(ServiceError, match="1000 characters"):
            operations.close_with_signature(
                order,
                tech,
                signer_name="王",
                signature_png=PNG,
                fee=Decimal("0"),
                opinion="好" * 1001,
            )
        db.session.rollback()
        assert db.session.get(WorkOrder, world.order.id).status is S.done
