"""A date range with a category (or status, or channel), sorted by any column, and a search by
surname, for a supervisor of the last estates: the ticket list's page is read from indexes led
by the estate that hold every column the page's query needs, never by visiting the table for
each of the month's tickets (126–284 ms p95 at a million tickets) or by walking every estate's
names (a surname search passed over 98k other estates' rows).

PostgreSQL's own plans (EXPLAIN) of the queries the list sends, taken with sequential scans
and bitmap scans made a last resort (the test tables hold a few rows, where reading the whole
table is cheapest); asserted: the index chosen is led by the estate and carries the columns the
query reads.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from flask_babel import force_locale
from flask_login import login_user
from sqlalchemy import event, text

from admin_app.extensions import db
from admin_app.models import Role, Staff, TicketCategory
from admin_app.panel import listing
from tests.panel.test_list_plans import _ids_query, _index_scans, _seq_scans, _view

MONTH = (datetime(2026, 3, 1), datetime(2026, 3, 31, 23, 59, 59))
INDEX_COLUMNS = (
    "SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) FROM pg_index i "
    "JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
    "GROUP BY c.relname"
)
FIRST_COLUMNS = (
    "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
)


@pytest.fixture
def postgres(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("query plans (EXPLAIN) are PostgreSQL's; SQLite has no such planner")


def _plan(statement: str, parameters) -> dict:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for setting in (
            "enable_seqscan",
            "enable_sort",
            "enable_incremental_sort",
            "enable_bitmapscan",
        ):
            cursor.execute(f"SET {setting} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        connection.rollback()
    finally:
        connection.close()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _spread_tickets(estates) -> None:
    """A year of tickets in each estate, every category, analysed: the planner then knows that
    a month of every estate is more than a month of the user's (with a handful of rows, any
    index is as cheap as another)."""
    categories = list(TicketCategory)
    for estate in estates:
        db.session.execute(
            text(
                "INSERT INTO ticket (estate_id, number, channel, category, status, received_at,"
                " reporter_name, description, severity, validity, after_the_fact, complaint_round,"
                " created_at, updated_at) "
                "SELECT :e, :code || '-' || g, 'phone', (CAST(:c AS text[]))[1 + g % :n], 'open',"
                " TIMESTAMP '2026-01-01' + make_interval(days => g * 2),"
                " (CASE WHEN g % 3 = 0 THEN '张' ELSE '李' END) || g, 'x', 'ordinary',"
                " 'pending', false, 1, now(), now() FROM generate_series(1, 180) g"
            ),
            {
                "e": estate.id,
                "code": estate.code,
                "c": [c.value for c in categories],
                "n": len(categories),
            },
        )
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE ticket"))


def _filters(view, wanted):
    """The view's own filter objects for (column, operation) with values, as the URL gives."""
    chosen = []
    for column, operation, value in wanted:
        for index, flt in enumerate(view._filters):
            op = flt.operation()
            name = str(getattr(op, "_args", [op])[0])
            if getattr(getattr(flt, "column", None), "key", None) == column and name == operation:
                chosen.append((index, flt.name, value))
                break
    assert len(chosen) == len(wanted), wanted
    return chosen


def _assert_from_estate_index(query, table, needed, where):
    plan = _plan(*query)
    used = [n for n in _index_scans(plan) if not n.endswith("_pkey")]
    first = dict(db.session.execute(text(FIRST_COLUMNS)).all())
    holds = dict(db.session.execute(text(INDEX_COLUMNS)).all())
    assert used, f"{where}: no index"
    assert all(first[n] == "estate_id" for n in used), f"{where}: {used} {json.dumps(plan)[:2500]}"
    assert all(set(needed) <= set(holds[n]) for n in used), f"{where}: {used} lack {needed}"
    assert table not in set(_seq_scans(plan)), where


def test_a_month_with_a_filter_in_any_order_reads_one_estate_index(app, factories, postgres):
    estates = [factories.estate() for _ in range(4)]
    with app.app_context():
        _spread_tickets(estates)
    for last in (estates[-2:], estates[-1:]):
        user = factories.staff(Role.director, estates=last)
        with app.test_request_context(), force_locale("en"):
            login_user(db.session.get(Staff, user.id))
            view = _view(app, "ticket")
            between = " to ".join(d.strftime("%Y-%m-%d %H:%M:%S") for d in MONTH)
            sorts = [None] + [c for c, _ in view.get_list_columns() if c in view._sortable_columns]
            for also in (
                [],
                [("category", "equals", TicketCategory.repair.value)],
                [("status", "equals", "open")],
                [("channel", "equals", "phone")],
            ):
                wanted = [("received_at", "between", between), *also]
                filters = _filters(view, wanted)
                for sort in sorts:
                    for desc in (False, True):
                        sent = _sent(view, sort, desc, None, filters)
                        needed = {"estate_id", "received_at", "id", *(c for c, _, _ in also)}
                        needed |= {sort} if sort else set()
                        where = f"month + {also} by {sort} desc={desc}, {len(last)} estates"
                        page = _ids_query(sent, "ticket")
                        _assert_from_estate_index(page, "ticket", needed, where)


def test_a_surname_search_reads_only_the_users_estates(app, factories, postgres, monkeypatch):
    estates = [factories.estate() for _ in range(4)]
    with app.app_context():
        _spread_tickets(estates)
    # Many matches: the page is merged from the estates' ranges (few are ordered from their ids).
    monkeypatch.setattr(listing, "FEW_MATCHES", 0)
    user = factories.staff(Role.director, estates=estates[-2:])
    with app.test_request_context(), force_locale("en"):
        login_user(db.session.get(Staff, user.id))
        view = _view(app, "ticket")
        sent = _sent(view, None, False, "张", [])
        matching = [(s, p) for s, p in sent if "LIKE" in s and "ORDER BY" not in s]
        assert matching, "no count of the matches"
        needed = {"estate_id", "reporter_name", "id"}
        _assert_from_estate_index(matching[0], "ticket", needed, "search 张, matches")
        # The page: the user's estates' ranges, by name or in the list's order, whichever
        # the planner finds cheaper for how common the name is.
        page = _ids_query(sent, "ticket")
        _assert_from_estate_index(page, "ticket", {"estate_id", "id"}, "search 张, page")


def _sent(view, sort, desc, search, filters) -> list[tuple[str, dict]]:
    """The statements the list sends for its first page."""
    sent: list[tuple[str, dict]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        view.get_list(0, sort, desc, search, filters)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return sent
