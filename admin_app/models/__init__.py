"""All models, importable from one place (and registered with the metadata for migrations)."""

from .audit import AuditRecord
from .base import Choice
from .estate import Estate
from .import_batch import ImportBatch, ImportStatus
from .numbering import NumberSequence
from .passes import PassStatus, ReleasePass, VehiclePass, VehicleType, WorkerPass
from .reminder import Notification, Reminder, ReminderStatus
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
    "AuditRecord",
    "Channel",
    "Choice",
    "ComplaintCode",
    "DepositStatus",
    "Estate",
    "ImportBatch",
    "ImportStatus",
    "InspectionKind",
    "InspectionResult",
    "Notification",
    "NumberSequence",
    "Occupancy",
    "PassStatus",
    "ReleasePass",
    "Reminder",
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
