"""Residents' chases (催单) per technician in a period: how often residents had to call again
about an order, and about how many orders — a delay the revisit ratings do not show."""

from __future__ import annotations

from sqlalchemy import func

from admin_app.extensions import db
from admin_app.models import Staff, WorkOrderChase
from admin_app.services.statistics.periods import Period


def chase_rows(estate_ids, period: Period) -> list[dict]:
    """One row per technician the chased orders were with (— : not yet dispatched), the most
    chased first."""
    rows = db.session.execute(
        db.select(
            WorkOrderChase.technician_id,
            func.count(),
            func.count(func.distinct(WorkOrderChase.work_order_id)),
        )
        .where(
            WorkOrderChase.estate_id.in_(list(estate_ids)),
            period.contains(WorkOrderChase.called_at),
        )
        .group_by(WorkOrderChase.technician_id)
    ).all()
    ids = [t for t, _, _ in rows if t]
    names = dict(db.session.execute(db.select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())
    table = [
        {"technician": names.get(tech, "—"), "chases": n, "orders": orders}
        for tech, n, orders in rows
    ]
    return sorted(table, key=lambda row: (-row["chases"], row["technician"]))
