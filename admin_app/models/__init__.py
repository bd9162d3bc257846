"""All models, importable from one place (and registered with the metadata for migrations)."""

from admin_app.models.attachment import Attachment
from admin_app.models.audit import AuditRecord
from admin_app.models.base import Choice
from admin_app.models.batch_run import BatchRun, BatchStatus, batch_run_estate
from admin_app.models.calendar import WorkdayOverride
from admin_app.models.complaint import (
    ActionStatus,
    ComplaintRound,
    CorrectiveAction,
    Department,
    department_member,
)
from admin_app.models.estate import Estate, ReleaseApprover
from admin_app.models.gate_check import CheckMethod, GateCheck, GateResult, PassKind
from admin_app.models.home_visit import BookingChannel, BookingStatus, HomeVisitBooking
from admin_app.models.household_document import DocumentKind, HouseholdDocument
from admin_app.models.numbering import NumberSequence
from admin_app.models.passes import PassStatus, ReleasePass, VehiclePass, VehicleType, WorkerPass
from admin_app.models.payment import (
    CashHandIn,
    HandInStatus,
    Payment,
    PaymentMethod,
    PaymentState,
)
from admin_app.models.price import PriceItem, PriceUnit
from admin_app.models.reminder import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from admin_app.models.renovation import (
    DepositStatus,
    InspectionKind,
    InspectionResult,
    Renovation,
    RenovationInspection,
    RenovationStatus,
)
from admin_app.models.resident import Resident, ResidentRole
from admin_app.models.resident_import import ImportStatus, ResidentImport
from admin_app.models.staff import LoginName, Role, Staff, StaffTrade, Trade, staff_estate
from admin_app.models.statistics_rollup import ROLLUPS
from admin_app.models.stored_file import StoredFile
from admin_app.models.survey import AnswerChannel, Survey, SurveyAnswer, SurveyHousehold
from admin_app.models.ticket import (
    Channel,
    ComplaintCode,
    Severity,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.models.unit import Occupancy, Unit, UnitKind
from admin_app.models.visitors import Parcel, ParcelStatus, Visitor, VisitPoint
from admin_app.models.work_order import (
    QuoteLine,
    Satisfaction,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)

__all__ = [
    "ROLLUPS",
    "AnswerChannel",
    "Survey",
    "SurveyAnswer",
    "SurveyHousehold",
    "ActionStatus",
    "ComplaintRound",
    "CorrectiveAction",
    "Department",
    "department_member",
    "Attachment",
    "BatchRun",
    "CashHandIn",
    "HandInStatus",
    "Payment",
    "PaymentMethod",
    "PaymentState",
    "BatchStatus",
    "batch_run_estate",
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
    "ResidentImport",
    "ImportStatus",
    "InspectionKind",
    "InspectionResult",
    "Notification",
    "NumberSequence",
    "Occupancy",
    "PassKind",
    "PassStatus",
    "PriceItem",
    "PriceUnit",
    "QuoteLine",
    "ReleasePass",
    "Reminder",
    "ReminderDelivery",
    "ReminderStatus",
    "Renovation",
    "RenovationInspection",
    "RenovationStatus",
    "Resident",
    "ResidentRole",
    "LoginName",
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
    "DutyHoliday",
    "DutyLogEntry",
    "DutyShift",
    "DutySwap",
    "SwapStatus",
    "WorkdayOverride",
    "BookingChannel",
    "BookingStatus",
    "HomeVisitBooking",
    "DocumentKind",
    "HouseholdDocument",
    "ReleaseApprover",
    "MoveIn",
    "MoveInStage",
    "MoveInStep",
    "Parcel",
    "ParcelStatus",
    "Visitor",
    "VisitPoint",
]

from admin_app.models.dispatch import DispatchTurn, WorkOrderChase  # noqa: E402
from admin_app.models.duty import DutyHoliday, DutyLogEntry, DutyShift, DutySwap, SwapStatus  # noqa: E402
from admin_app.models.move_in import MoveIn, MoveInStage, MoveInStep  # noqa: E402

__all__ += ["DispatchTurn", "WorkOrderChase"]
from admin_app.models.resident_notice import (  # noqa: E402
    EstateNotices,
    HouseholdSetting,
    LinkPurpose,
    NoticeEvent,
    PurposeLink,
    ResidentNotice,
)
from admin_app.models.work_order import RevisitChannel  # noqa: E402

__all__ += [
    "EstateNotices",
    "HouseholdSetting",
    "LinkPurpose",
    "NoticeEvent",
    "PurposeLink",
    "ResidentNotice",
    "RevisitChannel",
]
from admin_app.models.api_token import ApiCall, ApiToken, api_token_estate  # noqa: E402
from admin_app.models.portal import ResidentSignInCode  # noqa: E402, F401

__all__ += ["ApiCall", "ApiToken", "api_token_estate"]
from admin_app.models.staff_message import MessageStatus, StaffMessage  # noqa: E402

__all__ += ["MessageStatus", "StaffMessage"]
from admin_app.models.lending import BoxItem, Loan  # noqa: E402

__all__ += ["BoxItem", "Loan"]
