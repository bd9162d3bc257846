"""The household's own choice: the resident turns the repair texts off (or picks their
language) on their pages, the desk sees the choice on the household's page, and the texts
follow it."""

from __future__ import annotations

from datetime import timedelta

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ResidentNotice, Role, Staff, WorkOrder
from admin_app.work_orders import operations as work_orders

from .notices_support import make_home, use_test_provider


def test_the_resident_opts_out_and_the_desk_sees_it(
    app, factories, in_app, monkeypatch, resident_client, login
):
    home = make_home(factories, in_app)
    resident = resident_client(home.resident)  # signed in by a code sent as usual
    texts = use_test_provider(app, monkeypatch)
    desk = login(home.desk)
    unit_page = desk.get(f"/admin/unit/details/?id={home.unit_a.id}").get_data(as_text=True)
    assert "Text messages about repairs: yes, in Chinese." in unit_page
    assert resident.get("/r/texts").status_code == 200
    saved = resident.post("/r/texts", {"sms_opt_out": "y", "language": "en"})
    assert saved.status_code == 302
    unit_page = desk.get(f"/admin/unit/details/?id={home.unit_a.id}").get_data(as_text=True)
    assert "Text messages about repairs: the household asked for none." in unit_page
    with in_app():
        work_orders.dispatch(
            db.session.get(WorkOrder, home.order.id),
            db.session.get(Staff, home.desk.id),
            technician=db.session.get(Staff, home.tech.id),
            appointment_at=clock.now() + timedelta(hours=2),
        )
        db.session.commit()
        assert db.session.query(ResidentNotice).count() == 0
    assert texts.sent == []


def test_a_resident_of_another_household_changes_only_their_own(
    app, factories, in_app, monkeypatch, resident_client, login
):
    home = make_home(factories, in_app)
    resident_client(home.resident_b).post("/r/texts", {"sms_opt_out": "y", "language": "en"})
    supervisor = login(factories.staff(Role.supervisor, estates=[home.a]))
    page = supervisor.get(f"/admin/unit/details/?id={home.unit_a.id}").get_data(as_text=True)
    assert "yes, in Chinese" in page
