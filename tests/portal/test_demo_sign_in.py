"""The residents' sign-in can be followed in the demo: the seed names a resident's phone, and
with the "log" text provider and LOG_LEVEL=INFO (what `dev.py demo` sets) the text with the
code is printed, so whoever tries the demo can read it and sign in."""

from __future__ import annotations

import logging
import re

import pytest

from admin_app import configure_logging
from admin_app.extensions import db

from .conftest import ResidentClient


@pytest.fixture
def panel_log_restored():
    panel = logging.getLogger("admin_app")
    level, handlers = panel.level, list(panel.handlers)
    yield
    panel.setLevel(level)
    panel.handlers[:] = handlers


def test_the_demo_residents_sign_in_prints_its_code(
    app, in_app, monkeypatch, capsys, panel_log_restored
):
    from seed.demo import seed_demo

    with in_app():
        summary = seed_demo()
        db.session.commit()
    phone = re.search(r"Residents' pages \(/r/\): sign in with (1\d{10})", summary).group(1)
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "log")
    monkeypatch.setitem(app.config, "LOG_LEVEL", "INFO")
    configure_logging(app)
    client = ResidentClient(app)
    assert client.ask_code(phone).status_code == 200
    printed = capsys.readouterr().err
    assert phone not in printed  # masked, as in any log line
    code = re.search(rf"SMS to {phone[:3]}\*\*\*\*{phone[-4:]}: .*?\b(\d{{6}})\b", printed)
    assert code, printed[-500:]
    signed = client.post("/r/sign-in/code", {"phone": phone, "code": code.group(1)})
    assert signed.status_code == 302 and client.get("/r/").status_code == 200
