"""A list's CSV export written by PostgreSQL (COPY) is the file the Python path writes, byte
for byte: the same rows of the user's estates, filtered and sorted, the same headings in the
reader's language, states in words, ID numbers masked and formulas neutralised."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import ARRAY, Text, func, literal, select

from admin_app import sensitive
from admin_app.extensions import db
from admin_app.models import Department, Role, TicketCategory, TicketStatus
from admin_app.panel import export_copy
from admin_app.services.spreadsheets import neutralise


def on_postgresql(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


@pytest.fixture
def postgresql(app):
    if not on_postgresql(app):
        pytest.skip("COPY … TO STDOUT is PostgreSQL's; SQLite exports through Python")


TRICKY = [
    '=HYPERLINK("http://x","点我")',
    "-12.5",
    "+8613800138000",
    "@SUM(A1)",
    "\tTab first",
    "\rCR first",
    "-",
    "－全角减号",
    'a, b and "quoted"',
    "two\nlines",
    "windows\r\nline",
    "",
    "普通的描述",
]


@pytest.fixture
def estate_tickets(factories):
    """Two estates; the supervisor sees the first only. Cells that need quoting, escaping or
    a label written from several parts."""
    mine, other = factories.estate(name="华苑小区"), factories.estate(name="=别人的小区")
    units = [
        factories.unit(mine, building="3号楼", entrance="2单元", room="601室"),
        factories.unit(mine, building="３栋", entrance="", room="0101"),
        factories.unit(mine, building="12", entrance="1", room="1202号"),
    ]
    resident = factories.resident(units[0], name="张三", phone="13800138000")
    supervisor = factories.staff(Role.supervisor, estates=[mine], name="-李主管")
    with factories.app.app_context():
        department = Department(estate_id=mine.id, name="+工程部")
        db.session.add(department)
        db.session.commit()
        department_id = department.id
    for i, text in enumerate(TRICKY):
        factories.ticket(
            mine,
            category=TicketCategory.repair if i % 3 else TicketCategory.complaint,
            status=TicketStatus.open if i % 2 else TicketStatus.in_progress,
            unit_id=units[i % 3].id,
            resident_id=resident.id if i % 2 else None,
            reporter_name=text or None,
            reporter_phone=TRICKY[-1 - i][:20],
            location=TRICKY[-1 - i][:100] or None,
            description=text,
            assignee_id=supervisor.id if i % 2 else None,
            department_id=department_id if i % 4 == 0 else None,
            after_the_fact=bool(i % 2),
            received_at=datetime(2026, 3, 1 + i % 5, 9, i),
        )
    factories.ticket(other, description="not in my estates")
    return supervisor


def both_exports(client, monkeypatch, url):
    copied = client.get(url)
    assert copied.status_code == 200
    copied = copied.get_data()
    with monkeypatch.context() as m:
        m.setattr(export_copy, "csv_stream", lambda *a, **k: None)
        python = client.get(url)
        assert python.status_code == 200
        python = python.get_data()
    return copied, python


@pytest.mark.parametrize(
    "lang, query",
    [
        ("zh-CN", ""),
        ("en", "?sort=4&desc=1"),  # by the date received, newest first
        ("zh-CN", "?flt0_category_equals=repair&sort=0"),  # repairs, by number
        ("zh-CN", "?search=13800138000"),  # the caller's phone, through the resident
    ],
)
def test_the_database_writes_the_same_file(
    postgresql, estate_tickets, login, monkeypatch, lang, query
):
    client = login(estate_tickets, lang=lang)
    copied, python = both_exports(client, monkeypatch, f"/admin/ticket/export/csv/{query}")
    assert copied == python
    assert "别人的小区".encode() not in copied  # another estate's tickets stay out
    assert copied.count(b"\r\n") > 2  # a heading and rows
    if not query:
        assert b"'=HYPERLINK" in copied and "'-李主管".encode() in copied


def test_the_database_writes_the_file(postgresql, estate_tickets, login, monkeypatch):
    """The COPY path is the one taken (not a silent fallback)."""
    taken = []
    original = export_copy.csv_stream

    def spy(*args):
        body = original(*args)
        taken.append(body is not None)
        return body

    monkeypatch.setattr(export_copy, "csv_stream", spy)
    login(estate_tickets).get("/admin/ticket/export/csv/")
    assert taken == [True]


@pytest.fixture
def sql_values(app, postgresql):
    """Evaluate an SQL rule on many strings at once: [rule(v) for v in values]."""

    def run(rule, values: list[str]) -> list[str]:
        with app.app_context():
            table = (
                func.unnest(literal(values, ARRAY(Text)))
                .table_valued("v", with_ordinality="n")
                .render_derived(name="t")
            )
            rows = db.session.execute(
                select(func.coalesce(rule(table.c.v), "")).order_by(table.c.n)
            ).all()
            db.session.rollback()
            return [row[0] for row in rows]

    return run


# What PostgreSQL can hold in text: no NUL, no surrogates.
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
starts = st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "1"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(starts, texts, st.sampled_from(["", "12", "-3.5", "1.", "x"])), max_size=30)
)
def test_sql_neutralises_as_python_does(sql_values, parts):
    values = [a + b + c for a, b, c in parts] + ["-12", "-12\n", "+1.5", "-١٢", "=1+1", ""]
    assert sql_values(export_copy.neutralise_sql, values) == [neutralise(v) for v in values]


ids = st.one_of(
    texts,
    st.text("0123456789Xx ", max_size=20),
    st.text("0123456789", min_size=15, max_size=15),
    st.text("０１２３４５６７８９²٣", min_size=15, max_size=15),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ids, max_size=30))
def test_sql_masks_as_python_does(sql_values, values):
    values = values + ["110105199001011234", "110105900101123", "ab 12 34", "1234", " ", "ß123456"]
    assert sql_values(export_copy.mask_sql, values) == [sensitive.mask(v) for v in values]


def test_masking_a_masked_number_changes_nothing():
    """The export masks the stored masked number again (a full number that slipped into the
    masked column still leaves masked): that is the same text for every masked number."""
    for number in ["110105199001011234", "110105900101123", "AB1234567", "G12345678", "1234"]:
        masked = sensitive.mask(number)
        assert sensitive.mask(masked) == masked


def test_the_whitespace_list_is_pythons():
    every = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert every == export_copy.PYTHON_WHITESPACE
