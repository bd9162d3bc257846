"""Every sort of every large list, for a supervisor of the last estates, is read from an index
led by the estate: the page is found within the user's estates, never by walking the sort
column's index over every estate and passing over the others' rows (sorting tickets by number
as a supervisor of the last estates took 1.4 s that way at a million tickets).

PostgreSQL's own plans (EXPLAIN) of the queries the list page sends, for each sortable column
in both directions. The plans are taken with sequential scans discouraged: the test tables
hold a few rows, where reading the whole table is cheapest; what is asserted is that an index
led by the estate exists for each order and is the one chosen.
"""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale
from flask_login import login_user
from sqlalchemy import event, text

from admin_app.extensions import db
from admin_app.models import Role, Staff

# The lists that grow with the estates' work (the small ones, departments, the price list and
# import batches, are read whole; residents' indexes are reviewed with the resident import).
LISTS = [
    "ticket",
    "work_order",
    "payment",
    "cash_hand_in",
    "worker_pass",
    "vehicle_pass",
    "release_pass",
    "gate_check",
    "renovation",
    "renovation_inspection",
    "unit",
    "audit_record",
    "reminder",
    "reminder_delivery",
    "corrective_action",
]


@pytest.fixture
def postgres(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("query plans (EXPLAIN) are PostgreSQL's; SQLite has no such planner")


def _view(app, endpoint):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


def _page_queries(app, view, sort_column, sort_desc) -> list[tuple[str, dict]]:
    """The statements the list sends for its first page in that order."""
    sent: list[tuple[str, dict]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        view.get_list(0, sort_column, sort_desc, None, [])
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return sent


def _ids_query(sent, table: str) -> tuple[str, dict]:
    """The query that finds the page: ids in the list's order, limited to a page."""
    found = [
        (statement, parameters)
        for statement, parameters in sent
        if "ORDER BY" in statement
        and "LIMIT" in statement
        and f"FROM {table}" in statement
        and not statement.startswith("SELECT count")
    ]
    assert found, f"{table}: no page query among {[s[:80] for s, _ in sent]}"
    return found[0]


def _index_scans(plan: dict):
    if "Index Name" in plan:
        yield plan["Index Name"]
    for child in plan.get("Plans", ()):
        yield from _index_scans(child)


def _seq_scans(plan: dict):
    if plan.get("Node Type") == "Seq Scan":
        yield plan.get("Relation Name")
    for child in plan.get("Plans", ()):
        yield from _seq_scans(child)


def _plan(statement: str, parameters) -> dict:
    """The plan of a statement as sent, with sequential scans and sorts made a last resort:
    the page must come from an index that gives the order within each estate."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        connection.rollback()
    finally:
        connection.close()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def test_every_sort_for_a_supervisor_of_the_last_estates_reads_an_estate_index(
    app, factories, postgres
):
    estates = [factories.estate() for _ in range(4)]
    for resource in LISTS:
        for estate in estates:  # (a ticket's creation is written in the history)
            factories.record("ticket" if resource == "audit_record" else resource, estate)
    for last in (estates[-2:], estates[-1:]):  # a supervisor of the last estates, of the last
        user = factories.staff(Role.director, estates=last)
        with app.test_request_context(), force_locale("en"):
            login_user(db.session.get(Staff, user.id))
            first_column = dict(db.session.execute(text(FIRST_COLUMNS)).all())
            for resource in LISTS:
                view = _view(app, resource)
                table = view.model.__tablename__
                shown = [name for name, _ in view.get_list_columns()]
                orders = [(None, False)] + [
                    (name, desc)
                    for name in shown
                    if name in view._sortable_columns
                    for desc in (False, True)
                ]
                for sort_column, sort_desc in orders:
                    sent = _page_queries(app, view, sort_column, sort_desc)
                    plan = _plan(*_ids_query(sent, table))
                    used = [n for n in _index_scans(plan) if not n.endswith("_pkey")]
                    where = f"{resource} by {sort_column} desc={sort_desc}, {len(last)} estates"
                    assert used, f"{where}: no index: {json.dumps(plan)[:1500]}"
                    assert all(first_column[n] == "estate_id" for n in used), f"{where}: {used}"
                    assert table not in set(_seq_scans(plan)), where


FIRST_COLUMNS = (
    "SELECT c.relname, a.attname FROM pg_index i "
    "JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
)


def test_the_residents_default_list_for_a_supervisor_of_the_first_estates_reads_each_estate(
    app, factories, postgres
):
    # Newest first, the resident list walked (id) over every estate: for a supervisor of the
    # first estates of forty, every later estate's residents came first (75,000 index rows
    # for 25 at 200,000 residents). Each of the user's estates is now one range of
    # (estate_id, id). (Residents' other sorts keep one walk: their indexes are kept few.)
    estates = [factories.estate() for _ in range(4)]
    for estate in estates:
        factories.record("resident", estate)
    user = factories.staff(Role.director, estates=estates[:2])
    with app.test_request_context(), force_locale("en"):
        login_user(db.session.get(Staff, user.id))
        first_column = dict(db.session.execute(text(FIRST_COLUMNS)).all())
        sent = _page_queries(app, _view(app, "resident"), None, False)
        plan = _plan(*_ids_query(sent, "resident"))
    used = list(_index_scans(plan))
    assert used and all(first_column[n] == "estate_id" for n in used), used
    assert "resident" not in set(_seq_scans(plan))
