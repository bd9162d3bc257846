"""GET /api/v1/statistics?estate_id=…&period=2026-11: the statistics page's tables for one
estate and a month, quarter or year (services/statistics), as JSON."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask import jsonify
from flask_babel import gettext

from admin_app.api.access import Integration, estate_of, needs
from admin_app.api.blueprint import bp
from admin_app.api.errors import ApiError
from admin_app.api.inputs import query
from admin_app.services import statistics
from admin_app.services.errors import ServiceError

TABLES = {
    "complaints": statistics.complaint_summary,
    "complaint_deadlines": statistics.deadline_table,
    "revisits": statistics.revisit_table,
    "work_order_revisit_rate": statistics.work_order_revisit_rate,
    "work_orders_by_trade": statistics.work_orders_by_trade,
    "chases": statistics.chase_table,
}


def plain(value):
    """A table's value as JSON: states by value, labels in the caller's language."""
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a lazy label


@bp.route("/statistics")
@needs("statistics:read")
def statistics_tables(integration: Integration):
    reader = query()
    estate_id = estate_of(integration, reader.source.get("estate_id"))
    raw = reader.text("period", 10, required=True)
    reader.done()
    try:
        period = statistics.parse_period(raw)
    except ServiceError as error:
        raise ApiError(422, gettext("Some values are not valid."), {"period": str(error)}) from None
    if not 2000 <= period.start.year <= 2100:
        raise ApiError(
            422,
            gettext("Some values are not valid."),
            {"period": gettext("A year from 2000 to 2100.")},
        )
    tables = {name: plain(table([estate_id], period)) for name, table in TABLES.items()}
    return jsonify({"estate_id": estate_id, "period": period.label, "tables": tables})
