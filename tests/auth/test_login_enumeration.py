"""No login answer tells whether a username exists: the same cost, messages, status and lock."""

from __future__ import annotations

import re
import statistics
import time

import pytest
import time_machine
from werkzeug import security

from admin_app.extensions import db
from admin_app.models import LoginName, Role
from admin_app.models import staff as staff_module
from admin_app.services import accounts

from ..conftest import PASSWORD, Client


@pytest.fixture
def reception(factories):
    return factories.staff(Role.receptionist, estates=[factories.estate()], username="wang")


def error_of(response) -> str:
    found = re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True))
    return found.group(1) if found else ""


@pytest.fixture
def hash_checks(monkeypatch):
    """How many password hashes each login computed."""
    calls = []

    def counting(pwhash, password):
        calls.append(pwhash)
        return security.check_password_hash(pwhash, password)

    monkeypatch.setattr(staff_module, "check_password_hash", counting)
    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize(
    ("username", "password"),
    [("wang", PASSWORD), ("wang", "wrong-password"), ("nobody", "wrong-password")],
)
def test_every_login_computes_exactly_one_hash(client, reception, hash_checks, username, password):
    client.login(username, password)
    assert len(hash_checks) == 1


def test_locked_names_cost_one_hash_too_known_or_not(app, client, reception, hash_checks):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.login("wang", "wrong-password")
        client.login("nobody", "wrong-password")
    hash_checks.clear()
    client.login("wang")
    client.login("nobody")
    assert len(hash_checks) == 2


def test_unknown_name_takes_as_long_as_a_real_one(app, in_app, factories, monkeypatch):
    # A real hashing cost (not the suite's cheap one): before, a real name took 4x longer.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:60000")
    factories.staff(Role.guard, estates=[factories.estate()], username="li")

    def seconds(username):
        started = time.perf_counter()
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(username, "wrong-password")
        db.session.rollback()  # no lock: only the cost is measured
        return time.perf_counter() - started

    with in_app():
        # Taken in turns, so a busy moment of the machine weighs on both alike.
        pairs = [(seconds("li"), seconds("nobody")) for _ in range(7)]
    known = statistics.median(k for k, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert 1 / 3 < unknown / known < 3, (known, unknown)


def test_first_failure_reads_the_same_for_a_known_and_an_unknown_name(client, reception):
    known, unknown = client.login("wang", "wrong-password"), client.login("nobody", "x-x-x-x")
    assert known.status_code == unknown.status_code == 401
    assert error_of(known) == error_of(unknown) == "Wrong username or password."


@pytest.fixture
def frozen_clock():
    """The lock's minutes are counted to the second: both names are asked at the same one."""
    with time_machine.travel(time.time(), tick=False):
        yield


def test_an_unknown_name_locks_like_a_real_one(app, reception, frozen_clock):
    known, unknown = Client(app), Client(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        known.login("wang", "wrong-password")
        unknown.login("nobody", "wrong-password")
    answers = [known.login("wang"), unknown.login("nobody", PASSWORD)]
    assert [a.status_code for a in answers] == [401, 401]
    assert error_of(answers[0]) == error_of(answers[1])
    assert "The account is locked for" in error_of(answers[0])


def test_locked_unknown_name_in_chinese_reads_like_a_real_one(app, reception, frozen_clock):
    known, unknown = Client(app, lang="zh-CN"), Client(app, lang="zh-CN")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        last_known = known.login("wang", "wrong-password")
        last_unknown = unknown.login("NoBody ", "wrong-password")
    assert error_of(last_known) == error_of(last_unknown)
    assert "锁定" in error_of(last_unknown)


def test_unknown_names_failures_are_kept_per_name(app, client, in_app):
    client.login("nobody", "wrong-password")
    client.login("nobody", "wrong-password")
    client.login("someone", "wrong-password")
    with in_app():
        counts = {row.username: row.failed_logins for row in db.session.query(LoginName)}
    assert counts == {"nobody": 2, "someone": 1}


def test_a_real_account_still_logs_in_after_failures_under_unknown_names(client, reception):
    for name in ("wan", "wangg", "wang1"):
        client.login(name, PASSWORD)
    assert client.login("wang").status_code == 302
