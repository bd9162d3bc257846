"""Home-visit bookings per month of request [002 篇3]: requests, answered within the working
day or late, and how each ended — visited, refused, called off in time, abandoned (by the
staff or by the sweep). Counted in the database, one GROUP BY over the period's months."""

from __future__ import annotations

from sqlalchemy import func, literal_column

from admin_app.extensions import db
from admin_app.models import BookingStatus, HomeVisitBooking
from admin_app.services.statistics.periods import Period, bucket, flag, in_range, months_spanning

B, H = BookingStatus, HomeVisitBooking

MEASURES = (
    "requested",
    "answered_in_time",
    "answered_late",
    "awaiting",
    "agreed",
    "refused",
    "called_off",
    "abandoned",
    "abandoned_by_sweep",
    "visited",
)


def monthly(estate_ids, period: Period) -> dict:
    """{"months": [{"month": "2026-11", measure: n, …}], "total": {measure: n}}."""
    months = months_spanning([period])
    month = bucket(H.requested_at, months).label("g_month")
    answered = H.answered_at.isnot(None)
    rows = db.session.execute(
        db.select(
            month,
            func.count(H.id),
            func.sum(flag(answered & (H.answered_at <= H.answer_due_at))),
            func.sum(flag(answered & (H.answered_at > H.answer_due_at))),
            func.sum(flag(H.status == B.requested)),
            func.sum(flag(H.appointment_at.isnot(None))),
            func.sum(flag(H.status == B.refused)),
            func.sum(flag(H.status == B.called_off)),
            func.sum(flag(H.status == B.abandoned)),
            func.sum(flag((H.status == B.abandoned) & H.abandoned_by_id.is_(None))),
            func.sum(flag(H.status == B.visited)),
        )
        .where(H.estate_id.in_(list(estate_ids)), *in_range(H.requested_at, months))
        .group_by(literal_column("g_month"))
        .order_by(literal_column("g_month"))
    ).all()
    result = []
    for index, *counts in rows:
        if index < 0:
            continue
        line = {"month": months[index].start.strftime("%Y-%m")}
        line.update({name: int(n or 0) for name, n in zip(MEASURES, counts, strict=True)})
        result.append(line)
    total = {name: sum(line[name] for line in result) for name in MEASURES}
    return {"months": result, "total": total}
