"""The baseline: plain Flask-Admin ModelViews over our tables, configured with the same
columns, search, sorting and column filters as ours, and Flask-Admin's defaults for
everything else."""

from __future__ import annotations

from admin_app.models import (
    Renovation,
    Resident,
    Staff,
    Ticket,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
)
from admin_app.passes.views import VehiclePassView, WorkerPassView
from admin_app.renovations.views import RenovationView
from admin_app.residents.views import ResidentView
from admin_app.tickets.views import TicketView
from admin_app.views.estate import UnitView
from admin_app.views.staff import StaffView
from admin_app.work_orders.views import WorkOrderView


def mirror(view_class) -> dict:
    options = {"can_view_details": True, "page_size": 25}
    for name in (
        "column_list",
        "column_searchable_list",
        "column_sortable_list",
        "column_default_sort",
    ):
        value = getattr(view_class, name, None)
        if value is not None:
            options[name] = value
    # The same column filters, Flask-Admin's own (ours add the estate and queue filters).
    options["column_filters"] = tuple(
        f for f in getattr(view_class, "column_filters", None) or () if isinstance(f, str)
    )
    return options


PLAIN = [
    (Ticket, mirror(TicketView)),
    (WorkOrder, mirror(WorkOrderView)),
    (Resident, mirror(ResidentView)),
    (Unit, mirror(UnitView)),
    (Renovation, mirror(RenovationView)),
    (VehiclePass, mirror(VehiclePassView)),
    (WorkerPass, mirror(WorkerPassView)),
    (Staff, mirror(StaffView)),
]
