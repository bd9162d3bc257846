"""Every list page issues a bounded number of queries, however many rows it shows (no N+1).

Each list is opened with a few rows and again with several times as many, every row pointing
at related records of its own (unit, resident, technician, …), so a lazy load per row would
show up as more queries. Counted, not timed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine.default import CACHE_HIT
from sqlalchemy.orm import RelationshipDirection

from admin_app.extensions import db
from admin_app.models import ResidentImport, Role, TicketCategory, WorkOrderStatus

MOST_QUERIES = 25  # login, scope, the ids, the rows, their relations, the count, filters
FEW, MANY = 2, 8


def _list_endpoints(app) -> list[str]:
    return [
        view.endpoint
        for view in app.extensions["admin"][0]._views
        if getattr(view, "model", None) is not None
    ]


def test_every_model_view_is_covered(app):
    assert set(_list_endpoints(app)) == set(RESOURCES)


RESOURCES = [
    "ticket",
    "work_order",
    "price_item",
    "payment",
    "cash_hand_in",
    "worker_pass",
    "vehicle_pass",
    "release_pass",
    "gate_check",
    "renovation",
    "renovation_inspection",
    "resident",
    "import_batch",
    "unit",
    "estate",
    "staff",
    "audit_record",
    "reminder",
    "reminder_delivery",
    "action_batch",
    "department",
    "corrective_action",
    "visitor",
    "staff_message",
    "parcel",
    "box_item",
    "loan",
    "workday_override",
    "home_visit_booking",
    "api_token",
]


def _make(factories, resource: str, estate):
    if resource == "import_batch":
        row = ResidentImport(
            estate_id=estate.id,
            filename="住户.csv",
            created_by_id=factories.staff(Role.receptionist, estates=[estate]).id,
        )
        with factories.app.app_context():
            db.session.add(row)
            db.session.commit()
            return ResidentImport, row.id
    if resource == "api_token":
        return _api_token(factories, estate)
    if resource == "audit_record":
        # Changing a record writes its audit row, with the staff member who did it.
        factories.ticket(estate)
        return None
    record = factories.estate() if resource == "estate" else factories.record(resource, estate)
    return type(record), record.id


def _api_token(factories, estate):
    """An integration's token of the estate (admin_app/api/), as the admin's form makes it."""
    from admin_app.api import tokens
    from admin_app.models import ApiToken, Estate

    with factories.app.app_context():
        secret = tokens.new_secret()
        row = ApiToken(
            name=secret[-12:],
            prefix=secret[:9],
            secret_hash=tokens.digest(secret),
            scopes=["tickets:read"],
            estates=[db.session.get(Estate, estate.id)],
        )
        db.session.add(row)
        db.session.commit()
        return ApiToken, row.id


RELATED = ("staff", "unit", "resident", "renovation", "reminder", "ticket")


def _fill_relations(app, factories, record, estate) -> None:
    """Point every empty many-to-one of the record at a new related record of its own."""
    if record is None:
        return
    model, record_id = record
    with app.app_context():
        row = db.session.get(model, record_id)
        empty = [
            (next(iter(rel.local_columns)).key, rel.mapper.class_.__tablename__)
            for rel in sa_inspect(model).relationships
            if rel.direction is RelationshipDirection.MANYTOONE
            and not rel.viewonly
            and rel.mapper.class_.__tablename__ in RELATED
            and getattr(row, rel.key) is None
        ]
        db.session.rollback()
    # Each factory commits in its own session; the foreign keys are set afterwards.
    values = {column: factories.record(target, estate).id for column, target in empty}
    with app.app_context():
        row = db.session.get(model, record_id)
        for column, value in values.items():
            setattr(row, column, value)
        db.session.commit()


def _rows(app, factories, resource, estate, count):
    for _ in range(count):
        _fill_relations(app, factories, _make(factories, resource, estate), estate)


def _executed(app, c, url: str) -> list[tuple]:
    """The statements a request ran, each with SQLAlchemy's execution context."""
    executed: list[tuple] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        executed.append((statement, context))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = c.get(url)
        response.get_data()  # a streamed body (the export) runs its queries while it is read
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200, url
    return executed


def _queries_for(app, c, url: str) -> int:
    return len(_executed(app, c, url))


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_page_query_count_does_not_grow_with_rows(resource, app, factories, login):
    estate = factories.estate()
    admin = factories.staff(Role.admin, all_estates=True)
    c = login(admin)
    url = f"/admin/{resource}/"
    _rows(app, factories, resource, estate, FEW)
    c.get(url)  # warm: translations and the estates of the filters are cached per process
    few = _queries_for(app, c, url)
    _rows(app, factories, resource, estate, MANY - FEW)
    many = _queries_for(app, c, url)
    table = c.get(url).get_data(as_text=True).split("model-list")[1].split("</table>")[0]
    assert table.count("<tr") - 1 >= MANY  # the rows are on the page, under the header
    assert many == few, f"{resource}: {few} queries for {FEW} rows, {many} for {MANY}"
    assert many <= MOST_QUERIES, f"{resource}: {many} queries"


# Reminders and import batches are not exported (the permission matrix asserts it), nor the
# visitor register and parcels (personal data: tests/visitors/test_screens.py).
EXPORTED = [r for r in RESOURCES if r not in ("import_batch", "reminder", "reminder_delivery")]
EXPORTED = [r for r in EXPORTED if r not in ("visitor", "parcel", "loan")]
# Nor the integrations' tokens: a screen for admins, with no export.
EXPORTED = [r for r in EXPORTED if r != "api_token"]


@pytest.mark.parametrize("resource", EXPORTED)
def test_export_query_count_does_not_grow_with_rows(resource, app, factories, login):
    estate = factories.estate()
    c = login(factories.staff(Role.admin, all_estates=True))
    url = f"/admin/{resource}/export/csv/"
    _rows(app, factories, resource, estate, FEW)
    few = _queries_for(app, c, url)
    _rows(app, factories, resource, estate, MANY - FEW)
    many = _queries_for(app, c, url)
    lines = c.get(url).get_data(as_text=True).strip().splitlines()
    assert len(lines) - 1 >= MANY  # every row exported, under the header
    assert many == few, f"{resource}: {few} queries for {FEW} rows, {many} for {MANY}"


def test_the_technicians_phone_page_query_count_does_not_grow_with_orders(app, factories, login):
    estate = factories.estate()
    tech = factories.staff(Role.technician, estates=[estate])

    def dispatch(count):  # each order at a flat of its own, as on a real round
        for _ in range(count):
            unit = factories.unit(estate)
            factories.work_order(
                estate, unit_id=unit.id, technician_id=tech.id, status=WorkOrderStatus.dispatched
            )

    c = login(tech)
    dispatch(FEW)
    c.get("/tech/")
    few = _queries_for(app, c, "/tech/")
    dispatch(MANY - FEW)
    many = _queries_for(app, c, "/tech/")
    page = c.get("/tech/").get_data(as_text=True)
    assert page.count("更换灯泡") >= MANY  # every order's card is there
    assert many == few, f"{few} queries for {FEW} orders, {many} for {MANY}"


def _household_records(factories, estate, unit, resident, count: int) -> None:
    """`count` records of every kind the household's file shows, each naming the unit and
    the resident (and a resident more in the flat)."""
    for _ in range(count):
        factories.resident(unit, name="家人")
        factories.ticket(estate, unit_id=unit.id, resident_id=resident.id)
        factories.ticket(
            estate, category=TicketCategory.complaint, unit_id=unit.id, resident_id=resident.id
        )
        factories.work_order(estate, unit_id=unit.id, resident_id=resident.id)
        renovation = factories.renovation(estate, unit, owner_id=resident.id)
        factories.worker_pass(estate, renovation)
        factories.vehicle_pass(estate, unit_id=unit.id, resident_id=resident.id)
        factories.release_pass(estate, unit, applicant_id=resident.id)


@pytest.mark.parametrize("resource", ["unit", "resident"])
def test_the_household_file_query_count_does_not_grow_with_its_records(
    resource, app, factories, login
):
    estate = factories.estate()
    unit = factories.unit(estate, building="3", room="601")
    resident = factories.resident(unit, name="王芳")
    c = login(factories.staff(Role.supervisor, estates=[estate]))
    url = f"/admin/{resource}/details/?id={unit.id if resource == 'unit' else resident.id}"
    _household_records(factories, estate, unit, resident, FEW)
    c.get(url)
    few = _queries_for(app, c, url)
    _household_records(factories, estate, unit, resident, 12 - FEW)  # beyond the ten shown
    many = _queries_for(app, c, url)
    page = c.get(url).get_data(as_text=True)
    assert "and 2 more" in page  # the sections are full
    assert many == few, f"{resource}: {few} queries for {FEW} of each, {many} for 12"
    assert many <= MOST_QUERIES, f"{resource}: {many} queries"


def _compiled_afresh(app, c, url: str) -> list[str]:
    """The statements of a request that SQLAlchemy compiled rather than took from its cache."""
    return [
        statement
        for statement, context in _executed(app, c, url)
        if context is not None
        and context.compiled is not None
        and context.cache_hit is not CACHE_HIT
    ]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_page_opened_again_compiles_no_statement_afresh(resource, app, factories, login):
    """Compiling a statement costs more than PostgreSQL takes to run most of a list's queries;
    SQLAlchemy keeps each compiled form unless a statement carries its values in its text (a
    VALUES list did, on every page a supervisor of several estates opened)."""
    estates = [factories.estate(), factories.estate()]
    # A supervisor of two estates: the list merges one range per estate (panel/listing.py).
    # The integrations' tokens are an admin's screen.
    role = Role.admin if resource == "api_token" else Role.supervisor
    _rows(app, factories, resource, estates[1], FEW)
    c = login(factories.staff(role, estates=estates))
    url = f"/admin/{resource}/?page=0"
    c.get(url)
    assert _compiled_afresh(app, c, url) == []
