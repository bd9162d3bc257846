"""Our tables as Django sees them: unmanaged models (Django never creates or alters them),
one column per column of ours, choices from our enums. Written from the SQLAlchemy tables;
bench/django_columns.py checks they still agree."""

from __future__ import annotations

from django.db import models

from admin_app.models import (
    Channel,
    ComplaintCode,
    Occupancy,
    PaymentState,
    ReleaseApprover,
    RenovationStatus,
    ResidentRole,
    Role,
    Satisfaction,
    Severity,
    TicketCategory,
    TicketStatus,
    Trade,
    UnitKind,
    Validity,
    WorkOrderKind,
    WorkOrderStatus,
)


def choices(enum_cls) -> list[tuple[str, str]]:
    """The stored value and its English label (our labels are Flask-Babel lazy strings)."""
    return [(member.value, str(member.label)) for member in enum_cls]


def link(to: str, column: str, null: bool = False) -> models.ForeignKey:
    """A foreign key over one of our columns: no constraint of Django's, no reverse name."""
    return models.ForeignKey(
        to,
        models.DO_NOTHING,
        db_column=column,
        db_constraint=False,
        related_name="+",
        null=null,
        blank=null,
    )


class Unmanaged:
    managed = False
    app_label = "wuye"


class Estate(models.Model):
    id = models.AutoField(primary_key=True)
    code = models.CharField(db_column="code", max_length=16)
    name = models.CharField(db_column="name", max_length=100)
    address = models.CharField(db_column="address", max_length=200)
    service_phone = models.CharField(db_column="service_phone", max_length=32)
    duty_phone = models.CharField(db_column="duty_phone", max_length=32)
    auto_dispatch_trades = models.CharField(db_column="auto_dispatch_trades", max_length=200)
    dispatch_round_robin = models.BooleanField(db_column="dispatch_round_robin")
    release_approver = models.CharField(
        db_column="release_approver", max_length=32, choices=choices(ReleaseApprover)
    )
    remote_quote_acceptance = models.BooleanField(db_column="remote_quote_acceptance")
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "estate"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Staff(models.Model):
    id = models.AutoField(primary_key=True)
    username = models.CharField(db_column="username", max_length=64)
    password_hash = models.CharField(db_column="password_hash", max_length=256)
    name = models.CharField(db_column="name", max_length=50)
    phone = models.CharField(db_column="phone", max_length=20, null=True, blank=True)
    email = models.CharField(db_column="email", max_length=120, null=True, blank=True)
    role = models.CharField(db_column="role", max_length=32, choices=choices(Role))
    active = models.BooleanField(db_column="active")
    all_estates = models.BooleanField(db_column="all_estates")
    locale = models.CharField(db_column="locale", max_length=16, null=True, blank=True)
    session_token = models.CharField(db_column="session_token", max_length=32)
    failed_logins = models.IntegerField(db_column="failed_logins")
    locked_until = models.DateTimeField(db_column="locked_until", null=True, blank=True)
    last_login_at = models.DateTimeField(db_column="last_login_at", null=True, blank=True)
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "staff"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    id = models.AutoField(primary_key=True)
    building = models.CharField(db_column="building", max_length=32)
    entrance = models.CharField(db_column="entrance", max_length=16)
    floor = models.IntegerField(db_column="floor", null=True, blank=True)
    room = models.CharField(db_column="room", max_length=16)
    area_m2 = models.DecimalField(
        db_column="area_m2", max_digits=9, decimal_places=2, null=True, blank=True
    )
    kind = models.CharField(db_column="kind", max_length=32, choices=choices(UnitKind))
    occupancy = models.CharField(db_column="occupancy", max_length=32, choices=choices(Occupancy))
    renovation_status = models.CharField(
        db_column="renovation_status",
        max_length=32,
        choices=choices(RenovationStatus),
        null=True,
        blank=True,
    )
    estate = link("Estate", "estate_id")
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "unit"

    def __str__(self) -> str:
        return f"{self.building}栋{self.entrance}单元{self.room}室"


class Resident(models.Model):
    id = models.AutoField(primary_key=True)
    unit = link("Unit", "unit_id")
    name = models.CharField(db_column="name", max_length=50)
    phone = models.CharField(db_column="phone", max_length=20, null=True, blank=True)
    role = models.CharField(db_column="role", max_length=32, choices=choices(ResidentRole))
    move_in = models.DateField(db_column="move_in", null=True, blank=True)
    move_out = models.DateField(db_column="move_out", null=True, blank=True)
    email = models.CharField(db_column="email", max_length=120, null=True, blank=True)
    notes = models.CharField(db_column="notes", max_length=None, null=True, blank=True)
    estate = link("Estate", "estate_id")
    id_number_enc = models.CharField(
        db_column="id_number_enc", max_length=None, null=True, blank=True
    )
    id_number_hash = models.CharField(
        db_column="id_number_hash", max_length=64, null=True, blank=True
    )
    id_number_masked = models.CharField(
        db_column="id_number_masked", max_length=32, null=True, blank=True
    )
    import_batch_id = models.IntegerField(db_column="import_batch_id", null=True, blank=True)
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "resident"

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    id = models.AutoField(primary_key=True)
    number = models.CharField(db_column="number", max_length=32)
    channel = models.CharField(db_column="channel", max_length=32, choices=choices(Channel))
    category = models.CharField(
        db_column="category", max_length=32, choices=choices(TicketCategory)
    )
    status = models.CharField(db_column="status", max_length=32, choices=choices(TicketStatus))
    unit = link("Unit", "unit_id", null=True)
    resident = link("Resident", "resident_id", null=True)
    reporter_name = models.CharField(
        db_column="reporter_name", max_length=50, null=True, blank=True
    )
    reporter_phone = models.CharField(
        db_column="reporter_phone", max_length=20, null=True, blank=True
    )
    location = models.CharField(db_column="location", max_length=200, null=True, blank=True)
    occurred_at = models.DateTimeField(db_column="occurred_at", null=True, blank=True)
    after_the_fact = models.BooleanField(db_column="after_the_fact")
    description = models.CharField(db_column="description", max_length=None)
    request = models.CharField(db_column="request", max_length=None, null=True, blank=True)
    escalation_note = models.CharField(
        db_column="escalation_note", max_length=None, null=True, blank=True
    )
    received_by = link("Staff", "received_by_id", null=True)
    received_at = models.DateTimeField(db_column="received_at")
    assignee = link("Staff", "assignee_id", null=True)
    callback_due_at = models.DateTimeField(db_column="callback_due_at", null=True, blank=True)
    result = models.CharField(db_column="result", max_length=None, null=True, blank=True)
    resolved_at = models.DateTimeField(db_column="resolved_at", null=True, blank=True)
    resident_informed_at = models.DateTimeField(
        db_column="resident_informed_at", null=True, blank=True
    )
    closed_at = models.DateTimeField(db_column="closed_at", null=True, blank=True)
    complaint_code = models.CharField(
        db_column="complaint_code",
        max_length=32,
        choices=choices(ComplaintCode),
        null=True,
        blank=True,
    )
    severity = models.CharField(
        db_column="severity", max_length=32, choices=choices(Severity), null=True, blank=True
    )
    validity = models.CharField(
        db_column="validity", max_length=32, choices=choices(Validity), null=True, blank=True
    )
    complaint_due_at = models.DateTimeField(db_column="complaint_due_at", null=True, blank=True)
    owner = link("Staff", "owner_id", null=True)
    cause = models.CharField(db_column="cause", max_length=None, null=True, blank=True)
    responsible_department = models.CharField(
        db_column="responsible_department", max_length=100, null=True, blank=True
    )
    responsible_person = models.CharField(
        db_column="responsible_person", max_length=50, null=True, blank=True
    )
    corrective_action = models.CharField(
        db_column="corrective_action", max_length=None, null=True, blank=True
    )
    handled_at = models.DateTimeField(db_column="handled_at", null=True, blank=True)
    reported_back_at = models.DateTimeField(db_column="reported_back_at", null=True, blank=True)
    company_ref = models.CharField(db_column="company_ref", max_length=50, null=True, blank=True)
    company_reported_at = models.DateTimeField(
        db_column="company_reported_at", null=True, blank=True
    )
    company_report = models.CharField(
        db_column="company_report", max_length=None, null=True, blank=True
    )
    revisited_at = models.DateTimeField(db_column="revisited_at", null=True, blank=True)
    revisited_by = link("Staff", "revisited_by_id", null=True)
    revisit_note = models.CharField(
        db_column="revisit_note", max_length=None, null=True, blank=True
    )
    complaint_round = models.IntegerField(db_column="complaint_round")
    department_id = models.IntegerField(
        db_column="department_id", null=True, blank=True
    )  # -> department, not timed
    closing_reason = models.CharField(
        db_column="closing_reason", max_length=None, null=True, blank=True
    )
    estate = link("Estate", "estate_id")
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "ticket"

    def __str__(self) -> str:
        return self.number


class WorkOrder(models.Model):
    id = models.AutoField(primary_key=True)
    number = models.CharField(db_column="number", max_length=32)
    ticket = link("Ticket", "ticket_id", null=True)
    kind = models.CharField(db_column="kind", max_length=32, choices=choices(WorkOrderKind))
    trade = models.CharField(db_column="trade", max_length=32, choices=choices(Trade))
    is_emergency = models.BooleanField(db_column="is_emergency")
    status = models.CharField(db_column="status", max_length=32, choices=choices(WorkOrderStatus))
    unit = link("Unit", "unit_id", null=True)
    resident = link("Resident", "resident_id", null=True)
    contact_name = models.CharField(db_column="contact_name", max_length=50, null=True, blank=True)
    contact_phone = models.CharField(
        db_column="contact_phone", max_length=20, null=True, blank=True
    )
    location = models.CharField(db_column="location", max_length=200, null=True, blank=True)
    description = models.CharField(db_column="description", max_length=None)
    technician = link("Staff", "technician_id", null=True)
    dispatched_at = models.DateTimeField(db_column="dispatched_at", null=True, blank=True)
    dispatched_by = link("Staff", "dispatched_by_id", null=True)
    arrive_by = models.DateTimeField(db_column="arrive_by", null=True, blank=True)
    appointment_at = models.DateTimeField(db_column="appointment_at", null=True, blank=True)
    arrived_at = models.DateTimeField(db_column="arrived_at", null=True, blank=True)
    arrival_damage = models.CharField(
        db_column="arrival_damage", max_length=None, null=True, blank=True
    )
    quote_labour = models.DecimalField(
        db_column="quote_labour", max_digits=10, decimal_places=2, null=True, blank=True
    )
    quote_materials = models.DecimalField(
        db_column="quote_materials", max_digits=10, decimal_places=2, null=True, blank=True
    )
    quote_accepted = models.BooleanField(db_column="quote_accepted", null=True, blank=True)
    quote_decided_at = models.DateTimeField(db_column="quote_decided_at", null=True, blank=True)
    next_visit_at = models.DateTimeField(db_column="next_visit_at", null=True, blank=True)
    work_notes = models.CharField(db_column="work_notes", max_length=None, null=True, blank=True)
    work_done_at = models.DateTimeField(db_column="work_done_at", null=True, blank=True)
    signer_name = models.CharField(db_column="signer_name", max_length=50, null=True, blank=True)
    signature_file_id = models.IntegerField(
        db_column="signature_file_id", null=True, blank=True
    )  # -> stored_file, not timed
    signing_opinion = models.CharField(
        db_column="signing_opinion", max_length=None, null=True, blank=True
    )
    fee_collected = models.DecimalField(
        db_column="fee_collected", max_digits=10, decimal_places=2, null=True, blank=True
    )
    payment_state = models.CharField(
        db_column="payment_state",
        max_length=32,
        choices=choices(PaymentState),
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(db_column="closed_at", null=True, blank=True)
    cancelled_reason = models.CharField(
        db_column="cancelled_reason", max_length=None, null=True, blank=True
    )
    revisit_due_at = models.DateTimeField(db_column="revisit_due_at", null=True, blank=True)
    revisited_at = models.DateTimeField(db_column="revisited_at", null=True, blank=True)
    revisited_by = link("Staff", "revisited_by_id", null=True)
    revisit_channel = models.CharField(
        db_column="revisit_channel", max_length=16, null=True, blank=True
    )
    rating_timeliness = models.IntegerField(db_column="rating_timeliness", null=True, blank=True)
    rating_quality = models.IntegerField(db_column="rating_quality", null=True, blank=True)
    rating_fee = models.IntegerField(db_column="rating_fee", null=True, blank=True)
    rating_attitude = models.IntegerField(db_column="rating_attitude", null=True, blank=True)
    satisfaction = models.CharField(
        db_column="satisfaction",
        max_length=32,
        choices=choices(Satisfaction),
        null=True,
        blank=True,
    )
    revisit_comment = models.CharField(
        db_column="revisit_comment", max_length=None, null=True, blank=True
    )
    followup_ticket = link("Ticket", "followup_ticket_id", null=True)
    estate = link("Estate", "estate_id")
    created_at = models.DateTimeField(db_column="created_at")
    updated_at = models.DateTimeField(db_column="updated_at")

    class Meta(Unmanaged):
        db_table = "work_order"

    def __str__(self) -> str:
        return self.number


class StaffEstate(models.Model):
    """Which estates a member of staff sees (our staff_estate: no id column of its own)."""

    pk = models.CompositePrimaryKey("staff_id", "estate_id")
    staff = link("Staff", "staff_id")
    estate = link("Estate", "estate_id")

    class Meta(Unmanaged):
        db_table = "staff_estate"
