"""Passes and renovations in the panel: each role's buttons and refusals, CSRF, photos, the
printable card, locked fields, and the unit's renovation state."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Estate,
    InspectionResult,
    PassStatus,
    ReleasePass,
    Renovation,
    RenovationInspection,
    RenovationStatus,
    Role,
    VehiclePass,
    WorkerPass,
)
from admin_app.passes import gate
from admin_app.passes.views import qr_svg

P = PassStatus
R = RenovationStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FULL_ID = "11010519491231002X"


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.renovation = factories.renovation(
        w.a,
        w.unit_a,
        status=R.in_progress,
        permit_valid_until=clock.today() + timedelta(days=40),
    )
    return w


def day(offset: int = 0) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def status_of(in_app, model, record_id):
    with in_app():
        return db.session.get(model, record_id).status


# ---- approval through the action pages -------------------------------------------------------
def test_supervisor_approves_with_the_proposed_window(factories, login, in_app, world):
    record = factories.worker_pass(world.a, world.renovation, worker_name="李工")
    c = login(world.supervisor)
    url = f"/admin/worker_pass/act/approve/?id={record.id}"
    form = c.get(url).get_data(as_text=True)
    assert f'value="{day(40)}"' in form  # the permit's end, proposed
    assert (
        c.post(url, {"ids": record.id, "valid_from": day(), "valid_until": day(41)}).status_code
        == 200
    )
    assert status_of(in_app, WorkerPass, record.id) is P.applied  # refused: beyond the permit
    response = c.post(url, {"ids": record.id, "valid_from": day(), "valid_until": day(30)})
    assert response.status_code == 302
    with in_app():
        row = db.session.get(WorkerPass, record.id)
        assert (row.status, row.valid_until.isoformat()) == (P.approved, day(30))
    details = c.get(f"/admin/worker_pass/details/?id={record.id}").get_data(as_text=True)
    assert "Approved" in details and "card/?id=" in details


def test_refusal_beyond_the_permit_is_explained(factories, login, world):
    record = factories.worker_pass(world.a, world.renovation)
    html = (
        login(world.supervisor)
        .post(
            f"/admin/worker_pass/act/approve/?id={record.id}",
            {"ids": record.id, "valid_from": day(), "valid_until": day(41)},
            follow_redirects=True,
        )
        .get_data(as_text=True)
    )
    assert "cannot outlast the renovation permit" in html


@pytest.mark.parametrize("role", [Role.receptionist, Role.guard, Role.director])
def test_only_supervisors_approve(factories, login, in_app, world, role):
    record = factories.vehicle_pass(world.a)
    c = login(factories.staff(role, estates=[world.a]))
    assert c.get(f"/admin/vehicle_pass/act/approve/?id={record.id}").status_code == 403
    assert c.post("/admin/vehicle_pass/act/approve/", {"ids": record.id}).status_code == 403
    assert status_of(in_app, VehiclePass, record.id) is P.applied


def test_approval_needs_the_csrf_token(factories, login, in_app, world):
    record = factories.vehicle_pass(world.a)
    c = login(world.supervisor)
    response = c.post("/admin/vehicle_pass/act/approve/", {"ids": record.id}, csrf=False)
    assert response.status_code == 400
    assert status_of(in_app, VehiclePass, record.id) is P.applied


def test_approving_ticked_rows_skips_those_that_cannot(factories, login, in_app, world):
    first = factories.vehicle_pass(world.a, plate="粤B11111")
    second = factories.vehicle_pass(world.a, plate="粤B22222")
    done = factories.vehicle_pass(world.a, plate="粤B33333", status=P.revoked)
    other = factories.vehicle_pass(world.b, plate="粤B44444")
    c = login(world.supervisor)
    listing = c.post(
        "/admin/vehicle_pass/action/",
        {"action": "approve", "rowid": [first.id, second.id, done.id, other.id]},
    )
    assert listing.status_code == 302 and "/act/approve/" in listing.headers["Location"]
    page = c.get(listing.headers["Location"]).get_data(as_text=True)
    assert "2 records will be changed" in page and "1 will be skipped" in page
    ids = f"{first.id},{second.id},{done.id},{other.id}"
    assert c.post("/admin/vehicle_pass/act/approve/", {"ids": ids}).status_code == 302
    statuses = [status_of(in_app, VehiclePass, r.id) for r in (first, second, done, other)]
    assert statuses == [P.approved, P.approved, P.revoked, P.applied]


def test_reception_records_the_owners_confirmation(factories, login, in_app, world):
    release = factories.release_pass(
        world.a, world.unit_a, applicant_is_tenant=True, moving_date=clock.today()
    )
    c = login(world.reception)
    url = f"/admin/release_pass/act/confirm_owner/?id={release.id}"
    assert "甲住户" in c.get(url).get_data(as_text=True)  # the unit's owner is offered
    refused = c.post(url, {"ids": release.id, "owner": world.resident_b.id}, follow_redirects=True)
    assert "owner registered for this unit" in refused.get_data(as_text=True)
    assert c.post(url, {"ids": release.id, "owner": world.resident_a.id}).status_code == 302
    with in_app():
        assert db.session.get(ReleasePass, release.id).owner_confirmed_by == "甲住户"


# ---- the printable pass ---------------------------------------------------------------------------
def test_the_printed_pass_carries_the_signed_token_not_the_id(app, factories, login, world):
    record = factories.worker_pass(
        world.a,
        world.renovation,
        status=P.approved,
        worker_name="赵工",
        id_number=FULL_ID,
        valid_from=clock.today(),
        valid_until=clock.today() + timedelta(days=20),
    )
    c = login(world.reception)
    html = c.get(f"/admin/worker_pass/card/?id={record.id}").get_data(as_text=True)
    with app.app_context():
        token = gate.token_for(db.session.get(WorkerPass, record.id))
        expected_qr = str(qr_svg(token))
    assert expected_qr in html  # the QR drawn is the signed token's
    assert "<svg" in html and token not in html
    assert "赵工" in html and "110105********002X" in html and FULL_ID not in html
    assert "@page { size: 105mm 148mm" in html  # A6
    assert "size: 148mm 210mm" in c.get(
        f"/admin/worker_pass/card/?id={record.id}&size=A5"
    ).get_data(as_text=True)


def test_only_an_approved_pass_of_ones_estate_is_printed(factories, login, world):
    applied = factories.vehicle_pass(world.a)
    other = factories.vehicle_pass(world.b, status=P.approved, valid_from=clock.today())
    c = login(world.reception)
    refused = c.get(f"/admin/vehicle_pass/card/?id={applied.id}", follow_redirects=True)
    assert "Only an approved pass can be printed." in refused.get_data(as_text=True)
    assert c.get(f"/admin/vehicle_pass/card/?id={other.id}").status_code == 404


# ---- forms: photo, validity, locked fields --------------------------------------------------
def worker_form(world, **overrides):
    data = {
        "estate": world.a.id,
        "renovation": world.renovation.id,
        "worker_name": "钱工",
        "phone": "13912345678",
        "id_number": FULL_ID,
        "company": "安居装饰",
        "valid_from": day(),
        "valid_until": day(30),
    }
    data.update(overrides)
    return data


def test_worker_pass_with_a_photo(factories, login, in_app, world):
    c = login(world.reception)
    form = worker_form(world, photo=(io.BytesIO(PNG), "me.png"))
    assert c.post("/admin/worker_pass/new/", form).status_code == 302
    with in_app():
        row = db.session.query(WorkerPass).filter_by(worker_name="钱工").one()
        assert row.photo_file_id and row.status is P.applied
        record_id = row.id
    assert c.get(f"/admin/worker_pass/photo/?id={record_id}").data == PNG
    stranger = login(factories.staff(Role.receptionist, estates=[world.b]))
    assert stranger.get(f"/admin/worker_pass/photo/?id={record_id}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # Days from the office's today as the test runs: worked out at collection, a run
        # crossing the office's midnight asked for the permit's own last day.
        (lambda: {"valid_until": day(41)}, "cannot outlast the renovation permit"),
        (
            lambda: {"photo": (io.BytesIO(b"GIF89a" + b"\x00" * 20), "x.gif")},
            "Only PNG, JPEG or WebP",
        ),
    ],
)
def test_worker_pass_form_refusals(login, in_app, world, overrides, message):
    overrides = overrides()
    response = login(world.reception).post(
        "/admin/worker_pass/new/", worker_form(world, **overrides), follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    with in_app():
        assert db.session.query(WorkerPass).filter_by(worker_name="钱工").count() == 0


def test_an_approved_pass_keeps_its_facts(factories, login, in_app, world):
    record = factories.vehicle_pass(
        world.a, plate="粤B12345", status=P.approved, parking_space="B1-001"
    )
    c = login(world.reception)
    form = c.get(f"/admin/vehicle_pass/edit/?id={record.id}").get_data(as_text=True)
    assert 'name="parking_space"' in form and 'name="plate"' not in form
    c.post(
        f"/admin/vehicle_pass/edit/?id={record.id}",
        {"plate": "粤B99999", "parking_space": "B1-002", "valid_until": day(400)},
    )
    with in_app():
        row = db.session.get(VehiclePass, record.id)
        assert (row.plate, row.parking_space) == ("粤B12345", "B1-002")
        assert row.valid_until != clock.today() + timedelta(days=400)


# ---- renovations ------------------------------------------------------------------------------------
def test_guard_stops_the_work_with_a_photo(factories, login, in_app, world):
    worker = factories.worker_pass(world.a, world.renovation, status=P.approved)
    c = login(world.guard)
    details = c.get(f"/admin/renovation/details/?id={world.renovation.id}").get_data(as_text=True)
    assert "act/stop_work" in details and "act/issue_permit" not in details
    response = c.post(
        f"/admin/renovation/act/stop_work/?id={world.renovation.id}",
        {
            "ids": world.renovation.id,
            "notes": "擅自拆改承重墙",
            "photo": (io.BytesIO(PNG), "wall.png"),
        },
    )
    assert response.status_code == 302
    # Back to the renovation (not to the recorded inspection's text taken for a URL).
    assert response.headers["Location"].endswith(
        f"/admin/renovation/details/?id={world.renovation.id}"
    )
    assert status_of(in_app, Renovation, world.renovation.id) is R.stopped
    assert status_of(in_app, WorkerPass, worker.id) is P.suspended
    units = login(world.reception).get("/admin/unit/").get_data(as_text=True)
    assert "Stopped for a violation" in units
    with in_app():
        inspection = db.session.query(RenovationInspection).one()
        inspection_id = inspection.id
    assert c.get(f"/admin/renovation_inspection/photo/?id={inspection_id}").data == PNG
    assert (
        c.post(
            f"/admin/renovation/act/lift_stop/?id={world.renovation.id}",
            {"ids": world.renovation.id, "notes": "已恢复"},
        ).status_code
        == 403
    )


def test_an_inspection_form_with_a_violation_stops_the_work(login, in_app, world):
    c = login(world.guard)
    response = c.post(
        "/admin/renovation_inspection/new/",
        {
            "renovation": world.renovation.id,
            "kind": "patrol",
            "inspected_at": (clock.now() - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S"),
            "result": "violation",
            "notes": "噪音超时施工",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert status_of(in_app, Renovation, world.renovation.id) is R.stopped
    with in_app():
        inspection = db.session.query(RenovationInspection).one()
        assert (inspection.result, inspection.inspector_id) == (
            InspectionResult.violation,
            world.guard.id,
        )


def test_new_application_shows_on_the_unit_page(login, in_app, world):
    c = login(world.reception)
    response = c.post(
        "/admin/renovation/new/",
        {
            "estate": world.a.id,
            "unit": world.unit_a.id,
            "owner": world.resident_a.id,
            "contractor": "美家装饰",
            "person_in_charge": "孙工",
            "person_phone": "13912345678",
            "scope": "卫生间防水",
            "planned_start": day(3),
            "planned_end": day(33),
            "deposit": "2000",
        },
    )
    assert response.status_code == 302
    html = c.get(f"/admin/unit/details/?id={world.unit_a.id}").get_data(as_text=True)
    assert "Applied, awaiting review" in html


def test_front_desk_forms_for_vehicles_and_releases(factories, login, in_app, world):
    from admin_app.models import ResidentRole

    tenant = factories.resident(world.unit_a, name="租客", role=ResidentRole.tenant)
    c = login(world.reception)
    vehicle = c.post(
        "/admin/vehicle_pass/new/",
        {
            "estate": world.a.id,
            "plate": "粤b·d12345",
            "vehicle_type": "car",
            "resident": world.resident_a.id,
            "parking_space": "B1-018",
        },
    )
    assert vehicle.status_code == 302
    bad_plate = c.post(
        "/admin/vehicle_pass/new/",
        {"estate": world.a.id, "plate": "粤B12345A", "vehicle_type": "car"},
    )
    assert "not a valid plate number" in bad_plate.get_data(as_text=True)
    release = c.post(
        "/admin/release_pass/new/",
        {
            "estate": world.a.id,
            "unit": world.unit_a.id,
            "applicant": tenant.id,
            "applicant_name": "租客",
            "items": "衣柜一个",
            "moving_date": day(2),
        },
    )
    assert release.status_code == 302
    with in_app():
        row = db.session.query(VehiclePass).one()
        assert (row.plate, row.is_new_energy, row.unit_id) == ("粤BD12345", True, world.unit_a.id)
        assert db.session.query(ReleasePass).one().applicant_is_tenant is True


def test_the_demo_gate_and_cards(app, in_app, login):
    """The seeded demo as the guard and the supervisor see it, in Chinese."""
    from seed.demo import DEMO_PASSWORD, seed_demo

    with in_app():
        seed_demo()
        db.session.commit()
        estate_id = db.session.query(Estate.id).filter_by(code="HY").scalar()  # the guard's
        tokens = {
            model.__tablename__: (record.id, gate.token_for(record))
            for model in (WorkerPass, VehiclePass, ReleasePass)
            for record in db.session.query(model)
            .filter(model.status == P.approved, model.estate_id == estate_id)
            .limit(1)
        }
    guard = login("guard", password=DEMO_PASSWORD, lang="zh-CN")
    assert "门岗查验" in guard.get("/gate/").get_data(as_text=True)
    supervisor = login("supervisor", password=DEMO_PASSWORD, lang="zh-CN")
    for kind, (record_id, token) in tokens.items():
        response = guard.post("/gate/", {"code": token})
        assert "✓" in guard.get(response.headers["Location"]).get_data(as_text=True), kind
        card = supervisor.get(f"/admin/{kind}/card/?id={record_id}").get_data(as_text=True)
        assert "<svg" in card and "有效期" in card, kind


def test_a_release_slip_takes_the_applicants_name_and_phone_from_the_resident(
    factories, login, in_app, world
):
    owner = factories.resident(world.unit_a, name="周业主", phone="13900001111")
    c = login(world.reception)
    form = {"estate": world.a.id, "unit": world.unit_a.id, "items": "衣柜一个"}
    form["moving_date"] = day(2)
    picked = c.post("/admin/release_pass/new/", {**form, "applicant": owner.id})
    assert picked.status_code == 302, picked.get_data(as_text=True)
    typed = {"applicant": owner.id, "applicant_name": "周业主的女儿", "applicant_phone": ""}
    assert c.post("/admin/release_pass/new/", {**form, **typed}).status_code == 302
    nobody = c.post("/admin/release_pass/new/", form, follow_redirects=True)
    assert "Enter the applicant&#39;s name." in nobody.get_data(as_text=True)
    with in_app():
        rows = db.session.query(ReleasePass).order_by(ReleasePass.id).all()
        assert [(r.applicant_name, r.applicant_phone) for r in rows] == [
            ("周业主", "13900001111"),
            ("周业主的女儿", "13900001111"),
        ]


def test_a_worker_pass_takes_its_company_from_the_renovations_contractor(login, in_app, world):
    with in_app():
        db.session.get(Renovation, world.renovation.id).contractor = "安居装饰公司"
        db.session.commit()
    c = login(world.reception)
    assert c.post("/admin/worker_pass/new/", worker_form(world, company="")).status_code == 302
    typed = worker_form(world, worker_name="孙工", id_number="", company="分包水电队")
    assert c.post("/admin/worker_pass/new/", typed).status_code == 302
    with in_app():
        rows = db.session.query(WorkerPass).order_by(WorkerPass.id).all()
        assert [r.company for r in rows] == ["安居装饰公司", "分包水电队"]


def test_an_edit_that_clears_a_carried_over_value_keeps_it_cleared(login, in_app, world):
    """The company came from the contractor; the worker turns out to work on his own. Clearing
    it on the edit form is kept: it is not filled in again behind the desk's back."""
    with in_app():
        db.session.get(Renovation, world.renovation.id).contractor = "安居装饰公司"
        db.session.commit()
    c = login(world.reception)
    assert c.post("/admin/worker_pass/new/", worker_form(world, company="")).status_code == 302
    with in_app():
        record_id = db.session.query(WorkerPass.id).scalar()
    edited = c.post(f"/admin/worker_pass/edit/?id={record_id}", worker_form(world, company=""))
    assert edited.status_code == 302, edited.get_data(as_text=True)
    with in_app():
        assert db.session.get(WorkerPass, record_id).company in (None, "")


def test_a_release_slip_edit_that_clears_the_phone_keeps_it_cleared(
    factories, login, in_app, world
):
    owner = factories.resident(world.unit_a, name="周业主", phone="13900001111")
    c = login(world.reception)
    form = {"estate": world.a.id, "unit": world.unit_a.id, "items": "衣柜一个"}
    form.update(moving_date=day(2), applicant=owner.id)
    assert c.post("/admin/release_pass/new/", form).status_code == 302
    with in_app():
        record_id = db.session.query(ReleasePass.id).scalar()
    url = f"/admin/release_pass/edit/?id={record_id}"
    cleared = {**form, "applicant_name": "周业主", "applicant_phone": ""}
    assert c.post(url, cleared).status_code == 302
    no_name = c.post(url, {**form, "applicant_name": ""}, follow_redirects=True)
    assert "Enter the applicant&#39;s name." in no_name.get_data(as_text=True)
    with in_app():
        row = db.session.get(ReleasePass, record_id)
        assert (row.applicant_name, row.applicant_phone or "") == ("周业主", "")
