"""A household's file: a unit's residents and every record that names the unit or a resident.

One statement counts every kind of record, then one query per kind the household has reads its
newest rows, whatever the household's size; only the kinds the user may view and only the rows
the user may see of them (estate scope, a technician's own work orders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import lazyload

from admin_app.auth.permissions import VIEW, allowed
from admin_app.auth.scope import scope_filter
from admin_app.extensions import db
from admin_app.models import (
    ReleasePass,
    Renovation,
    Resident,
    Ticket,
    TicketCategory,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
)
from admin_app.services.errors import ServiceError

LIMIT = 10  # rows shown per kind; the section links to its list for the rest


def check_lives_in(resident: Resident | None, unit: Unit | int | None) -> None:
    """A record that names a unit and a resident names one of the unit's residents: a repair
    for 1-1-801 never goes out with the name and phone of someone living in 1-1-101."""
    if resident is None or unit is None:
        return
    unit_id = unit if isinstance(unit, int) else unit.id
    if resident.unit_id != unit_id:
        raise ServiceError(
            _l(
                "%(name)s lives in %(unit)s, not in the unit chosen: choose one of its"
                " residents, or leave the resident empty."
            ),
            name=resident.name,
            unit=resident.unit.label,
        )


def take_contact(record, resident: Resident, name: str, phone: str) -> None:
    """A record's contact fields (`name`, `phone`) left empty take the resident's: nothing the
    panel knows is typed twice. Typed values win (someone calling for the resident, another
    number to call back on)."""
    fill_if_left_empty(record, name, resident.name)
    fill_if_left_empty(record, phone, resident.phone)


def fill_if_left_empty(record, field: str, value) -> None:
    """Carry a known value into a field left empty, but not into one an edit has just
    emptied: whoever cleared the company or the phone meant it, and a save that put it back
    would undo their edit without a word."""
    if (getattr(record, field) or "").strip():
        return
    emptied = any((old or "").strip() for old in inspect(record).attrs[field].history.deleted)
    if not emptied:
        setattr(record, field, value)


@dataclass(frozen=True)
class Source:
    key: str  # the section: "tickets", "complaints", …
    resource: str  # its permission and its list
    model: type
    newest: Callable[[], tuple]
    by_unit: Callable[[int], object]
    by_resident: Callable[[int], object] | None
    only: Callable[[], object] | None = None


@dataclass
class Section:
    key: str
    resource: str
    records: list
    count: int


def _worker_passes_of(link) -> Callable[[int], object]:
    """A worker pass names a renovation, and the renovation the unit and its owner."""
    return lambda pk: WorkerPass.renovation_id.in_(select(Renovation.id).where(link == pk))


SOURCES: tuple[Source, ...] = (
    Source(
        "residents",
        "resident",
        Resident,
        lambda: (Resident.id.desc(),),
        lambda pk: Resident.unit_id == pk,
        None,
    ),
    Source(
        "tickets",
        "ticket",
        Ticket,
        lambda: (Ticket.received_at.desc(), Ticket.id.desc()),
        lambda pk: Ticket.unit_id == pk,
        lambda pk: Ticket.resident_id == pk,
        only=lambda: Ticket.category != TicketCategory.complaint,
    ),
    Source(
        "complaints",
        "ticket",
        Ticket,
        lambda: (Ticket.received_at.desc(), Ticket.id.desc()),
        lambda pk: Ticket.unit_id == pk,
        lambda pk: Ticket.resident_id == pk,
        only=lambda: Ticket.category == TicketCategory.complaint,
    ),
    Source(
        "work_orders",
        "work_order",
        WorkOrder,
        lambda: (WorkOrder.created_at.desc(), WorkOrder.id.desc()),
        lambda pk: WorkOrder.unit_id == pk,
        lambda pk: WorkOrder.resident_id == pk,
    ),
    Source(
        "renovations",
        "renovation",
        Renovation,
        lambda: (Renovation.created_at.desc(), Renovation.id.desc()),
        lambda pk: Renovation.unit_id == pk,
        lambda pk: Renovation.owner_id == pk,
    ),
    Source(
        "worker_passes",
        "worker_pass",
        WorkerPass,
        lambda: (WorkerPass.created_at.desc(), WorkerPass.id.desc()),
        _worker_passes_of(Renovation.unit_id),
        _worker_passes_of(Renovation.owner_id),
    ),
    Source(
        "vehicle_passes",
        "vehicle_pass",
        VehiclePass,
        lambda: (VehiclePass.created_at.desc(), VehiclePass.id.desc()),
        lambda pk: VehiclePass.unit_id == pk,
        lambda pk: VehiclePass.resident_id == pk,
    ),
    Source(
        "release_passes",
        "release_pass",
        ReleasePass,
        lambda: (ReleasePass.created_at.desc(), ReleasePass.id.desc()),
        lambda pk: ReleasePass.unit_id == pk,
        lambda pk: ReleasePass.applicant_id == pk,
    ),
)


def _sections(wanted: list[tuple[Source, object]], user, limit: int) -> list[Section]:
    """Every section's count in one statement, then the newest rows of the sections that
    have any: a household with few kinds of records costs few queries."""

    def conditions(source: Source, clause) -> list:
        found = [clause] if source.only is None else [clause, source.only()]
        in_scope = scope_filter(source.model, user)
        return found if in_scope is None else [*found, in_scope]

    if not wanted:  # a role that may view none of the kinds
        return []
    kinds = [(source, conditions(source, clause)) for source, clause in wanted]
    counts = db.session.execute(
        select(
            *(
                select(func.count()).select_from(source.model).where(*where).scalar_subquery()
                for source, where in kinds
            )
        )
    ).one()
    sections = []
    for (source, where), count in zip(kinds, counts, strict=True):
        records = []
        if count:
            # Only the record itself: the rows show its own columns, never a related record's.
            records = (
                db.session.query(source.model)
                .filter(*where)
                .options(lazyload("*"))
                .order_by(*source.newest())
                .limit(limit)
                .all()
            )
        sections.append(Section(source.key, source.resource, records, count))
    return sections


def for_unit(user, unit_id: int, limit: int = LIMIT) -> list[Section]:
    """The unit's residents and the records that name the unit."""
    wanted = [
        (source, source.by_unit(unit_id))
        for source in SOURCES
        if allowed(user, source.resource, VIEW)
    ]
    return _sections(wanted, user, limit)


def for_resident(user, resident: Resident, limit: int = LIMIT) -> list[Section]:
    """The resident's household (the residents of the unit) and the records that name the
    resident."""
    wanted = [
        (
            source,
            source.by_unit(resident.unit_id)
            if source.by_resident is None
            else source.by_resident(resident.id),
        )
        for source in SOURCES
        if allowed(user, source.resource, VIEW)
    ]
    return _sections(wanted, user, limit)
