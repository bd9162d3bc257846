"""Sending one text to a household, exactly once: claimed (pending → sending) and committed
before the provider is called, recorded after — the reminders' way (reminders/delivery.py,
whose send step and attempt limit it shares). A failure waits and is tried again by the
sweep, like a reminder's text; a worker that died mid-send leaves it outcome-unknown."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from admin_app.extensions import db
from admin_app.models import DeliveryChannel, DeliveryStatus, ResidentNotice
from admin_app.services.reminders import delivery

NOTICE = ResidentNotice.__table__
# The waits before a failed text is tried again (the reminder jobs' RETRY_INTERVALS).
RETRY_AFTER = (timedelta(seconds=60), timedelta(seconds=300))
LOST_AFTER = timedelta(minutes=10)  # longer than any job may run


def prepare(notice_id: int) -> delivery.Outbound | None:
    notice = db.session.get(ResidentNotice, notice_id)
    if notice is None or notice.status is not DeliveryStatus.pending:
        return None
    return delivery.Outbound(
        notice.id, DeliveryChannel.sms, notice.phone, notice.text, notice.text, notice.attempts
    )


def send_one(notice_id: int) -> DeliveryStatus | None:
    """Read, claim (committed), send, record (committed). None when there was nothing to do."""
    message = prepare(notice_id)
    token = message and delivery.claim_outbound(notice_id, NOTICE)
    if not token:
        db.session.rollback()
        return None
    db.session.commit()
    # No database between the claim and the provider: a connection lost there cannot leave
    # a text "sending" that never left. The log masks the phone (channels.mask_phone).
    outcome, error = delivery.send_prepared(message)
    delivery.record_outbound(notice_id, token, outcome, error, NOTICE)
    db.session.commit()
    return outcome


def waiting(now: datetime, limit: int = 500) -> list[int]:
    """Texts to send now: never tried, or failed and their wait is over. Texts left "sending"
    by a worker that died are marked outcome-unknown first (never sent twice)."""
    db.session.execute(
        update(NOTICE)
        .where(
            NOTICE.c.status == DeliveryStatus.sending,
            NOTICE.c.last_attempt_at < now - LOST_AFTER,
        )
        .values(status=DeliveryStatus.unknown, last_error="interrupted")
    )
    retry_due = or_(
        *(
            and_(NOTICE.c.attempts == n + 1, NOTICE.c.last_attempt_at <= now - wait)
            for n, wait in enumerate(RETRY_AFTER)
        )
    )
    query = (
        select(NOTICE.c.id)
        .where(
            NOTICE.c.status == DeliveryStatus.pending,
            or_(NOTICE.c.attempts == 0, retry_due),
        )
        .order_by(NOTICE.c.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
