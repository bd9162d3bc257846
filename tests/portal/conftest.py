"""The residents' pages' fixtures: codes sent inline through the in-memory SMS provider, and a
client that signs in as a resident the way a person does (number, text, code)."""

from __future__ import annotations

import re

import pytest

from admin_app.services.reminders.channels import MemorySmsProvider

from ..conftest import Client


@pytest.fixture(autouse=True)
def sms_in_memory(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "memory")
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    MemorySmsProvider.sent.clear()
    yield MemorySmsProvider.sent
    MemorySmsProvider.sent.clear()


def code_sent_to(phone: str) -> str | None:
    text = MemorySmsProvider.last_to(phone)
    found = re.search(r"\b(\d{6})\b", text or "")
    return found.group(1) if found else None


class ResidentClient(Client):
    """A phone's browser on the residents' pages."""

    def csrf_token(self) -> str:
        page = self.http.get("/r/sign-in", headers=self.headers)
        if page.status_code == 302:
            page = self.http.get("/r/", headers=self.headers)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def ask_code(self, phone: str):
        return self.post("/r/sign-in", {"phone": phone})

    def sign_in(self, phone: str, choose: int | None = None):
        self.ask_code(phone)
        response = self.post("/r/sign-in/code", {"phone": phone, "code": code_sent_to(phone)})
        if choose is not None:
            response = self.post("/r/sign-in/home", {"resident": str(choose)})
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        return self


@pytest.fixture
def resident_client(app):
    """resident_client(resident_or_phone, lang=None) -> a client signed in as that resident."""

    def make(resident, lang: str | None = None, choose: int | None = None) -> ResidentClient:
        client = ResidentClient(app, lang=lang)
        return client.sign_in(getattr(resident, "phone", resident), choose=choose)

    return make


@pytest.fixture
def portal_client(app):
    return ResidentClient(app)
