"""A call's work orders as its page shows them, above its own buttons: number (linked), state,
technician, and the step that moves each order on when the user may take it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from admin_app.models import WorkOrder, WorkOrderStatus
from admin_app.work_orders.operations import WORK_ORDER

S = WorkOrderStatus
# The step that moves an order on from each state, on the office's path (the technician's
# phone ranks his own: work_orders/technician.py). A dispatched order is not dispatched again:
# that would be a reassignment, offered on the order's own page.
NEXT_STEP = {
    S.new: "dispatch",
    S.dispatched: "arrive",
    S.arrived: "quote",
    S.quoted: "accept_quote",
    S.in_progress: "finish",
    S.next_visit: "resume",
    S.done: "close",
    S.closed: "revisit",
}


@dataclass(frozen=True)
class CallOrder:
    order: WorkOrder
    url: str
    step_label: str | None = None
    step_url: str | None = None


def orders_of(ticket) -> list[CallOrder]:
    """The call's orders, oldest first; a step's page comes back to the call when done."""
    here = request.full_path
    rows = []
    for order in sorted(ticket.work_orders, key=lambda o: o.id):
        step = NEXT_STEP.get(order.status)
        url = url_for("work_order.details_view", id=order.id, url=here)
        if step is None or WORK_ORDER.refusal(order, step, current_user) is not None:
            rows.append(CallOrder(order, url))
            continue
        rows.append(
            CallOrder(
                order,
                url,
                step_label=str(WORK_ORDER[step].label),
                step_url=url_for("work_order.act_view", action_name=step, id=order.id, url=here),
            )
        )
    return rows


def may_chase(order) -> bool:
    """Whether the user may log a resident's chase of the order now (an open order of his
    estates): the call page offers it beside the order."""
    return WORK_ORDER.refusal(order, "chase", current_user, scope_known=True) is None
