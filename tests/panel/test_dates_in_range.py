"""Dates people type are held to the years an office's records can name (1900-2100): beyond
them a deadline computed from the date (the next morning, the day after) cannot be written,
and the save failed with an error page."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import PassStatus, Role, Ticket, VehiclePass

from ..conftest import page_messages


@pytest.fixture
def desk(factories, login):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


def new_ticket(w, **changes) -> dict:
    return {
        "estate": str(w.a.id),
        "category": "inquiry",
        "channel": "phone",
        "reporter_name": "李女士",
        "reporter_phone": "13900001111",
        "description": "询问停车月卡",
        **changes,
    }


@pytest.mark.parametrize(("lang", "says"), [("zh-CN", "2100-12-31"), ("en", "Enter a date")])
def test_a_callback_in_year_9999_is_a_field_error_and_no_ticket_is_saved(
    desk, login, in_app, lang, says
):
    # Found by the desk sweep (seed 31): 9999-12-31 20:00 is after office hours, and the next
    # morning does not exist.
    client = login(desk.reception, lang=lang)
    response = client.post(
        "/admin/ticket/new/", new_ticket(desk, callback_due_at="9999-12-31 20:00:00")
    )
    assert response.status_code == 200
    assert any(says in m for m in page_messages(response.get_data(as_text=True)))
    with in_app():
        assert db.session.query(Ticket).count() == 0


def test_a_callback_in_range_is_still_saved(desk, login, in_app):
    response = login(desk.reception).post(
        "/admin/ticket/new/", new_ticket(desk, callback_due_at="2099-12-31 20:00:00")
    )
    assert response.status_code == 302
    with in_app():
        assert db.session.query(Ticket).count() == 1


def test_renewing_a_pass_until_year_9999_is_a_field_error_and_changes_nothing(
    desk, factories, login, in_app
):
    vehicle = factories.vehicle_pass(desk.a, status=PassStatus.approved)
    with in_app():
        before = db.session.get(VehiclePass, vehicle.id).valid_until
    response = login(desk.supervisor, lang="zh-CN").post(
        f"/admin/vehicle_pass/act/renew/?id={vehicle.id}", {"valid_until": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "请输入 1900-01-01 至 2100-12-31 之间的日期。" in response.get_data(as_text=True)
    with in_app():
        assert db.session.get(VehiclePass, vehicle.id).valid_until == before
