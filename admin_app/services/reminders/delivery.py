"""Delivering one reminder: the service verbs a delivery job calls, each checking, changing and
flushing; the job commits between them.

`publish` claims a queued reminder with a conditional UPDATE (status queued → sent), so of any
number of jobs for the same reminder — retries, a second sweep, a rescued lost job — exactly
one puts it in the inboxes, in the same transaction. E-mail and SMS cannot share that
transaction: each is its own ReminderDelivery row, claimed (pending → sending) and committed
before the message leaves and recorded after, so a retry never sends it twice; a worker that
died mid-send leaves it "sending", and the sweep marks it outcome-unknown, not sent again.
Everything the message needs is read before the claim, so only a cut during the call to the
mail or SMS server itself can leave that doubt.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Role,
    Staff,
    staff_estate,
)
from admin_app.services.reminders import channels, messages, outbox
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS
from admin_app.services.reminders.rules import RULES_BY_NAME
from admin_app.services.reminders.store import insert_ignoring_duplicates

MAX_ATTEMPTS = 3  # per e-mail or text message
REMINDER, DELIVERY = Reminder.__table__, ReminderDelivery.__table__
COMPANY_WIDE = (Role.admin, Role.director)


def publish(reminder_id: int) -> bool:
    """Put a queued reminder into its recipients' inboxes and plan its e-mails and texts.
    False when there was nothing to deliver (already sent, cancelled, or no longer due)."""
    return reminder_id in publish_many([reminder_id])


def publish_many(reminder_ids: list[int]) -> set[int]:
    """`publish` for many reminders at once (a batch chunk's hand-offs): the same claim, checks
    and rows, in a handful of statements whatever their number. Returns the ids delivered."""
    if not reminder_ids:
        return set()
    conn = db.session.connection()
    now = clock.now()
    claimed = (
        conn.execute(
            update(REMINDER)
            .where(REMINDER.c.id.in_(reminder_ids), REMINDER.c.status == ReminderStatus.queued)
            .values(
                status=ReminderStatus.sent,
                sent_at=now,
                attempts=REMINDER.c.attempts + 1,
                last_error=None,
            )
            .returning(*REMINDER.c)
        )
        .mappings()
        .all()
    )
    return deliver_claimed(claimed, now)


def claimed_values(now) -> dict:
    """The columns of a reminder claimed at `now` (as `publish_many`'s claim sets them), for
    one written already claimed: a hand-off, delivered in the transaction that tells it."""
    return {"status": ReminderStatus.sent, "sent_at": now, "attempts": 1, "last_error": None}


def deliver_claimed(claimed, now) -> set[int]:
    """The rest of `publish_many` for reminders this transaction has claimed (rows with the
    reminder's columns): the checks, the inbox entries and the e-mails' and texts' rows.
    Returns the ids delivered."""
    conn = db.session.connection()
    wanted = outbox.still_wanted(conn, claimed)
    for reminder in claimed:
        if reminder["id"] not in wanted:
            _finish(conn, reminder["id"], ReminderStatus.cancelled)
    people_of = _recipients_of([r for r in claimed if r["id"] in wanted])
    for reminder in claimed:
        if reminder["id"] in wanted and not people_of[reminder["id"]]:
            _finish(conn, reminder["id"], ReminderStatus.failed, "no_recipient")
    delivered = [r for r in claimed if people_of.get(r["id"])]
    labels = _labels(conn, delivered)
    notifications, deliveries = [], []
    for reminder in delivered:
        record = labels[reminder["entity_type"]][reminder["entity_id"]]
        for person in people_of[reminder["id"]]:
            link = messages.link(reminder, person)
            with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                text = messages.title(
                    reminder["rule"],
                    reminder["level"],
                    reminder["deadline_at"],
                    record,
                    reminder.get("items"),
                )
            notifications.append(
                {
                    "staff_id": person.id,
                    "reminder_id": reminder["id"],
                    "title": text[:200],
                    "link": link,
                    "created_at": now,
                }
            )
            deliveries += [
                _delivery(reminder, person, channel, address, now)
                for channel, address in outbound_addresses(reminder, person)
            ]
    insert_ignoring_duplicates(
        conn, Notification.__table__, notifications, ["reminder_id", "staff_id"]
    )
    insert_ignoring_duplicates(conn, DELIVERY, deliveries, ["reminder_id", "staff_id", "channel"])
    return {r["id"] for r in delivered}


def _recipients_of(reminders) -> dict[int, list[Staff]]:
    """Each reminder's recipients, asked once per person or role and estate."""
    asked: dict[tuple, list[Staff]] = {}
    found = {}
    for reminder in reminders:
        key = (reminder["estate_id"], reminder["recipient_id"], reminder["recipient_role"])
        if key not in asked:
            asked[key] = recipients(reminder)
        found[reminder["id"]] = asked[key]
    return found


def _labels(conn, reminders) -> dict[str, dict[int, str]]:
    by_type = defaultdict(set)
    for reminder in reminders:
        by_type[reminder["entity_type"]].add(reminder["entity_id"])
    return {
        kind: messages.record_labels(conn, kind, ids, told=True) for kind, ids in by_type.items()
    }


def _finish(conn, reminder_id: int, status: ReminderStatus, error: str | None = None) -> None:
    conn.execute(
        update(REMINDER)
        .where(REMINDER.c.id == reminder_id)
        .values(status=status, sent_at=None, last_error=error)
    )


def _delivery(reminder, person: Staff, channel: DeliveryChannel, address, now) -> dict:
    inbox = channel is DeliveryChannel.inbox
    return {
        "reminder_id": reminder["id"],
        "estate_id": reminder["estate_id"],
        "staff_id": person.id,
        "channel": channel,
        "address": address,
        "status": DeliveryStatus.sent if inbox else DeliveryStatus.pending,
        "attempts": 1 if inbox else 0,
        "created_at": now,
        "last_attempt_at": now if inbox else None,
        "sent_at": now if inbox else None,
    }


def outbound_addresses(reminder, person: Staff) -> list[tuple[DeliveryChannel, str | None]]:
    """The inbox always; e-mail when configured and known; SMS for field rules, escalations and
    hand-offs that ask for it, when a provider is configured and the phone is known."""
    found: list[tuple[DeliveryChannel, str | None]] = [(DeliveryChannel.inbox, None)]
    if channels.email_configured() and person.email:
        found.append((DeliveryChannel.email, person.email))
    rule = RULES_BY_NAME.get(reminder["rule"]) or HANDOFF_KINDS.get(reminder["rule"])
    wants_sms = reminder["level"] > 0 or (rule is not None and rule.sms)
    if wants_sms and person.phone and channels.sms_enabled():
        found.append((DeliveryChannel.sms, person.phone))
    return found


def recipients(reminder) -> list[Staff]:
    """The named person if still active and in the estate, else everyone of the role there."""
    estate_id = reminder["estate_id"]
    if reminder["recipient_id"] is not None:
        person = db.session.get(Staff, reminder["recipient_id"])
        if person is not None and person.active and _works_in(person, estate_id):
            return [person]
    if not reminder["recipient_role"]:
        return []
    role = Role(reminder["recipient_role"])
    members = select(staff_estate.c.staff_id).where(staff_estate.c.estate_id == estate_id)
    in_estate = Staff.id.in_(members)
    if role in COMPANY_WIDE:
        in_estate = or_(in_estate, Staff.all_estates.is_(True))
    query = select(Staff).where(Staff.active.is_(True), Staff.role == role, in_estate)
    return list(db.session.scalars(query.order_by(Staff.id)))


def _works_in(person: Staff, estate_id: int | None) -> bool:
    if person.all_estates and person.role in COMPANY_WIDE:
        return True
    return estate_id in person.estate_ids


# ---- e-mail and SMS ----------------------------------------------------------------------
@dataclass(frozen=True)
class Outbound:
    """An e-mail or text, read and written out before it is claimed: between the claim's commit
    and the provider call nothing touches the database, so a dropped connection there cannot
    leave a message "sending" that never left."""

    id: int
    channel: DeliveryChannel
    address: str | None
    subject: str
    body: str
    attempts: int  # before this attempt


def waiting_outbound(reminder_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(DELIVERY.c.id).where(
                DELIVERY.c.reminder_id == reminder_id,
                DELIVERY.c.status == DeliveryStatus.pending,
            )
        )
    )


def prepare_outbound(delivery_id: int) -> Outbound | None:
    """The message as it will leave, or None when it is no longer waiting."""
    delivery = db.session.get(ReminderDelivery, delivery_id)
    if delivery is None or delivery.status is not DeliveryStatus.pending:
        return None
    reminder, person = delivery.reminder, delivery.staff
    path = messages.link(reminder, person)
    locale = (person.locale if person else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        record = messages.record_labels(
            db.session.connection(), reminder.entity_type, [reminder.entity_id], told=True
        )
        text = messages.title(
            reminder.rule,
            reminder.level,
            reminder.deadline_at,
            record[reminder.entity_id],
            reminder.items,
        )
        body = messages.email_body(text, path)
    address = delivery.address if person is not None else None
    return Outbound(delivery.id, delivery.channel, address, text, body, delivery.attempts)


def claim_outbound(delivery_id: int, table=DELIVERY) -> str | None:
    """pending → sending, marked with a token of this attempt; None when another job has it or
    it is done. Commit before sending. `table`: any outbox of the same columns (the residents'
    texts, resident_notices/sending.py)."""
    token = f"{messages.CLAIM}{uuid.uuid4().hex}"
    result = db.session.execute(
        update(table)
        .where(table.c.id == delivery_id, table.c.status == DeliveryStatus.pending)
        .values(
            status=DeliveryStatus.sending,
            attempts=table.c.attempts + 1,
            last_attempt_at=clock.now(),
            last_error=token,
        )
    )
    return token if result.rowcount == 1 else None


def release_outbound(delivery_id: int, token: str) -> None:
    """sending → pending again, when this attempt is known never to have reached the mail or
    SMS server (its claim may or may not have been committed): it does not count."""
    db.session.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.id == delivery_id,
            DELIVERY.c.status == DeliveryStatus.sending,
            DELIVERY.c.last_error == token,
        )
        .values(status=DeliveryStatus.pending, attempts=DELIVERY.c.attempts - 1, last_error=None)
    )


def send_prepared(message: Outbound) -> tuple[DeliveryStatus, str | None]:
    """Hand a claimed message to the mail or SMS server (no database here): sent, pending (to
    be tried again) or failed (after MAX_ATTEMPTS), with the error."""
    try:
        if not message.address:
            raise LookupError("no_address")
        if message.channel is DeliveryChannel.email:
            channels.mailer.send(message.address, message.subject, message.body)
        elif message.channel is DeliveryChannel.sms:
            provider = channels.sms_provider()
            if provider is None:
                raise LookupError("no_provider")
            provider.send(message.address, message.subject)
    except Exception as exc:  # any failure of the far side is recorded, never raised
        current_app.logger.warning("delivery %s %s failed: %s", message.id, message.channel, exc)
        error = exc.args[0] if isinstance(exc, LookupError) else f"{type(exc).__name__}: {exc}"
        spent = message.attempts + 1 >= MAX_ATTEMPTS
        return (DeliveryStatus.failed if spent else DeliveryStatus.pending), error
    return DeliveryStatus.sent, None


def record_outbound(
    delivery_id: int, token: str, outcome: DeliveryStatus, error, table=DELIVERY
) -> None:
    """The attempt's outcome, written only if the claim is still this attempt's."""
    db.session.execute(
        update(table)
        .where(
            table.c.id == delivery_id,
            table.c.status == DeliveryStatus.sending,
            table.c.last_error == token,
        )
        .values(
            status=outcome,
            last_error=error[:500] if error else None,
            sent_at=clock.now() if outcome is DeliveryStatus.sent else None,
        )
    )
