"""A construction-worker pass and a vehicle pass from the front desk to the gate: the
receptionist fills in each application (a mistyped ID number and a bad plate are refused in
the form, nothing saved), the supervisor approves both, and the guard checks them on a phone
whose browser is in English (each person's own language: the gate reads English throughout)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock, validation
from admin_app.extensions import db
from admin_app.models import (
    GateCheck,
    GateResult,
    PassStatus,
    VehiclePass,
    WorkerPass,
)
from admin_app.sensitive import mask

from ..conftest import PASSWORD
from .conftest import (
    PHONE,
    chinese_left,
    details_field,
    flashes,
    renovation_under_way,
    solid_png,
    submit,
)

pytestmark = pytest.mark.browser

ID_BODY = "44030519850612301"
ID_NUMBER = ID_BODY + validation.id_check_char(ID_BODY)
# The same number with the wrong check character: a slip of the finger at the desk.
BAD_ID_NUMBER = ID_BODY + next(c for c in "0123456789X" if c != ID_NUMBER[-1])


def field_error(page, field: str) -> str:
    """The message shown under one form field (what the receptionist reads)."""
    return page.locator(f"#{field} ~ .invalid-feedback, #{field} ~ .help-block").inner_text()


def count(in_app, model) -> int:
    with in_app():
        return db.session.query(model).count()


def test_worker_and_vehicle_pass_from_application_to_the_gate(factories, in_app, screen):
    today = clock.today()
    permit_until = today + timedelta(days=40)
    estate, unit, renovation = renovation_under_way(
        factories,
        building="6",
        room="0802",
        owner="林业主",
        phone="13500005555",
        permit_valid_until=permit_until,
        planned_end=permit_until,
    )
    with in_app():
        renovation_number = db.session.merge(renovation).number

    desk = screen("reception").login("front", PASSWORD)
    page = desk.page

    # The worker's pass: the ID number is mistyped first.
    page.goto("/admin/worker_pass/new/")
    desk.pick_ajax("renovation", renovation_number)
    # The choice says how far the renovation is and which permit the card will name.
    chosen = page.inner_text("#s2id_renovation .select2-chosen")
    assert renovation_number in chosen and "施工中" in chosen and "HY-ZX-0001" in chosen
    page.fill("#worker_name", "冯师傅")
    page.fill("#phone", "135 0000 6666")
    page.fill("#id_number", BAD_ID_NUMBER)
    page.fill("#company", "安居装饰公司")
    page.set_input_files(
        "#photo", {"name": "feng.png", "mimeType": "image/png", "buffer": solid_png()}
    )
    submit(page, "input[type=submit].btn-primary")
    assert "/admin/worker_pass/new/" in page.url
    assert flashes(page, "error") == ["创建记录失败。"]  # in the page's language
    assert field_error(page, "id_number") == "证件号码无效（请核对最后一位校验码）。"
    assert page.locator("#id_number.is-invalid").count() == 1
    # What was typed is still there to correct (the wrong number too, to see the mistake).
    assert page.input_value("#worker_name") == "冯师傅"
    assert page.input_value("#id_number") == BAD_ID_NUMBER
    desk.shot("worker-01-bad-id-number")
    assert count(in_app, WorkerPass) == 0

    page.fill("#id_number", ID_NUMBER)
    page.set_input_files(  # a browser never keeps a chosen file across a refused form
        "#photo", {"name": "feng.png", "mimeType": "image/png", "buffer": solid_png()}
    )
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), "no confirmation after saving the worker's pass"
    with in_app():
        worker = db.session.query(WorkerPass).one()
        assert worker.status is PassStatus.applied and worker.photo_file_id
        assert worker.phone == "13500006666" and worker.id_number == ID_NUMBER
        worker_id, worker_number = worker.id, worker.number

    # The vehicle pass: a plate with a digit missing first.
    page.goto("/admin/vehicle_pass/new/")
    page.fill("#plate", "粤B 1234")
    page.select_option("#vehicle_type", "car", force=True)
    desk.pick_ajax("resident", "林业主")
    page.fill("#parking_space", "B2-117")
    submit(page, "input[type=submit].btn-primary")
    assert "/admin/vehicle_pass/new/" in page.url
    assert field_error(page, "plate").startswith("车牌号无效")
    assert page.input_value("#parking_space") == "B2-117"
    desk.shot("vehicle-01-bad-plate")
    assert count(in_app, VehiclePass) == 0
    page.fill("#plate", "粤b·d12345")  # a new-energy plate, typed as people type it
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), "no confirmation after saving the vehicle pass"
    with in_app():
        vehicle = db.session.query(VehiclePass).one()
        assert (vehicle.plate, vehicle.is_new_energy) == ("粤BD12345", True)
        assert vehicle.unit_id == unit.id  # the resident's unit, filled in
        vehicle_id, vehicle_number = vehicle.id, vehicle.number

    # The supervisor approves both: the worker's until the permit ends, the car for a month.
    boss = screen("supervisor").login("boss", PASSWORD)
    bp = boss.page
    bp.goto(f"/admin/worker_pass/details/?id={worker_id}")
    assert details_field(bp, "状态") == "已申请"
    assert details_field(bp, "证件号码") == mask(ID_NUMBER)
    bp.click("#action-approve")
    assert bp.input_value("#valid_until") == permit_until.isoformat()
    boss.shot("worker-02-approve")
    submit(bp)
    assert flashes(bp)
    assert details_field(bp, "状态") == "已批准"
    bp.goto(f"/admin/vehicle_pass/details/?id={vehicle_id}")
    bp.click("#action-approve")
    submit(bp)
    assert details_field(bp, "状态") == "已批准"
    with in_app():
        vehicle = db.session.get(VehiclePass, vehicle_id)
        assert vehicle.valid_from == today and vehicle.valid_until > today + timedelta(days=26)
        assert db.session.get(WorkerPass, worker_id).valid_until == permit_until

    # The guard on his phone: the worker types nothing, the guard types the pass number.
    guard = screen("guard", viewport=PHONE, locale="en-US").login("gate1", PASSWORD)
    records = ("华苑小区", "孙保安", "冯师傅", "安居装饰公司", "林业主")
    phone = guard.page
    assert phone.url.endswith("/gate/")  # the guard starts at the gate
    phone.fill("#code", worker_number.lower())
    submit(phone, "#check-button")
    assert phone.locator("#verdict.gate-valid").count() == 1
    card = phone.locator("#gate-pass")
    assert card.locator(".gate-name").inner_text().strip() == "冯师傅"
    assert card.locator("img.gate-photo").evaluate("img => img.naturalWidth") > 0
    assert mask(ID_NUMBER) in card.inner_text()
    assert ID_NUMBER not in phone.content()  # the full number never reaches the gate
    assert card.locator("dt").all_inner_texts()[:3] == ["Worker", "Company", "ID number"]
    # The renovation by the reference the worker's printed card gives: the permit number.
    assert "Renovation permit: HY-ZX-0001" in card.inner_text()
    assert renovation_number not in card.inner_text()
    assert phone.inner_text("#verdict .gate-verdict-title").strip() == "✓ Valid"
    assert not chinese_left(phone, records)
    # Everything fits the phone's width: nothing to scroll sideways at the gate.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    guard.shot("worker-03-gate-valid-phone")

    # The car: the guard types the plate as he reads it.
    phone.fill("#code", "粤BD 12345")
    submit(phone, "#check-button")
    assert phone.locator("#verdict.gate-valid").count() == 1
    assert card.locator(".gate-plate").inner_text().startswith("粤BD12345")
    assert "林业主" in card.inner_text() and "B2-117" in card.inner_text()
    badge = card.locator(".gate-plate .badge")
    assert badge.inner_text().strip() == "New-energy vehicle"
    # A label beside the plate, in ordinary letters: not spaced and sized like the plate.
    assert badge.evaluate("b => getComputedStyle(b).letterSpacing") == "normal"
    assert badge.bounding_box()["height"] < 30
    assert card.locator("dt").all_inner_texts() == ["Vehicle type", "Resident", "Parking space"]
    assert not chinese_left(phone, records)
    assert phone.locator("#confirm-release").count() == 0  # nothing to let out for a pass
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    guard.shot("vehicle-02-gate-valid-phone")

    with in_app():
        checks = db.session.query(GateCheck).order_by(GateCheck.id).all()
        assert [(c.pass_number, c.result) for c in checks] == [
            (worker_number, GateResult.valid),
            (vehicle_number, GateResult.valid),
        ]
