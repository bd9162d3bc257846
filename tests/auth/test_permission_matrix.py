"""Every role × every record view × every endpoint, with two estates.

The expected rights are written out here on their own (not read from the code's table), so a
change to a role's rights has to be made in both places on purpose.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.models import (
    BatchRun,
    CashHandIn,
    Estate,
    GateCheck,
    HomeVisitBooking,
    Payment,
    PriceItem,
    ReleasePass,
    Reminder,
    ReminderDelivery,
    Renovation,
    RenovationInspection,
    Resident,
    Role,
    Staff,
    Ticket,
    Unit,
    VehiclePass,
    WorkdayOverride,
    WorkerPass,
    WorkOrder,
    batch_run_estate,
    staff_estate,
)
from admin_app.models.visitors import Parcel, Visitor

# V view (list + details), C create, E edit, D delete, X export
EXPECTED = {
    "estate": {"admin": "VCEDX", "director": "VX", "supervisor": "V", "receptionist": "V"},
    "staff": {"admin": "VCEDX", "director": "V", "supervisor": "V"},
    "unit": {
        "admin": "VCEDX",
        "director": "VCEX",
        "supervisor": "VCEX",
        "receptionist": "VCE",
        "technician": "V",
        "guard": "V",
    },
    "resident": {
        "admin": "VCEDX",
        "director": "VCEDX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
    },
    "ticket": {"admin": "VCEDX", "director": "VCEX", "supervisor": "VCEDX", "receptionist": "VCE"},
    "work_order": {
        "admin": "VCEDX",
        "director": "VCEX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "technician": "V",
    },
    "worker_pass": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "guard": "V",
    },
    "vehicle_pass": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "guard": "V",
    },
    "release_pass": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "guard": "V",
    },
    "renovation": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "guard": "V",
        "technician": "V",
    },
    "renovation_inspection": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "VCE",
        "guard": "VC",
        "technician": "VC",
    },
    "price_item": {
        "admin": "VCEDX",
        "director": "VCEDX",
        "supervisor": "VCEDX",
        "receptionist": "V",
        "technician": "V",
    },
    "gate_check": {"admin": "VX", "director": "VX", "supervisor": "VX", "guard": "V"},
    "reminder": {"admin": "V", "director": "V", "supervisor": "V"},
    "action_batch": {"admin": "VX", "director": "VX", "supervisor": "VX"},
    "reminder_delivery": {"admin": "V", "director": "V", "supervisor": "V"},
    # Made by the verbs only (closing, paying at the desk, handing in): never typed or deleted.
    "payment": {
        "admin": "VX",
        "director": "VX",
        "supervisor": "VX",
        "receptionist": "V",
        "technician": "V",
    },
    "cash_hand_in": {
        "admin": "VX",
        "director": "VX",
        "supervisor": "VX",
        "receptionist": "V",
        "technician": "V",
    },
    # The working-day calendar: supervisors keep it, the desk reads it.
    "workday_override": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEDX",
        "receptionist": "V",
    },
    "home_visit_booking": {
        "admin": "VCEDX",
        "director": "VX",
        "supervisor": "VCEX",
        "receptionist": "VCE",
    },
    # Written on the desk and gate screen (/visitors/), read here; personal data, no export.
    "visitor": {role: "V" for role in ("admin", "director", "supervisor", "receptionist", "guard")},
    "parcel": {role: "V" for role in ("admin", "director", "supervisor", "receptionist", "guard")},
}
ROLES = [r.value for r in Role]
MODELS = {
    "estate": Estate,
    "staff": Staff,
    "unit": Unit,
    "resident": Resident,
    "ticket": Ticket,
    "work_order": WorkOrder,
    "worker_pass": WorkerPass,
    "vehicle_pass": VehiclePass,
    "release_pass": ReleasePass,
    "renovation": Renovation,
    "renovation_inspection": RenovationInspection,
    "gate_check": GateCheck,
    "price_item": PriceItem,
    "reminder": Reminder,
    "action_batch": BatchRun,
    "reminder_delivery": ReminderDelivery,
    "payment": Payment,
    "cash_hand_in": CashHandIn,
    "workday_override": WorkdayOverride,
    "home_visit_booking": HomeVisitBooking,
    "visitor": Visitor,
    "parcel": Parcel,
}
AJAX_REFS = {
    "unit": ["estate"],
    "resident": ["estate", "unit"],
    "ticket": ["estate", "unit", "resident", "assignee"],
    "work_order": ["estate", "ticket", "unit", "resident"],
    "worker_pass": ["estate", "renovation"],
    "vehicle_pass": ["estate", "resident", "unit"],
    "release_pass": ["estate", "unit", "applicant"],
    "renovation": ["estate", "unit", "owner"],
    "renovation_inspection": ["renovation"],
    "price_item": ["estate"],
    "staff": ["estates"],
    "workday_override": ["estate"],
    "home_visit_booking": ["estate", "unit", "resident"],
}
CASES = [(resource, role) for resource in EXPECTED for role in ROLES]


def rights(resource: str, role: str) -> str:
    return EXPECTED[resource].get(role, "")


def visible_count(resource: str, estate_id: int) -> int:
    model = MODELS[resource]
    if resource == "estate":
        return 1
    if resource == "staff":
        query = (
            select(func.count())
            .select_from(staff_estate)
            .where(staff_estate.c.estate_id == estate_id)
        )
    elif resource == "action_batch":
        link = batch_run_estate
        query = select(func.count()).select_from(link).where(link.c.estate_id == estate_id)
    else:
        query = select(func.count()).select_from(model).where(model.estate_id == estate_id)
    return db.session.execute(query).scalar_one()


def setup_case(factories, resource, role):
    world = factories.two_estates()
    user = factories.staff(role, estates=[world.a])
    # A technician sees only his own orders, the money he took and his own hand-in sheets.
    own = {
        "work_order": "technician_id",
        "payment": "collected_by_id",
        "cash_hand_in": "collector_id",
    }
    if role == "technician" and resource in own:
        make = getattr(factories, resource)
        rec_a = make(world.a, **{own[resource]: user.id})
        rec_b = make(world.b)
    else:
        rec_a = factories.record(resource, world.a)
        rec_b = factories.record(resource, world.b)
    return world, user, rec_a, rec_b


@pytest.mark.parametrize(("resource", "role"), CASES)
def test_list_details_create_edit(factories, login, in_app, resource, role):
    world, user, rec_a, rec_b = setup_case(factories, resource, role)
    allowed = rights(resource, role)
    c = login(user)
    base = f"/admin/{resource}"

    listing = c.get(f"{base}/")
    assert listing.status_code == (200 if "V" in allowed else 403)
    if "V" in allowed:
        html = listing.get_data(as_text=True)
        assert f"details/?id={rec_a.id}&" in html
        assert f"details/?id={rec_b.id}&" not in html

    assert c.get(f"{base}/details/?id={rec_a.id}").status_code == (200 if "V" in allowed else 403)
    assert c.get(f"{base}/details/?id={rec_b.id}").status_code == (404 if "V" in allowed else 403)
    assert c.get(f"{base}/new/").status_code == (200 if "C" in allowed else 403)
    assert c.get(f"{base}/edit/?id={rec_a.id}").status_code == (200 if "E" in allowed else 403)
    assert c.get(f"{base}/edit/?id={rec_b.id}").status_code == (404 if "E" in allowed else 403)


@pytest.mark.parametrize(("resource", "role"), CASES)
def test_export_only_own_estate(factories, login, in_app, resource, role):
    world, user, rec_a, rec_b = setup_case(factories, resource, role)
    c = login(user)
    response = c.get(f"/admin/{resource}/export/csv/")
    if "X" not in rights(resource, role):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    with in_app():
        assert len(rows) - 1 == visible_count(resource, world.a.id)


@pytest.mark.parametrize(("resource", "role"), CASES)
def test_delete(factories, login, in_app, resource, role):
    world, user, rec_a, rec_b = setup_case(factories, resource, role)
    c = login(user)
    model = MODELS[resource]
    other = c.post(f"/admin/{resource}/delete/", {"id": rec_b.id, "url": f"/admin/{resource}/"})
    assert other.status_code == (404 if "D" in rights(resource, role) else 403)
    with in_app():
        assert db.session.get(model, rec_b.id) is not None
    if resource == "estate":
        return  # deleting one's own estate is covered by the referenced-record test
    own = c.post(f"/admin/{resource}/delete/", {"id": rec_a.id, "url": f"/admin/{resource}/"})
    with in_app():
        if "D" in rights(resource, role):
            assert own.status_code == 302
            assert db.session.get(model, rec_a.id) is None
        else:
            assert own.status_code == 403
            assert db.session.get(model, rec_a.id) is not None


@pytest.mark.parametrize(("resource", "role"), [c for c in CASES if c[0] in AJAX_REFS])
def test_ajax_lookup_only_own_estate(factories, login, in_app, resource, role):
    world, user, rec_a, rec_b = setup_case(factories, resource, role)
    c = login(user)
    may_lookup = bool(set(rights(resource, role)) & {"C", "E"})
    for name in AJAX_REFS[resource]:
        response = c.get(f"/admin/{resource}/ajax/lookup/?name={name}&query=&limit=100")
        if not may_lookup:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        ids = {row[0] for row in json.loads(response.data)}
        target = MODELS[resource].__mapper__.relationships[name].mapper.class_
        with in_app():
            for pk in ids:
                row = db.session.get(target, pk)
                estate_ids = (
                    {e.id for e in row.estates}
                    if target is Staff
                    else {row.id if target is Estate else row.estate_id}
                )
                assert world.a.id in estate_ids, f"{name} lookup leaked {target.__name__}#{pk}"


@pytest.mark.parametrize("role", ["admin", "director"])
def test_company_wide_staff_see_every_estate(factories, login, role):
    world = factories.two_estates()
    user = factories.staff(role, estates=[], all_estates=True)
    rec_a, rec_b = factories.ticket(world.a), factories.ticket(world.b)
    html = login(user).get("/admin/ticket/").get_data(as_text=True)
    assert f"details/?id={rec_a.id}&" in html and f"details/?id={rec_b.id}&" in html


def test_anonymous_is_sent_to_login(client):
    for resource in EXPECTED:
        response = client.get(f"/admin/{resource}/")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert "/login" in client.get("/admin/").headers["Location"]
