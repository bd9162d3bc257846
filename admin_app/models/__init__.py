"""All models, importable from one place (and registered with the metadata for migrations)."""

from .audit import AuditRecord
from .base import Choice
from .batch import ActionBatch, BatchStatus, action_batch_estate
from .estate import Estate
from .gate_check import CheckMethod, GateCheck, GateResult, PassKind
from .import_batch import ImportBatch, ImportStatus
from .numbering import NumberSequence
from .passes import PassStatus, ReleasePass, VehiclePass, VehicleType, WorkerPass
from .reminder import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from .renovation import (
    DepositStatus,
    InspectionKind,
    InspectionResult,
    Renovation,
    RenovationInspection,
    RenovationStatus,
)
from .resident import Resident, ResidentRole
from .staff import Role, Staff, StaffTrade, Trade, staff_estate
from .stored_file import StoredFile
from .ticket import Channel, ComplaintCode, Severity, Ticket, TicketCategory, TicketStatus, Validity
from .unit import Occupancy, Unit, UnitKind
from .work_order import Satisfaction, WorkOrder, WorkOrderKind, WorkOrderStatus

__all__ = [
    "ActionBatch",
    "BatchStatus",
    "action_batch_estate",
    "AuditRecord",
    "Channel",
    "CheckMethod",
    "Choice",
    "ComplaintCode",
    "DeliveryChannel",
    "DeliveryStatus",
    "DepositStatus",
    "Estate",
    "GateCheck",
    "GateResult",
    "ImportBatch",
    "ImportStatus",
    "InspectionKind",
    "InspectionResult",
    "Notification",
    "NumberSequence",
    "Occupancy",
    "PassKind",
    "PassStatus",
    "ReleasePass",
    "Reminder",
    "ReminderDelivery",
    "ReminderStatus",
    "Renovation",
    "RenovationInspection",
    "RenovationStatus",
    "Resident",
    "ResidentRole",
    "Role",
    "Satisfaction",
    "Severity",
    "Staff",
    "StaffTrade",
    "StoredFile",
    "Ticket",
    "TicketCategory",
    "TicketStatus",
    "Trade",
    "Unit",
    "UnitKind",
    "Validity",
    "VehiclePass",
    "VehicleType",
    "WorkOrder",
    "WorkOrderKind",
    "WorkOrderStatus",
    "WorkerPass",
    "staff_estate",
]
