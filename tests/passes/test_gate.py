"""The guard at the gate: scan or type, see at once whether the pass is valid and why not;
every check is logged; releases are let out; guards cannot approve or edit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    GateCheck,
    GateResult,
    PassStatus,
    ReleasePass,
    RenovationStatus,
    Role,
    StoredFile,
    WorkerPass,
)
from admin_app.passes import gate

P = PassStatus
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(factories, in_app):
    w = factories.two_estates()
    w.guard = factories.staff(Role.guard, estates=[w.a], name="门岗甲")
    today = clock.today()
    window = {"valid_from": today - timedelta(days=1), "valid_until": today + timedelta(days=20)}
    w.renovation = factories.renovation(
        w.a,
        w.unit_a,
        status=RenovationStatus.in_progress,
        permit_valid_until=today + timedelta(days=30),
    )
    with in_app():
        photo = StoredFile(content_type="image/png", size=len(PNG), sha256="x", data=PNG)
        db.session.add(photo)
        db.session.commit()
        photo_id = photo.id
    w.worker = factories.worker_pass(
        w.a,
        w.renovation,
        status=P.approved,
        worker_name="王师傅",
        company="安居装饰",
        id_number="11010519491231002X",
        photo_file_id=photo_id,
        **window,
    )
    w.vehicle = factories.vehicle_pass(w.a, plate="粤BD12345", status=P.approved, **window)
    renovation_b = factories.renovation(
        w.b,
        w.unit_b,
        status=RenovationStatus.in_progress,
        permit_valid_until=today + timedelta(days=30),
    )
    w.worker_b = factories.worker_pass(
        w.b, renovation_b, status=P.approved, worker_name="乙工人", **window
    )
    w.vehicle_b = factories.vehicle_pass(w.b, plate="粤B77777", status=P.approved, **window)
    return w


def token_of(app, model, record_id) -> str:
    with app.app_context():
        return gate.token_for(db.session.get(model, record_id))


def check(client, code: str) -> tuple[str, int]:
    response = client.post("/gate/", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    check_id = int(re.search(r"check=(\d+)", response.headers["Location"]).group(1))
    return client.get(response.headers["Location"]).get_data(as_text=True), check_id


def logged(in_app, check_id) -> GateCheck:
    with in_app():
        row = db.session.get(GateCheck, check_id)
        row.checked_by  # noqa: B018 - loaded before the context ends
        return row


def verdict_of(html: str) -> str:
    match = re.search(
        r'id="verdict".*?</div>\s*(?:<div class="gate-reason"[^>]*>(.*?)</div>)?', html, re.S
    )
    assert match, "no verdict on the page"
    return (match.group(1) or "Valid").strip()


def test_a_valid_scanned_pass_shows_the_holder(app, login, in_app, world):
    guard = login(world.guard)
    token = token_of(app, WorkerPass, world.worker.id)
    html, check_id = check(guard, token)
    assert verdict_of(html) == "Valid" and "✓" in html
    assert "王师傅" in html and "安居装饰" in html
    assert "110105********002X" in html and "11010519491231002X" not in html
    photo_url = f"/admin/worker_pass/photo/?id={world.worker.id}"
    assert photo_url in html
    assert guard.get(photo_url).data == PNG
    row = logged(in_app, check_id)
    assert (row.result, row.method.value, row.checked_by_id) == (
        GateResult.valid,
        "scanned",
        world.guard.id,
    )
    assert (row.estate_id, row.pass_number) == (world.a.id, world.worker.number)
    # The log keeps what was scanned, but not the signature that would make it a working code.
    assert token not in row.scanned and row.scanned.startswith(f"w.{world.worker.id}.")


@pytest.mark.parametrize(
    "typed",
    ["{number}", "{short}", "{lower}", "粤b d12345", "粤B·D12345", "bd12345", "B·D12345"],
)
def test_a_typed_number_or_plate_is_checked_too(login, in_app, world, typed):
    number = world.vehicle.number
    code = typed.format(
        number=number, short=number.split("-", 1)[1], lower=number.lower().replace("-", " - ")
    )
    html, check_id = check(login(world.guard), code)
    assert verdict_of(html) == "Valid"
    assert "粤BD12345" in html
    row = logged(in_app, check_id)
    assert (row.result, row.method.value, row.pass_id) == (
        GateResult.valid,
        "typed",
        world.vehicle.id,
    )


@pytest.mark.parametrize(
    ("change", "reason", "result"),
    [
        ({"valid_until": -1, "valid_from": -10}, "Expired", GateResult.expired),
        ({"status": P.expired}, "Expired", GateResult.expired),
        ({"status": P.revoked}, "Revoked", GateResult.revoked),
        ({"status": P.applied}, "Not approved (yet)", GateResult.not_approved),
        ({"status": P.suspended}, "the renovation is stopped", GateResult.suspended),
        ({"valid_from": 2, "valid_until": 9}, "Not valid yet", GateResult.not_yet_valid),
    ],
)
def test_why_a_pass_is_not_valid(app, login, in_app, world, change, reason, result):
    with in_app():
        record = db.session.get(WorkerPass, world.worker.id)
        for key, value in change.items():
            value = clock.today() + timedelta(days=value) if isinstance(value, int) else value
            setattr(record, key, value)
        db.session.commit()
    html, check_id = check(login(world.guard), token_of(app, WorkerPass, world.worker.id))
    assert "✗" in html and reason in verdict_of(html)
    assert "王师傅" in html  # the guard still sees whose pass it is
    assert logged(in_app, check_id).result is result


def test_a_stopped_renovation_stops_its_workers_at_the_gate(app, login, in_app, world):
    with in_app():
        from admin_app.models import Renovation

        db.session.get(Renovation, world.renovation.id).status = RenovationStatus.stopped
        db.session.commit()
    html, check_id = check(login(world.guard), token_of(app, WorkerPass, world.worker.id))
    assert logged(in_app, check_id).result is GateResult.suspended


@pytest.mark.parametrize("how", ["token", "plate", "number"])
def test_a_pass_of_another_estate_is_refused_without_details(app, login, in_app, world, how):
    code = {
        "token": lambda: token_of(app, WorkerPass, world.worker_b.id),
        "plate": lambda: "粤B77777",
        "number": lambda: world.worker_b.number,
    }[how]()
    html, check_id = check(login(world.guard), code)
    assert "another estate" in verdict_of(html)
    assert "乙工人" not in html and 'id="gate-pass"' not in html
    row = logged(in_app, check_id)
    assert (row.result, row.estate_id) == (GateResult.other_estate, world.a.id)


def altered(token: str, how: str) -> str:
    kind, record_id, nonce, signature = token.split(".")
    if how == "signature":
        return ".".join(
            [kind, record_id, nonce, ("A" if signature[0] != "A" else "B") + signature[1:]]
        )
    if how == "record":
        return ".".join([kind, str(int(record_id) + 1), nonce, signature])
    if how == "kind":
        return ".".join(["v", record_id, nonce, signature])
    return token[: len(token) // 2]  # torn label: half a code


@pytest.mark.parametrize("how", ["signature", "record", "kind", "truncated"])
def test_a_forged_or_altered_code_is_refused(app, login, in_app, world, how):
    code = altered(token_of(app, WorkerPass, world.worker.id), how)
    html, check_id = check(login(world.guard), code)
    assert "Forged or altered code" in verdict_of(html)
    assert "王师傅" not in html
    row = logged(in_app, check_id)
    assert (row.result, row.pass_id, row.scanned) == (GateResult.forged, None, code)


def test_a_reissued_pass_voids_the_old_printout(app, factories, login, in_app, world):
    old_token = token_of(app, WorkerPass, world.worker.id)
    supervisor = login(factories.staff(Role.supervisor, estates=[world.a]))
    response = supervisor.post(
        f"/admin/worker_pass/act/reissue/?id={world.worker.id}", {"ids": world.worker.id}
    )
    assert response.status_code == 302
    guard = login(world.guard)
    html, check_id = check(guard, old_token)
    assert "Voided copy" in verdict_of(html)
    assert logged(in_app, check_id).result is GateResult.voided
    html, _ = check(guard, token_of(app, WorkerPass, world.worker.id))
    assert verdict_of(html) == "Valid"


@pytest.mark.parametrize("code", ["AA-WP2611-9999", "WP0101-0001", "粤B00000", "hello"])
def test_an_unknown_number_or_plate_is_logged(login, in_app, world, code):
    html, check_id = check(login(world.guard), code)
    assert "Unknown pass number or plate" in verdict_of(html)
    row = logged(in_app, check_id)
    assert (row.result, row.scanned, row.pass_id) == (GateResult.unknown, code, None)


def test_a_plate_typed_without_its_province_that_two_cars_share_is_no_answer(
    factories, login, in_app, world
):
    """粤BD12345 and 湘BD12345 both park here: "BD12345" names neither, and the guard types the
    province rather than letting the wrong car in."""
    factories.vehicle_pass(world.a, plate="湘BD12345", status=P.applied)
    html, check_id = check(login(world.guard), "BD12345")
    assert "Unknown pass number or plate" in verdict_of(html)
    assert logged(in_app, check_id).pass_id is None


def test_an_empty_scan_is_explained_and_not_logged(login, in_app, world):
    html = login(world.guard).post("/gate/", {"code": "  "}).get_data(as_text=True)
    assert "Scan a pass, or type its number or the plate." in html
    with in_app():
        assert db.session.query(GateCheck).count() == 0


# ---- large-item release ----------------------------------------------------------------------
@pytest.fixture
def release(factories, world):
    today = clock.today()
    return factories.release_pass(
        world.a,
        world.unit_a,
        status=P.approved,
        moving_date=today,
        valid_from=today,
        valid_until=today,
        items="冰箱一台、沙发一套",
    )


def test_the_guard_lets_a_release_out_once(app, login, in_app, world, release):
    guard = login(world.guard)
    html, check_id = check(guard, token_of(app, ReleasePass, release.id))
    assert verdict_of(html) == "Valid" and "冰箱一台、沙发一套" in html
    assert 'id="confirm-release"' in html
    refused = guard.post(f"/gate/release/{check_id}", {}, csrf=False)
    assert refused.status_code == 400
    with in_app():
        assert db.session.get(ReleasePass, release.id).status is P.approved
    done = guard.post(f"/gate/release/{check_id}", {})
    assert done.status_code == 302
    with in_app():
        row = db.session.get(ReleasePass, release.id)
        assert (row.status, row.released_by_id) == (P.released, world.guard.id)
        assert row.released_at is not None
    html, check_id = check(guard, release.number)
    assert "Already let out" in verdict_of(html) and 'id="confirm-release"' not in html
    again = guard.post(f"/gate/release/{check_id}", {}, follow_redirects=True)
    assert "not possible now" in again.get_data(as_text=True)


def test_a_tenants_release_without_the_owner_stays_in(app, login, in_app, world, release):
    with in_app():
        db.session.get(ReleasePass, release.id).applicant_is_tenant = True
        db.session.commit()
    guard = login(world.guard)
    html, check_id = check(guard, release.number)
    assert "Not approved (yet)" in verdict_of(html)
    guard.post(f"/gate/release/{check_id}", {})
    with in_app():
        assert db.session.get(ReleasePass, release.id).status is P.approved


# ---- what a guard may not do ------------------------------------------------------------------
def test_a_guard_checks_but_cannot_approve_or_edit(factories, login, in_app, world):
    applied = factories.worker_pass(world.a, world.renovation, worker_name="新工人")
    guard = login(world.guard)
    assert guard.get(f"/admin/worker_pass/details/?id={applied.id}").status_code == 200
    approve = guard.post(f"/admin/worker_pass/act/approve/?id={applied.id}", {"ids": applied.id})
    assert approve.status_code == 403
    assert guard.get(f"/admin/worker_pass/edit/?id={applied.id}").status_code == 403
    edit = guard.post(
        f"/admin/worker_pass/edit/?id={applied.id}", {"worker_name": "改名", "phone": ""}
    )
    assert edit.status_code == 403
    list_action = guard.post(
        "/admin/worker_pass/action/", {"action": "approve", "rowid": applied.id}
    )
    assert list_action.status_code == 403
    details = guard.get(f"/admin/worker_pass/details/?id={applied.id}").get_data(as_text=True)
    assert "act/approve" not in details
    with in_app():
        row = db.session.get(WorkerPass, applied.id)
        assert (row.status, row.worker_name) == (P.applied, "新工人")


@pytest.mark.parametrize("role", [Role.receptionist, Role.technician, Role.director])
def test_only_gate_staff_open_the_gate_page(factories, login, world, role):
    user = factories.staff(role, estates=[world.a])
    assert login(user).get("/gate/").status_code == 403


def test_the_gate_page_needs_a_login(client):
    response = client.get("/gate/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_check_needs_the_csrf_token(login, in_app, world):
    response = login(world.guard).post("/gate/", {"code": world.vehicle.number}, csrf=False)
    assert response.status_code == 400
    with in_app():
        assert db.session.query(GateCheck).count() == 0


def test_staff_of_two_estates_choose_their_gate(app, factories, login, in_app, world):
    supervisor = factories.staff(Role.supervisor, estates=[world.a, world.b])
    c = login(supervisor)
    c.post("/gate/choose", {"estate_id": world.a.id})
    html, _ = check(c, "粤B77777")
    assert "another estate" in verdict_of(html)
    c.post("/gate/choose", {"estate_id": world.b.id})
    html, check_id = check(c, "粤B77777")
    assert verdict_of(html) == "Valid"
    assert logged(in_app, check_id).estate_id == world.b.id
    assert c.post("/gate/choose", {"estate_id": 999999}).status_code == 400


def test_the_scan_box_shows_a_pass_number_of_this_gates_estate(factories, login, world):
    supervisor = factories.staff(Role.supervisor, estates=[world.a, world.b])
    c = login(supervisor)
    month = clock.now().strftime("%y%m")
    for estate in (world.a, world.b):
        c.post("/gate/choose", {"estate_id": estate.id})
        html = c.get("/gate/").get_data(as_text=True)
        assert f'placeholder="e.g. {estate.code}-WP{month}-0003 or 粤B12345"' in html


def test_other_estates_checks_stay_hidden(factories, login, world):
    other = factories.gate_check(world.b, result=GateResult.valid, pass_number="BB-VP1")
    html = login(world.guard).get(f"/gate/?check={other.id}").get_data(as_text=True)
    assert 'id="verdict"' not in html and "BB-VP1" not in html


def test_the_recent_checks_keep_each_code_on_one_line(login, world):
    """On a phone a typed number was broken mid-code ("HY-WP0001-9 / 999"): the code keeps to
    its line and the verdict beside it wraps instead."""
    guard = login(world.guard)
    check(guard, "AA-WP2611-9999")
    page = guard.get("/gate/").get_data(as_text=True)
    recent = page[page.index('class="list-group gate-recent"') :]
    link = re.search(r"<a ([^>]*)>([^<]*AA-WP2611-9999)</a>", recent)
    assert link and 'class="text-nowrap' in link.group(1)
