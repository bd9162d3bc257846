"""Work orders through the API: read one, and list them with their states (estate-scoped,
paged, by state and by ticket)."""

from __future__ import annotations

from flask import jsonify

from admin_app.api import records
from admin_app.api.access import Integration, needs
from admin_app.api.blueprint import bp
from admin_app.api.inputs import query
from admin_app.api.listing import estates_asked, one, page_of
from admin_app.extensions import db
from admin_app.models import Trade, WorkOrder, WorkOrderStatus


@bp.route("/work_orders")
@needs("work_orders:read")
def work_order_list(integration: Integration):
    reader = query()
    estate_ids = estates_asked(integration, reader)
    status = reader.choice("status", WorkOrderStatus)
    trade = reader.choice("trade", Trade)
    ticket_id = reader.integer("ticket_id")
    q = db.session.query(WorkOrder).filter(WorkOrder.estate_id.in_(estate_ids))
    if status is not None:
        q = q.filter(WorkOrder.status == status)
    if trade is not None:
        q = q.filter(WorkOrder.trade == trade)
    if ticket_id is not None:
        q = q.filter(WorkOrder.ticket_id == ticket_id)
    return page_of(q, (WorkOrder.id.desc(),), reader, records.work_order)


@bp.route("/work_orders/<record_id:order_id>")
@needs("work_orders:read")
def work_order_one(integration: Integration, order_id: int):
    return jsonify(records.work_order(one(WorkOrder, integration, order_id)))


@bp.route("/work_orders/states")
@needs("work_orders:read")
def work_order_states(integration: Integration):
    """Every state a work order can be in, with its label: what the list's `status` means."""
    return jsonify({"states": [records.state(s) for s in WorkOrderStatus]})
