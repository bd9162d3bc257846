"""Shared by the hypothesis tests of forms: odd values to send, what a page says, and what a
request wrote."""

from __future__ import annotations

import base64
import re

from hypothesis import strategies as st

from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Notification,
    Reminder,
    RenovationInspection,
    StoredFile,
    WorkOrder,
)

# Values a person (or a script) might send.
ODD_STRINGS = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-11-23 25:61:00",
    "0001-01-01",
    "9999-12-31 23:59:59",
    "null",
    "1; DROP TABLE unit",
    "\x00",
    "a\x00b",
    "\u202etxt.exe",
    "😀" * 3,
    "𠀀",
    "\r\n\r\n",
]
huge = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["a", "中", "\x00", "<", "𠀀", "\x1b", " "]),
    st.integers(min_value=60, max_value=70_000),
)
chaos = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    huge,
    st.integers(min_value=-(2**63), max_value=2**64).map(str),
    st.sampled_from(ODD_STRINGS),
)

CJK = re.compile(r"[\u4e00-\u9fff]")

# What a number, date or choice field might be sent besides random text.
ODD_VALUES = [
    "sNaN",
    "Infinity",
    "-0",
    "1e20",
    "99999999.995",
    "100000000",
    "-0.001",
    "2147483648",
    "99999999999999999999",
    "2026-13-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "0001-01-01",
    "9999-12-31",
    "2026-02-29",
    "y",
    "data:image/png;base64,!!!!",
    "data:image/png;base64," + base64.b64encode(b"not a png").decode(),
]
values = st.one_of(chaos, st.sampled_from(ODD_VALUES))


def snapshot(model, record_id) -> dict:
    row = db.session.get(model, record_id)
    return {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key != "updated_at"}


WRITTEN = (AuditRecord, StoredFile, Reminder, WorkOrder, RenovationInspection, Notification)


def written() -> dict:
    return {m.__name__: db.session.query(m).count() for m in WRITTEN}


def post_whole_or_nothing(client, url: str, form: dict, model, record_id, in_app):
    """POST a create (/new/) or edit form and check it saved whole or not at all: saved (302),
    one new record or the one edited; refused (200, saying why), the table, the record and
    everything a save writes besides (audit, files, reminders…) exactly as before."""
    editing = "/edit/" in url
    with in_app():
        count, before, effects = (
            db.session.query(model).count(),
            snapshot(model, record_id),
            written(),
        )
    response = client.post(url, form)
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 302), (response.status_code, form)
    assert "Traceback" not in body and "Internal Server Error" not in body
    with in_app():
        if response.status_code == 302:
            assert db.session.query(model).count() == count + (0 if editing else 1)
        else:
            assert db.session.query(model).count() == count
            assert snapshot(model, record_id) == before
            assert written() == effects
    return response, body


def shown_messages(html: str) -> list[str]:
    """The flash messages (without their close button) and field errors on the page; not the
    signature page's hidden hint."""
    found = re.findall(r'<div class="alert [^"]*"[^>]*>(.*?)</div>', html, re.S)
    found += re.findall(r'class="invalid-feedback d-block"[^>]*>(.*?)</', html, re.S)
    texts = [re.sub(r"<button.*?</button>|<[^>]+>|&times;|\s+", " ", m).strip() for m in found]
    return [t for t in texts if t]


def assert_says_why(html: str, lang: str) -> list[str]:
    messages = shown_messages(html)
    assert messages, "refused without a word"
    if lang == "zh":  # every message in Chinese (record numbers and values may be Latin)
        untranslated = [m for m in messages if not CJK.search(m)]
        assert not untranslated, untranslated
    return messages
