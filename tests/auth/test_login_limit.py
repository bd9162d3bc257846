"""The per-client login limit: one address failing across many names is slowed, then stopped
with a 429 in the user's language; other addresses log in as before. On memory and on Redis."""

from __future__ import annotations

import os
import re
import time

import pytest
import time_machine

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import Role

from ..conftest import PASSWORD, Client

# Small limits, so a test stays short: 5 failures a minute and 8 an hour from one address,
# 3 a minute for one name from one address.
LIMITS = {
    "LOGIN_LIMIT_PER_ADDRESS": "5 per minute; 8 per hour",
    "LOGIN_LIMIT_PER_ADDRESS_AND_NAME": "3 per minute",
}
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def build(session_app, **config):
    return create_app(
        {
            **{k: session_app.config[k] for k in ("TESTING", "SECRET_KEY", "PASSWORD_HASH_METHOD")},
            "SQLALCHEMY_DATABASE_URI": session_app.config["SQLALCHEMY_DATABASE_URI"],
            "REMINDERS_IN_PROCESS": False,
            "REDIS_URL": None,
            **LIMITS,
            **config,
        }
    )


@pytest.fixture(scope="module", params=["memory", "redis"])
def limited_app(request, app):
    """An app with the small limits, counting in memory or in Redis (the real one when
    REDIS_URL is set, fakeredis otherwise)."""
    with pytest.MonkeyPatch.context() as patch:
        redis_url = None
        if request.param == "redis":
            redis_url = os.environ.get("REDIS_URL")
            if not redis_url:
                import fakeredis
                import redis

                server = fakeredis.FakeServer()
                patch.setattr(
                    redis, "from_url", lambda url, **kw: fakeredis.FakeRedis(server=server)
                )
                redis_url = "redis://fake"
        built = build(app, REDIS_URL=redis_url, LOGIN_LIMIT_KEY_PREFIX=f"login-limit-test-{WORKER}")
        assert (
            built.extensions["login_limiter"]
            .storage.__class__.__name__.lower()
            .startswith(request.param)
        )
        yield built
    with built.app_context():
        db.engine.dispose()


@pytest.fixture
def limited(limited_app):
    limited_app.extensions["login_limiter"].reset()
    yield limited_app
    limited_app.extensions["login_limiter"].reset()


@pytest.fixture
def reception(factories):
    return factories.staff(Role.receptionist, estates=[factories.estate()], username="wang")


WRONG = "wrong-password"  # noqa: S105 - a test's wrong guess


def login(client: Client, username: str, password: str = WRONG, address="10.0.0.7"):
    return client.post(
        "/login",
        {"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def error_of(response) -> str:
    found = re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True))
    return found.group(1) if found else ""


def test_failing_across_many_names_is_stopped_with_429(limited, reception):
    client = Client(limited)
    answers = [login(client, f"guess{n}") for n in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    stopped = login(client, "guess5")
    assert stopped.status_code == 429
    assert error_of(stopped) == (
        "Too many failed logins from this computer. Please wait 1 minute and try again."
    )
    assert 0 < int(stopped.headers["Retry-After"]) <= 60
    assert 'name="username"' in stopped.get_data(as_text=True)  # the form, to try later
    # Stopped means stopped: even the right password waits.
    assert login(client, "wang", PASSWORD).status_code == 429


def test_the_message_is_in_the_users_language(limited, reception):
    client = Client(limited, lang="zh-CN,zh;q=0.9")
    for n in range(5):
        login(client, f"guess{n}")
    stopped = login(client, "guess5")
    assert stopped.status_code == 429
    assert "登录失败次数过多" in error_of(stopped)


def test_another_address_is_not_affected(limited, reception):
    client = Client(limited)
    for n in range(6):
        login(client, f"guess{n}")
    assert login(client, "guess6").status_code == 429
    other = Client(limited)
    assert login(other, "guess0", address="10.0.0.8").status_code == 401
    assert login(other, "wang", PASSWORD, address="10.0.0.8").status_code == 302


def test_one_name_hammered_from_one_address_is_stopped_before_the_address(limited, reception):
    client = Client(limited)
    assert [login(client, "wang").status_code for _ in range(3)] == [401] * 3
    assert login(client, "wang").status_code == 429
    assert login(client, "guess").status_code == 401  # the address still has tries left


def test_successful_logins_do_not_count(limited, reception):
    for _ in range(7):
        assert login(Client(limited), "wang", PASSWORD).status_code == 302
    assert login(Client(limited), "guess").status_code == 401


def test_a_client_is_slowed_then_stopped_for_the_hour(limited, reception):
    client = Client(limited)
    start = time.time()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            login(client, f"guess{n}")
        assert login(client, "guess5").status_code == 429
    with time_machine.travel(start + 61, tick=False):  # a minute later: slowed, not stopped
        assert [login(client, f"late{n}").status_code for n in range(3)] == [401] * 3
        stopped = login(client, "late3")
    assert stopped.status_code == 429
    assert int(stopped.headers["Retry-After"]) > 50 * 60
    assert "wait 59 minutes" in error_of(stopped)


def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(app, reception):
    behind = build(app, TRUSTED_PROXIES=1, LOGIN_LIMIT_KEY_PREFIX=f"proxy-test-{WORKER}")
    client = Client(behind)

    def via_balancer(client_address, name):
        return client.post(
            "/login",
            {"username": name, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": client_address},
        )

    for n in range(5):
        via_balancer("203.0.113.5", f"guess{n}")
    assert via_balancer("203.0.113.5", "guess5").status_code == 429
    assert via_balancer("203.0.113.6", "guess5").status_code == 401


def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(limited, reception):
    client = Client(limited)
    for n in range(5):
        client.post(
            "/login",
            {"username": f"guess{n}", "password": "x"},
            environ_base={"REMOTE_ADDR": "10.0.0.7", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"},
        )
    assert login(client, "guess5").status_code == 429
