"""A resident sees only the household's own records: every /r/ page that takes a record id
answers 404 for another household's (same estate or another), photos included; every form
needs its CSRF token; a resident's session opens no staff page, and a staff login opens no
resident page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image
from werkzeug.routing import IntegerConverter

from admin_app.attachments import operations as attachments
from admin_app.extensions import db
from admin_app.models import Role, Staff, Ticket, WorkOrder, WorkOrderStatus

from .conftest import ResidentClient


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(factories, in_app):
    """Resident A (estate 甲, unit 101) with no records of its own; a neighbour in the same
    estate and a household of estate 乙, each with a ticket, its photo and a quoted order."""
    w = factories.two_estates()
    w.neighbour_unit = factories.unit(w.a, building="2", room="202")
    w.neighbour = factories.resident(w.neighbour_unit, name="邻居", phone="13800000003")
    w.admin = factories.staff(Role.admin, estates=[w.a, w.b], name="管理员")
    with in_app():
        admin = db.session.get(Staff, w.admin.id)
        for estate, unit, resident in (
            (w.a, w.neighbour_unit, w.neighbour),
            (w.b, w.unit_b, w.resident_b),
        ):
            ticket = Ticket(
                estate_id=estate.id,
                unit_id=unit.id,
                resident_id=resident.id,
                category="repair",
                description="别人家的漏水",
                received_at=db.func.now(),
            )
            db.session.add(ticket)
            db.session.flush()
            attachments.add_attachment(ticket, admin, data=png(), filename="x.png")
            db.session.add(
                WorkOrder(
                    estate_id=estate.id,
                    unit_id=unit.id,
                    ticket_id=ticket.id,
                    description="别人家的工单",
                    status=WorkOrderStatus.quoted,
                    quote_labour=Decimal("10"),
                )
            )
        for estate in (w.a, w.b):
            estate_row = db.session.merge(estate)
            estate_row.remote_quote_acceptance = True
        db.session.commit()
    return w


def portal_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/r/")]


def with_ids(rule, record_id: int) -> str | None:
    """The rule's URL with every id argument set to `record_id`; None for a rule that takes
    something else (a signed link's token, checked by its own tests)."""
    values = {}
    for name in rule.arguments:
        if not isinstance(rule._converters[name], IntegerConverter):
            return None
        values[name] = record_id
    return rule.build(values, append_unknown=False)[1] if values else None


def test_no_page_shows_another_household_s_record_by_id(app, world, resident_client):
    client = resident_client(world.resident_a)
    token = client.csrf_token()
    checked = 0
    for rule in portal_rules(app):
        for record_id in range(1, 5):  # every record in the database is someone else's
            url = with_ids(rule, record_id)
            if url is None:
                continue
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, {"csrf_token": token, "accept": "1"})
                assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked >= 16  # request, order, quote (POST), photo: 4 ids each
    with app.app_context():
        assert db.session.query(WorkOrder).filter_by(status=WorkOrderStatus.quoted).count() == 2


def test_the_list_shows_only_the_household_s_records(world, resident_client):
    page = resident_client(world.resident_a).get("/r/requests").get_data(as_text=True)
    assert "别人家" not in page
    neighbour = resident_client(world.neighbour).get("/r/requests").get_data(as_text=True)
    assert neighbour.count("别人家的漏水") == 1


def test_the_neighbour_sees_the_own_photo_and_not_the_other_estate_s(world, resident_client):
    client = resident_client(world.neighbour)
    assert client.get("/r/photos/1").status_code == 200
    assert client.get("/r/photos/2").status_code == 404  # estate 乙's (its photo is id 2)
    assert client.get("/r/photos/2?thumb=1").status_code == 404


def test_every_portal_form_needs_the_csrf_token(app, world, resident_client):
    client = resident_client(world.neighbour)
    posted = 0
    for rule in portal_rules(app):
        if "POST" not in rule.methods:
            continue
        url = with_ids(rule, 1) if rule.arguments else rule.rule
        if url is None:
            continue
        response = client.post(url, {"phone": world.neighbour.phone, "accept": "1"}, csrf=False)
        assert response.status_code == 400, url
        posted += 1
    assert posted >= 6
    with app.app_context():
        assert db.session.query(WorkOrder).filter_by(status=WorkOrderStatus.quoted).count() == 2


def test_pages_that_need_a_resident_send_a_stranger_to_sign_in(app, world):
    stranger = ResidentClient(app)
    for rule in portal_rules(app):
        if "GET" not in rule.methods or rule.rule.startswith("/r/sign-in"):
            continue
        url = with_ids(rule, 1) if rule.arguments else rule.rule
        if url is None:
            continue
        response = stranger.get(url)
        assert response.status_code == 302 and "/r/sign-in" in response.location, url


def test_a_resident_session_opens_no_staff_page(world, resident_client):
    client = resident_client(world.resident_a)
    for url in ("/admin/", "/admin/ticket/", "/tech/", "/admin/estate_settings/"):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/login" in response.location, url
    page = client.get("/r/").get_data(as_text=True)
    assert not re.search(r'(href|action)="/(admin/(?!static/)|login|tech)', page)


def test_a_staff_login_is_no_resident_session(world, login):
    client = login(world.admin)
    response = client.get("/r/")
    assert response.status_code == 302 and "/r/sign-in" in response.location
    assert client.get("/r/requests").status_code == 302
