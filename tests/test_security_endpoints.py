"""The endpoints beyond list/details/create/edit/delete/export (which auth/test_permission_matrix
covers), for every role × own estate / other estate: printed cards and work orders, photos and
signatures, import pages and their downloads, batch progress, statistics and their exports, the
technician's and the guard's pages, the inbox, and inline (ajax) updates.

Expected: allowed and own estate → 200; allowed and another estate → 404 (it does not exist for
the user); not allowed → 403, whichever the estate. The rights are written out here on their own.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.routing import IntegerConverter

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    BatchRun,
    GateResult,
    PassKind,
    PassStatus,
    Resident,
    Role,
    Unit,
    WorkerPass,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services import storage

from .import_files import csv_bytes, row

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALL = {r.value for r in Role}
PASS_READERS = {"admin", "director", "supervisor", "receptionist", "guard"}
ORDER_READERS = {"admin", "director", "supervisor", "receptionist", "technician"}
SUPERVISORS = {"admin", "director", "supervisor"}
IMPORTERS = {"admin", "director", "supervisor", "receptionist"}
GATE = {"admin", "supervisor", "guard"}
UNIT_EDITORS = {"admin", "director", "supervisor", "receptionist"}


def expect(role: str, roles: set[str], key: str) -> int:
    if role not in roles:
        return 403
    return 200 if key == "own" else 404


def estate_side(factories, app, estate, unit, technician):
    """One of each record an endpoint serves, in one estate (with stored photo/signature)."""
    renovation = factories.renovation(
        estate, unit, permit_valid_until=clock.today() + timedelta(days=40)
    )
    approved = {
        "status": PassStatus.approved,
        "valid_from": clock.today(),
        "valid_until": clock.today() + timedelta(days=10),
    }
    side = SimpleNamespace(
        worker_pass=factories.worker_pass(estate, renovation, **approved),
        vehicle_pass=factories.vehicle_pass(estate, **approved),
        release_pass=factories.release_pass(estate, unit, **approved),
        inspection=factories.inspection(renovation),
        order=factories.work_order(
            estate, technician_id=technician.id, status=WorkOrderStatus.dispatched
        ),
        batch=factories.batch(estate),
        unit=unit,
    )
    with app.app_context():
        photo = storage.save_image(PNG, filename="p.png", estate_id=estate.id)
        db.session.get(WorkerPass, side.worker_pass.id).photo_file_id = photo.id
        from admin_app.models import RenovationInspection

        db.session.get(RenovationInspection, side.inspection.id).photo_file_id = photo.id
        signature = storage.save_image(PNG, filename="s.png", estate_id=estate.id)
        db.session.get(WorkOrder, side.order.id).signature_file_id = signature.id
        db.session.commit()
    return side


def import_batch(login, reception, estate) -> int:
    """An import with one invalid row (so its error CSV exists), uploaded by a receptionist."""
    c = login(reception)
    data = csv_bytes([row(room="101", name="坏号码", phone="123")])
    response = c.post(
        "/admin/resident_import/",
        {"estate": estate.id, "file": (io.BytesIO(data), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


@pytest.fixture
def office(app, factories, login):
    world = factories.two_estates()
    tech_a = factories.staff(Role.technician, estates=[world.a])
    tech_b = factories.staff(Role.technician, estates=[world.b])
    world.side = {
        "own": estate_side(factories, app, world.a, world.unit_a, tech_a),
        "other": estate_side(factories, app, world.b, world.unit_b, tech_b),
    }
    world.tech_a = tech_a
    for key, estate in (("own", world.a), ("other", world.b)):
        reception = factories.staff(Role.receptionist, estates=[estate])
        world.side[key].import_id = import_batch(login, reception, estate)
    return world


def get_endpoints(side, estate_id):
    """(url, roles allowed) for every read endpoint of one estate's records."""
    imp = side.import_id
    return [
        (f"/admin/worker_pass/card/?id={side.worker_pass.id}", PASS_READERS),
        (f"/admin/vehicle_pass/card/?id={side.vehicle_pass.id}&size=A5", PASS_READERS),
        (f"/admin/release_pass/card/?id={side.release_pass.id}", PASS_READERS),
        (f"/admin/worker_pass/photo/?id={side.worker_pass.id}", PASS_READERS),
        (f"/admin/renovation_inspection/photo/?id={side.inspection.id}", ALL),
        (f"/admin/work_order/print/?id={side.order.id}", ORDER_READERS),
        (f"/admin/work_order/signature/?id={side.order.id}", ORDER_READERS),
        (f"/admin/action_batch/progress/?id={side.batch.id}", SUPERVISORS),
        (f"/admin/resident_import/{imp}/", IMPORTERS),
        (f"/admin/resident_import/{imp}/progress/", IMPORTERS),
        (f"/admin/resident_import/{imp}/invalid.csv", IMPORTERS),
        (f"/admin/resident_import/{imp}/?columns=1", IMPORTERS),
        (f"/admin/statistics/?estate={estate_id}", SUPERVISORS),
        (f"/admin/statistics/export/complaint_categories.csv?estate={estate_id}", SUPERVISORS),
        (f"/admin/statistics/export/revisits.xlsx?estate={estate_id}", SUPERVISORS),
    ]


@pytest.mark.parametrize("role", sorted(ALL))
def test_read_endpoints_for_each_role_and_estate(office, factories, login, role):
    user = office.tech_a if role == "technician" else factories.staff(role, estates=[office.a])
    c = login(user)
    for key, estate in (("own", office.a), ("other", office.b)):
        for url, roles in get_endpoints(office.side[key], estate.id):
            response = c.get(url)
            expected = expect(role, roles, key)
            assert response.status_code == expected, (url, role, key)
            # prints, photos, imports' files, exports: none stays in a cache
            assert response.headers["Cache-Control"] == "no-store", url
            if expected == 200 and ("/photo/" in url or "/signature/" in url):
                assert response.data == PNG
            if expected != 200:
                body = response.data
                assert PNG not in body and b"Traceback" not in body


@pytest.mark.parametrize("role", sorted(ALL))
def test_technician_pages(office, factories, login, in_app, role):
    user = office.tech_a if role == "technician" else factories.staff(role, estates=[office.a])
    c = login(user)
    listing = c.get("/tech/")
    assert listing.status_code == (200 if role in ORDER_READERS else 403)
    own, other = office.side["own"].order.id, office.side["other"].order.id
    if role == "technician":
        assert f"/tech/act/arrive/{own}" in listing.get_data(as_text=True)
    for order_id, key in ((own, "own"), (other, "other")):
        response = c.get(f"/tech/act/arrive/{order_id}")
        if role not in ORDER_READERS or role not in {"technician", "supervisor", "admin"}:
            expected = 403
        elif role == "technician" and key == "own":
            expected = 200
        else:
            expected = 404  # only his own orders are on a technician's list, for anyone
        assert response.status_code == expected, (role, key)
        posted = c.post(f"/tech/act/arrive/{order_id}", {})
        assert posted.status_code in ({expected} if expected != 200 else {200, 302}), (role, key)
    with in_app():
        assert db.session.get(WorkOrder, other).status is WorkOrderStatus.dispatched


@pytest.mark.parametrize("role", sorted(ALL))
def test_gate_page_and_release_of_another_estate(office, factories, login, in_app, role):
    user = office.tech_a if role == "technician" else factories.staff(role, estates=[office.a])
    c = login(user)
    assert c.get("/gate/").status_code == (200 if role in GATE else 403)
    other_check = factories.gate_check(
        office.b,
        pass_kind=PassKind.release,
        pass_id=office.side["other"].release_pass.id,
        result=GateResult.valid,
    )
    response = c.post(f"/gate/release/{other_check.id}", {})
    assert response.status_code == (404 if role in GATE else 403)
    chosen = c.post("/gate/choose", {"estate_id": office.b.id})
    assert chosen.status_code == (400 if role in GATE else 403)
    with in_app():
        from admin_app.models import ReleasePass

        assert db.session.get(ReleasePass, office.side["other"].release_pass.id).released_at is None


@pytest.mark.parametrize("role", sorted(ALL))
def test_ajax_update_for_each_role_and_estate(office, factories, login, in_app, role):
    user = office.tech_a if role == "technician" else factories.staff(role, estates=[office.a])
    c = login(user)
    for key in ("own", "other"):
        unit = office.side[key].unit
        response = c.post(
            "/admin/unit/ajax/update/", {"list_form_pk": unit.id, "occupancy": "rented"}
        )
        expected = expect(role, UNIT_EDITORS, key)
        assert response.status_code == expected, (role, key)
        with in_app():
            occupancy = db.session.get(Unit, unit.id).occupancy.value
        assert occupancy == ("rented" if expected == 200 else "vacant")
    # No other list is inline-editable: the endpoint does not save anything there.
    for resource, field in (("resident", "name"), ("ticket", "description")):
        response = c.post(
            f"/admin/{resource}/ajax/update/", {"list_form_pk": "1", field: "<b>x</b>"}
        )
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", sorted(ALL))
def test_batch_list_and_inbox_of_another_estate(office, factories, login, in_app, role):
    user = office.tech_a if role == "technician" else factories.staff(role, estates=[office.a])
    c = login(user)
    inbox = c.get("/admin/inbox/")
    assert inbox.status_code == 200  # everyone has one
    listing = c.get("/admin/action_batch/")
    assert listing.status_code == (200 if role in SUPERVISORS else 403)
    if role in SUPERVISORS:
        html = listing.get_data(as_text=True)
        assert f"id={office.side['own'].batch.id}&" in html
        assert f"id={office.side['other'].batch.id}&" not in html
        imports = c.get("/admin/import_batch/").get_data(as_text=True)
        assert f"/admin/resident_import/{office.side['own'].import_id}/" in imports
        assert f"/admin/resident_import/{office.side['other'].import_id}/" not in imports
    else:
        assert c.get("/admin/import_batch/").status_code == 403
    with in_app():
        assert db.session.query(BatchRun).count() == 2


def post_urls(app) -> list[str]:
    """Every URL of the app that accepts POST, with its parameters filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            values[name] = 1 if isinstance(converter, IntegerConverter) else "close"
        urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(urls))


def test_every_post_endpoint_needs_the_csrf_token(app, two_estates, factories, login, in_app):
    admin = login(factories.staff(Role.admin, estates=[two_estates.a]))
    urls = post_urls(app)
    assert len(urls) > 100  # every view's create, edit, delete, action, ajax update …
    with in_app():
        before = {m.__tablename__: db.session.query(m).count() for m in (Unit, Resident)}
    for url in urls:
        response = admin.post(url, {"id": "1", "rowid": "1", "action": "delete"}, csrf=False)
        if url.startswith("/api/v1/"):
            # The API takes no cookie as a credential (so it needs no CSRF token): without a
            # bearer token it refuses (401), or there is nothing at that path (404).
            assert response.status_code in (401, 404), url
            assert response.is_json, url
            continue
        assert response.status_code == 400, url
    with in_app():
        after = {m.__tablename__: db.session.query(m).count() for m in (Unit, Resident)}
    assert after == before
    assert admin.get("/admin/").status_code == 200  # and still logged in
