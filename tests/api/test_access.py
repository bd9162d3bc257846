"""Who may call /api/v1: a live token (never a cookie), with the scope each endpoint needs,
within its estates only, within its rate; every call is logged; refusals are JSON in the
caller's language with the right status."""

from __future__ import annotations

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ApiCall, ApiToken, PassStatus, Role, Ticket, TicketCategory

from .conftest import ALL_SCOPES

# Each scope, written out apart from the code, with one request that needs it.
NEEDS = {
    "callers:read": ("GET", "/callers?phone=13800000001", None),
    "tickets:read": ("GET", "/tickets", None),
    "tickets:write": (
        "POST",
        "/tickets",
        {"category": "suggestion", "description": "楼道灯太暗"},
    ),
    "work_orders:read": ("GET", "/work_orders", None),
    "passes:read": ("POST", "/passes/check", {"code": "粤B12345"}),
    "passes:write": ("POST", "/passes", {"plate": "粤A99999"}),
    "statistics:read": ("GET", "/statistics?period=2026-11", None),
}
SUCCESS = {"GET": 200, "POST": 201}


def send(api, secret, scope, estate_id):
    method, path, body = NEEDS[scope]
    if body is not None:
        body = {**body, "estate_id": estate_id}
    elif "statistics" in path:
        path += f"&estate_id={estate_id}"
    return api.call(method, path, secret, json=body)


@pytest.mark.parametrize("scope", sorted(NEEDS))
def test_each_scope_opens_its_endpoints_and_no_other(api, make_token, two_estates, scope):
    _, secret = make_token([two_estates.a], scopes=[scope])
    for other, (method, _, _) in NEEDS.items():
        response = send(api, secret, other, two_estates.a.id)
        if other == scope:
            expected = 200 if other == "passes:read" else SUCCESS[method]
            assert response.status_code == expected, (other, response.get_json())
        else:
            assert response.status_code == 403, other
            error = response.get_json()["error"]
            assert error["status"] == 403 and other in error["message"]


def test_without_a_live_token_every_endpoint_answers_401_in_json(api, make_token, two_estates):
    token_id, secret = make_token([two_estates.a])
    for method, path, _ in NEEDS.values():
        for sent in (
            None,
            "wuye_not-a-token",
            secret[:-1] + ("x" if secret[-1] != "x" else "y"),
            "Basic " + secret,
        ):
            response = api.call(method, path, sent, json={})
            assert response.status_code == 401, (path, sent)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.get_json()["error"]["status"] == 401
    assert api.get("/tickets", secret).status_code == 200


def test_a_revoked_token_stops_at_once(api, app, make_token, two_estates, factories):
    token_id, secret = make_token([two_estates.a])
    assert api.get("/tickets", secret).status_code == 200
    from admin_app.api import tokens
    from admin_app.models import Staff

    admin = factories.staff(Role.admin, all_estates=True)
    with app.app_context():
        tokens.revoke(db.session.get(ApiToken, token_id), db.session.get(Staff, admin.id))
        db.session.commit()
    response = api.get("/tickets", secret)
    assert response.status_code == 401


def test_a_logged_in_browser_session_is_no_credential(api, login, factories, two_estates):
    admin = factories.staff(Role.admin, all_estates=True)
    browser = login(admin)
    assert browser.get("/api/v1/tickets").status_code == 401
    posted = browser.post(
        "/api/v1/tickets",
        {"estate_id": two_estates.a.id, "category": "help", "description": "x"},
        csrf=False,
    )
    assert posted.status_code == 401  # CSRF-exempt, but no token: nothing written
    assert browser.get("/admin/").status_code == 200  # and the browser stays logged in


def test_the_secret_is_kept_only_as_its_sha256(app, make_token, two_estates):
    import hashlib

    token_id, secret = make_token([two_estates.a])
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        stored = [str(v) for v in db.session.execute(db.select(ApiToken.__table__)).one()]
    assert not any(secret in value for value in stored)
    assert secret.startswith("wuye_") and len(secret) >= 40


def test_another_estates_records_do_not_exist_for_the_token(
    api, make_token, two_estates, factories
):
    _, secret = make_token([two_estates.a])
    theirs = factories.ticket(two_estates.b)
    ours = factories.ticket(two_estates.a)
    order = factories.work_order(two_estates.b)
    assert api.get(f"/tickets/{theirs.id}", secret).status_code == 404
    assert api.get(f"/tickets/{ours.id}", secret).status_code == 200
    assert api.get(f"/work_orders/{order.id}", secret).status_code == 404
    listed = api.get("/tickets", secret).get_json()
    assert [t["id"] for t in listed["items"]] == [ours.id]
    assert api.get(f"/tickets?estate_id={two_estates.b.id}", secret).status_code == 404
    assert api.get("/callers?phone=13800000002", secret).status_code == 404  # B's resident
    created = api.post(
        "/tickets",
        {"estate_id": two_estates.b.id, "category": "help", "description": "x"},
        secret,
    )
    assert created.status_code == 404
    # A unit of B named in a ticket of A is a field error; nothing is written.
    crossed = api.post(
        "/tickets",
        {
            "estate_id": two_estates.a.id,
            "category": "help",
            "description": "x",
            "unit_id": two_estates.unit_b.id,
        },
        secret,
    )
    assert crossed.status_code == 422 and "unit_id" in crossed.get_json()["error"]["fields"]
    stats = api.get(f"/statistics?estate_id={two_estates.b.id}&period=2026", secret)
    assert stats.status_code == 404


def test_the_rate_limit_answers_429_per_token(api, app, make_token, two_estates, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    _, first = make_token([two_estates.a])
    _, second = make_token([two_estates.a])
    codes = [api.get("/tickets", first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/tickets", first)
    assert refused.get_json()["error"]["status"] == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert api.get("/tickets", second).status_code == 200  # another token has its own count


def test_every_call_is_logged_with_token_endpoint_status_and_estate(
    api, app, make_token, two_estates, factories
):
    token_id, secret = make_token([two_estates.a], scopes=["tickets:read"])
    ticket = factories.ticket(two_estates.a)
    api.get(f"/tickets/{ticket.id}", secret)
    api.get("/work_orders", secret)  # refused: no scope
    api.get("/tickets", None)  # no token at all
    with app.app_context():
        calls = db.session.query(ApiCall).order_by(ApiCall.id).all()
        rows = [(c.token_id, c.method, c.endpoint, c.status, c.estate_id) for c in calls]
        assert rows == [
            (token_id, "GET", "/api/v1/tickets/<record_id:ticket_id>", 200, two_estates.a.id),
            (token_id, "GET", "/api/v1/work_orders", 403, None),
            (None, "GET", "/api/v1/tickets", 401, None),
        ]
        assert all(c.at is not None for c in calls)
        assert db.session.get(ApiToken, token_id).last_used_at is not None


def test_refusals_speak_the_callers_language_and_never_show_a_trace(api, make_token, two_estates):
    _, secret = make_token([two_estates.a], scopes=["tickets:write"])
    for lang in ("en", "zh-CN"):
        response = api.post("/tickets", {"estate_id": two_estates.a.id}, secret, lang=lang)
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert set(error["fields"]) == {"category", "description"}
        text = response.get_data(as_text=True)
        assert "Traceback" not in text
        if lang == "en":
            assert error["message"] == "Some values are not valid."
    not_json = api.call(
        "POST", "/tickets", secret, data="x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 415
    broken = api.call(
        "POST", "/tickets", secret, data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.get_json()["error"]["status"] == 400
    assert api.get("/no/such/thing", secret).status_code == 404
    assert api.call("DELETE", "/tickets", secret).status_code == 405
    _, reader = make_token([two_estates.a], scopes=["tickets:read"])
    beyond = api.get("/tickets/99999999999", reader)  # beyond the id column
    assert beyond.status_code == 404 and beyond.get_json()["error"]["status"] == 404


def test_the_token_works_on_its_own_estates_only_however_many(api, make_token, factories):
    estates = [factories.estate() for _ in range(3)]
    _, secret = make_token(estates[:2], scopes=["tickets:read"])
    for estate in estates:
        factories.ticket(estate, category=TicketCategory.help)
    listed = api.get("/tickets", secret).get_json()
    assert {t["estate_id"] for t in listed["items"]} == {estates[0].id, estates[1].id}
    one = api.get(f"/tickets?estate_id={estates[1].id}", secret).get_json()
    assert [t["estate_id"] for t in one["items"]] == [estates[1].id]
    assert one["total"] == 1


def test_lists_page_and_filter_by_status_and_date(api, make_token, factories, two_estates, app):
    _, secret = make_token([two_estates.a], scopes=["tickets:read"])
    now = clock.now()
    from datetime import timedelta

    for days in range(5):
        factories.ticket(two_estates.a, received_at=now - timedelta(days=days))
    with app.app_context():
        from admin_app.models import TicketStatus

        first = db.session.query(Ticket).order_by(Ticket.id).first()
        first.status = TicketStatus.closed
        db.session.commit()
    page = api.get("/tickets?per_page=2&page=2", secret).get_json()
    assert (page["total"], len(page["items"]), page["page"]) == (5, 2, 2)
    closed = api.get("/tickets?status=closed", secret).get_json()
    assert closed["total"] == 1
    day = (now - timedelta(days=2)).date().isoformat()
    dated = api.get(f"/tickets?received_from={day}&received_until={day}", secret).get_json()
    assert dated["total"] == 1
    wrong = api.get("/tickets?status=nonsense&per_page=1000", secret)
    assert wrong.status_code == 422
    assert set(wrong.get_json()["error"]["fields"]) == {"status", "per_page"}


def test_passes_status_is_checked_by_the_gate_rules(api, make_token, factories, two_estates):
    """A pass approved for today is valid at its own estate's gate, not at another's."""
    _, secret = make_token([two_estates.a, two_estates.b], scopes=["passes:read"])
    factories.vehicle_pass(
        two_estates.a,
        plate="粤B54321",
        status=PassStatus.approved,
        valid_from=clock.today(),
        valid_until=clock.today(),
    )
    here = api.post("/passes/check", {"estate_id": two_estates.a.id, "code": "粤B54321"}, secret)
    assert here.get_json()["valid"] is True
    assert here.get_json()["pass"]["plate"] == "粤B54321"
    there = api.post("/passes/check", {"estate_id": two_estates.b.id, "code": "粤B54321"}, secret)
    body = there.get_json()
    assert body["valid"] is False and body["result"]["value"] == "other_estate"
    assert body["pass"] is None  # another estate's pass: no details


def test_all_scopes_are_listed_in_the_admin_form(login, factories):
    admin = factories.staff(Role.admin, all_estates=True)
    page = login(admin).get("/admin/api_token/new/").get_data(as_text=True)
    for scope in ALL_SCOPES:
        assert f'value="{scope}"' in page
