"""What the residents' pages and texts leave behind is forgotten by the daily purge: texts
(a phone and its words) like the other delivery logs, once their outcome is known and
RETENTION_DELIVERY_DAYS have passed; sign-in codes and one-purpose links a day
(RETENTION_RESIDENT_SIGN_IN_DAYS) after they expired."""

from __future__ import annotations

from datetime import timedelta

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DeliveryStatus,
    LinkPurpose,
    NoticeEvent,
    PurposeLink,
    ResidentNotice,
    ResidentSignInCode,
)
from admin_app.retention import jobs as retention


def test_texts_with_an_outcome_go_after_the_delivery_days_and_waiting_ones_stay(
    app, in_app, two_estates
):
    w = two_estates
    long_ago = clock.now() - timedelta(days=181)
    with in_app():
        for n, (status, at) in enumerate(
            [
                (DeliveryStatus.sent, long_ago),
                (DeliveryStatus.failed, long_ago),
                (DeliveryStatus.pending, long_ago),  # not sent yet: the sweep still owes it
                (DeliveryStatus.sent, clock.now() - timedelta(days=2)),
            ]
        ):
            db.session.add(
                ResidentNotice(
                    estate_id=w.a.id,
                    unit_id=w.unit_a.id,
                    event=NoticeEvent.done,
                    phone="13800000001",
                    text="维修已完成",
                    status=status,
                    dedupe_key=f"test-{n}",
                    created_at=at,
                    sent_at=at if status is DeliveryStatus.sent else None,
                )
            )
        db.session.commit()
        assert retention.run()["resident_texts"] == 2
        left = {n.status for n in db.session.query(ResidentNotice)}
        assert left == {DeliveryStatus.pending, DeliveryStatus.sent}


def test_sign_in_codes_and_links_go_a_day_after_they_expired(app, in_app, two_estates):
    w = two_estates
    now = clock.now()
    with in_app():
        for n, expired in enumerate((now - timedelta(days=2), now + timedelta(minutes=5))):
            db.session.add(
                ResidentSignInCode(phone_digest=f"p{n}", code_digest=f"c{n}", expires_at=expired)
            )
            db.session.add(
                PurposeLink(
                    purpose=LinkPurpose.rate,
                    estate_id=w.a.id,
                    unit_id=w.unit_a.id,
                    record_id=1,
                    nonce=f"nonce{n}",
                    expires_at=expired,
                )
            )
        db.session.commit()
        assert retention.run()["resident_sign_ins"] == 2
        assert db.session.query(ResidentSignInCode).one().expires_at > now
        assert db.session.query(PurposeLink).one().expires_at > now
