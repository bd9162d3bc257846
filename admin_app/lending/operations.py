"""The verbs of the lending box at the gate (百宝箱): lend an item for use inside the estate,
take it back. Each checks, changes, writes history and flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from admin_app import clock, validation
from admin_app.auth.checks import check_may
from admin_app.extensions import db
from admin_app.models import BoxItem, Loan, Unit
from admin_app.services import history
from admin_app.services.errors import ServiceError

NAME_MAX = 50


@dataclass(frozen=True)
class InTheBox:
    """One item of an estate's box and how many of it are there now."""

    item: BoxItem
    out: int

    @property
    def left(self) -> int:
        return max(self.item.count - self.out, 0)


def box(estate_id: int) -> list[InTheBox]:
    """What the estate's box offers, each with how many are lent out (one query)."""
    out = (
        db.session.query(Loan.item_id, func.count(Loan.id))
        .filter(Loan.estate_id == estate_id, Loan.returned_at.is_(None))
        .group_by(Loan.item_id)
    )
    counts = dict(out.all())
    items = (
        db.session.query(BoxItem)
        .filter(BoxItem.estate_id == estate_id, BoxItem.active.is_(True))
        .order_by(BoxItem.name)
    )
    return [InTheBox(item, counts.get(item.id, 0)) for item in items]


def lent_out(estate_id: int):
    """The estate's loans not back yet, the longest out first."""
    return (
        db.session.query(Loan)
        .filter(Loan.estate_id == estate_id, Loan.returned_at.is_(None))
        .order_by(Loan.lent_at, Loan.id)
    )


def lend(
    actor,
    *,
    item: BoxItem | None,
    unit: Unit | None,
    borrower_name: str,
    phone: str | None = None,
) -> Loan:
    """A resident takes an item from the box: which, for which unit, who, and a number to call
    if it is not back in time (optional). Refused when every one of it is out."""
    if item is None or not item.active:
        raise ServiceError(_l("Choose what is lent."))
    check_may(actor, "loan.lend", item.estate_id)
    if unit is None:
        raise ServiceError(_l("Choose the unit of the borrower."))
    if unit.estate_id != item.estate_id:
        raise ServiceError(_l("This unit is not in this estate."))
    name = validation.one_line(borrower_name, NAME_MAX)
    if not name:
        raise ServiceError(_l("Enter the borrower's name."))
    phone = validation.checked_phone(phone)
    _check_one_left(item)
    now = clock.now()
    loan = Loan(
        estate_id=item.estate_id,
        item=item,
        unit=unit,
        borrower_name=name,
        phone=phone,
        lent_at=now,
        lent_by_id=actor.id,
        due_at=now + timedelta(hours=item.lend_hours),
    )
    with history.action("loan_lent", actor=actor):
        db.session.add(loan)
        db.session.flush()
    return loan


def take_back(loan: Loan, actor) -> None:
    """The item is back in the box (one tap on the list of what is lent out)."""
    check_may(actor, "loan.take_back", loan.estate_id)
    if loan.returned_at is not None:
        raise ServiceError(
            _l("%(item)s was already back at %(time)s."),
            item=loan.item.name,
            time=f"{loan.returned_at:%H:%M}",
        )
    with history.action("loan_returned", actor=actor):
        loan.returned_at = clock.now()
        loan.returned_by_id = actor.id
        db.session.flush()


UNDO_MINUTES = 10  # a wrong line tapped is seen at once; later, the loan's history tells


def just_returned(estate_id: int, actor):
    """What this person took back in the last UNDO_MINUTES, the latest first: the screen
    offers to undo it."""
    since = clock.now() - timedelta(minutes=UNDO_MINUTES)
    return (
        db.session.query(Loan)
        .filter(
            Loan.estate_id == estate_id,
            Loan.returned_by_id == actor.id,
            Loan.returned_at >= since,
        )
        .order_by(Loan.returned_at.desc(), Loan.id.desc())
    )


def undo_take_back(loan: Loan, actor) -> None:
    """A "Back" tapped on the wrong line: the loan is out again, as it was, with its deadline
    and reminders. Only by whoever tapped it, within UNDO_MINUTES, and while one is in the box."""
    check_may(actor, "loan.take_back", loan.estate_id)
    if loan.returned_at is None:
        raise ServiceError(_l("%(item)s is still lent out."), item=loan.item.name)
    late = loan.returned_at < clock.now() - timedelta(minutes=UNDO_MINUTES)
    if loan.returned_by_id != actor.id or late:
        raise ServiceError(
            _l("Only your own return of the last %(minutes)d minutes can be undone."),
            minutes=UNDO_MINUTES,
        )
    _check_one_left(loan.item)  # lent again meanwhile, to the last one
    with history.action("loan_return_undone", actor=actor):
        loan.returned_at = None
        loan.returned_by_id = None
        db.session.flush()


def _check_one_left(item: BoxItem) -> None:
    # Two guards lending the last one at once: the item's row is the lock.
    db.session.query(BoxItem).filter(BoxItem.id == item.id).with_for_update().one()
    out = db.session.query(func.count(Loan.id)).filter(
        Loan.item_id == item.id, Loan.returned_at.is_(None)
    )
    if out.scalar() >= item.count:
        raise ServiceError(
            _l("No %(item)s left in the box: all %(count)d are lent out."),
            item=item.name,
            count=item.count,
        )
