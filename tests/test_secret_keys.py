"""A new SECRET_KEY with the old one kept until a date: printed passes and logged-in sessions
made under the old key keep working until that date and are refused after it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from admin_app import clock, create_app
from admin_app.models import PassStatus, RenovationStatus, Role, WorkerPass
from admin_app.secret_keys import parse_old_keys, verifying_keys

from .passes.test_gate import check, logged, token_of, verdict_of

OLD, NEW = "the-key-printed-under", "the-key-after-the-change"


@pytest.fixture
def keys(app, monkeypatch):
    """The app starts under OLD; `keys.change(until)` moves it to NEW, keeping OLD until
    `until` (None: dropped). ID numbers keep their own key, as the README asks."""
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", app.config["SECRET_KEY"])
    monkeypatch.setitem(app.config, "SECRET_KEY", OLD)
    monkeypatch.setitem(app.config, "OLD_SECRET_KEYS", [])

    class Keys:
        @staticmethod
        def change(until: date | None):
            monkeypatch.setitem(app.config, "SECRET_KEY", NEW)
            monkeypatch.setitem(app.config, "OLD_SECRET_KEYS", [(OLD, until)] if until else [])

    return Keys


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.guard = factories.staff(Role.guard, estates=[w.a])
    today = clock.today()
    renovation = factories.renovation(
        w.a,
        w.unit_a,
        status=RenovationStatus.in_progress,
        permit_valid_until=today + timedelta(days=30),
    )
    w.worker = factories.worker_pass(
        w.a,
        renovation,
        status=PassStatus.approved,
        worker_name="王师傅",
        id_number="11010519491231002X",
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=20),
    )
    return w


def office_time(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=clock.office_zone())


def test_a_pass_printed_under_the_old_key_is_valid_until_its_date(app, keys, login, in_app, world):
    printed = token_of(app, WorkerPass, world.worker.id)
    keys.change(until=clock.today())
    html, _ = check(login(world.guard), printed)
    assert verdict_of(html) == "Valid"
    assert "王师傅" in html and "110105********002X" in html  # ID numbers still read


def test_the_day_after_the_date_the_old_pass_is_refused(app, keys, login, in_app, world):
    printed = token_of(app, WorkerPass, world.worker.id)
    last_day = clock.today()
    keys.change(until=last_day)
    with time_machine.travel(office_time(last_day, time(23, 59)), tick=False):
        assert verdict_of(check(login(world.guard), printed)[0]) == "Valid"
    with time_machine.travel(office_time(last_day + timedelta(days=1), time(0, 1)), tick=False):
        html, check_id = check(login(world.guard), printed)
    assert "Forged or altered code" in verdict_of(html)
    assert logged(in_app, check_id).result.value == "forged"


def test_passes_printed_after_the_change_are_signed_with_the_new_key(
    app, keys, login, in_app, world
):
    keys.change(until=clock.today())
    printed = token_of(app, WorkerPass, world.worker.id)
    keys.change(until=None)  # the old key gone: the new print is unaffected
    assert verdict_of(check(login(world.guard), printed)[0]) == "Valid"


def test_a_session_from_before_the_change_stays_logged_in_until_the_date(keys, login, world):
    guard = login(world.guard)
    keys.change(until=clock.today())
    assert guard.get("/gate/").status_code == 200


def test_a_session_from_before_the_change_is_logged_out_after_the_date(keys, login, world):
    guard = login(world.guard)
    keys.change(until=clock.today() - timedelta(days=1))
    response = guard.get("/gate/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_in_use_moves_to_the_new_key(keys, login, world):
    guard = login(world.guard)
    keys.change(until=clock.today())
    assert guard.get("/gate/").status_code == 200  # its cookie is signed again, with NEW
    keys.change(until=None)
    assert guard.get("/gate/").status_code == 200


def test_verifying_keys_are_the_still_valid_old_ones_then_the_new(app, in_app, monkeypatch):
    today = date(2027, 3, 10)
    monkeypatch.setitem(app.config, "SECRET_KEY", "k3")
    monkeypatch.setitem(
        app.config, "OLD_SECRET_KEYS", parse_old_keys("k2@2027-03-31, k1@2027-03-09")
    )
    with in_app(), time_machine.travel(office_time(today, time(12)), tick=False):
        assert verifying_keys() == ["k2", "k3"]  # itsdangerous signs with the last


@pytest.mark.parametrize("bad", ["k1", "k1@", "@2027-01-01", "k1@31.01.2027", "k1@2027-02-30"])
def test_an_old_key_without_a_proper_date_is_refused(bad):
    with pytest.raises(ValueError, match="KEY@YYYY-MM-DD"):
        parse_old_keys(f"k2@2027-01-01,{bad}")


def test_old_keys_need_the_id_number_key_set_apart(app):
    with pytest.raises(RuntimeError, match="FIELD_ENCRYPTION_KEY"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": NEW,
                "OLD_SECRET_KEYS": f"{OLD}@2027-01-31",
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            }
        )
