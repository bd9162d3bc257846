"""ModelAdmins over our tables with the options a competent Django developer would use: the
same list columns, sorts, filters and form fields as ours, `list_select_related`,
autocomplete widgets for every relation, index-friendly search lookups, no full count,
and every queryset scoped to the estates the matching member of our staff sees."""

from __future__ import annotations

from django.contrib import admin

from . import models as m


def estates_of(request) -> list[int] | None:
    """The estate ids the logged-in user's namesake in our staff table sees; None for staff
    who see every estate. Read once per request."""
    if not hasattr(request, "_wuye_estates"):
        username = request.user.get_username().removesuffix(VIEWER_SUFFIX)
        staff = m.Staff.objects.filter(username=username).values("id", "all_estates").first()
        if staff is None:
            request._wuye_estates = []
        elif staff["all_estates"]:
            request._wuye_estates = None
        else:
            request._wuye_estates = list(
                m.StaffEstate.objects.filter(staff_id=staff["id"]).values_list(
                    "estate_id", flat=True
                )
            )
    return request._wuye_estates


# A Django user with only the view permission: Django's read-only change view is its
# details page.
VIEWER_SUFFIX = "_view"


class ScopedAdmin(admin.ModelAdmin):
    """The estate scope on every list, change view and autocomplete; no deletes."""

    estate_field = "estate_id"
    list_per_page = 25
    show_full_result_count = False
    details_fields: tuple[str, ...] = ()
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        estates = estates_of(request)
        if estates is None:
            return queryset
        return queryset.filter(**{f"{self.estate_field}__in": estates})

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        """A reader sees the fields of our details page; an editor the fields of our form."""
        if obj is not None and self.details_fields and not self.has_change_permission(request, obj):
            return self.details_fields
        return super().get_fields(request, obj)


@admin.register(m.Estate)
class EstateAdmin(ScopedAdmin):
    estate_field = "id"
    list_display = ("code", "name", "address", "service_phone", "duty_phone")
    search_fields = ("code__startswith", "name__startswith")
    ordering = ("code",)


@admin.register(m.Staff)
class StaffAdmin(ScopedAdmin):
    list_display = ("username", "name", "role", "phone", "all_estates", "active", "last_login_at")
    search_fields = ("name__startswith", "username__startswith")
    list_filter = ("role", "active", "all_estates")
    ordering = ("username",)
    fields = ("username", "name", "phone", "email", "role", "all_estates", "active")

    def get_queryset(self, request):
        """Active staff who work in one of the user's estates (as our staff lookup)."""
        queryset = admin.ModelAdmin.get_queryset(self, request)
        estates = estates_of(request)
        if estates is None:
            return queryset
        return queryset.filter(
            active=True,
            id__in=m.StaffEstate.objects.filter(estate_id__in=estates).values("staff_id"),
        )


@admin.register(m.Unit)
class UnitAdmin(ScopedAdmin):
    list_display = (
        "estate",
        "building",
        "entrance",
        "floor",
        "room",
        "area_m2",
        "kind",
        "occupancy",
        "renovation_status",
    )
    list_select_related = ("estate",)
    search_fields = ("building__startswith", "room__startswith")
    list_filter = ("kind", "occupancy", "renovation_status")
    ordering = ("building", "room", "id")
    autocomplete_fields = ("estate",)
    fields = ("estate", "building", "entrance", "floor", "room", "area_m2", "kind", "occupancy")
    details_fields = fields + ("renovation_status", "created_at")


@admin.register(m.Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = (
        "estate",
        "unit",
        "name",
        "phone",
        "role",
        "id_number_masked",
        "move_in",
        "move_out",
    )
    list_select_related = ("estate", "unit")
    search_fields = ("name__startswith", "phone__startswith")
    list_filter = ("role", "move_in", "move_out")
    ordering = ("-id",)
    autocomplete_fields = ("estate", "unit")
    fields = (
        "estate",
        "unit",
        "name",
        "phone",
        "role",
        "id_number_masked",
        "move_in",
        "move_out",
        "email",
        "notes",
    )
    readonly_fields = ("id_number_masked",)
    details_fields = fields + ("created_at",)


@admin.register(m.Ticket)
class TicketAdmin(ScopedAdmin):
    list_display = (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "unit",
        "reporter_name",
        "reporter_phone",
        "received_at",
        "assignee",
    )
    list_select_related = ("estate", "unit", "assignee")
    # Exact numbers (unique index); names and phones from the start (pattern indexes).
    search_fields = (
        "number__exact",
        "reporter_name__startswith",
        "reporter_phone__startswith",
        "resident__phone__startswith",
    )
    list_filter = ("category", "status", "channel", "severity", "validity", "received_at")
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-id")
    autocomplete_fields = ("estate", "unit", "resident", "assignee")
    fields = (
        "estate",
        "category",
        "channel",
        "unit",
        "resident",
        "reporter_name",
        "reporter_phone",
        "location",
        "occurred_at",
        "description",
        "request",
        "assignee",
        "callback_due_at",
        "complaint_code",
    )
    # Our details page's groups (TicketView.details_groups), field by field.
    details_fields = (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "received_at",
        "received_by",
        "unit",
        "resident",
        "reporter_name",
        "reporter_phone",
        "location",
        "occurred_at",
        "after_the_fact",
        "description",
        "request",
        "escalation_note",
        "assignee",
        "callback_due_at",
        "result",
        "resolved_at",
        "resident_informed_at",
        "closed_at",
        "complaint_code",
        "severity",
        "validity",
        "complaint_due_at",
        "owner",
        "cause",
        "responsible_department",
        "responsible_person",
        "corrective_action",
        "department_id",
        "handled_at",
        "reported_back_at",
        "company_ref",
        "company_reported_at",
        "company_report",
        "revisited_at",
        "revisited_by",
        "revisit_note",
        "closing_reason",
    )


@admin.register(m.WorkOrder)
class WorkOrderAdmin(ScopedAdmin):
    list_display = (
        "number",
        "estate",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "unit",
        "contact_name",
        "technician",
        "appointment_at",
        "created_at",
    )
    list_select_related = ("estate", "unit", "technician")
    search_fields = ("number__exact", "contact_name__startswith", "contact_phone__startswith")
    list_filter = (
        "status",
        "kind",
        "trade",
        "is_emergency",
        "payment_state",
        "created_at",
        "appointment_at",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    autocomplete_fields = ("estate", "ticket", "unit", "resident")
    fields = (
        "estate",
        "ticket",
        "kind",
        "trade",
        "is_emergency",
        "unit",
        "resident",
        "contact_name",
        "contact_phone",
        "location",
        "description",
        "appointment_at",
    )
    # Our details page's fields (WorkOrderView.details_groups) that are columns.
    details_fields = (
        "number",
        "estate",
        "ticket",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "created_at",
        "unit",
        "resident",
        "contact_name",
        "contact_phone",
        "location",
        "description",
        "technician",
        "dispatched_at",
        "dispatched_by",
        "arrive_by",
        "appointment_at",
        "arrived_at",
        "arrival_damage",
        "quote_labour",
        "quote_materials",
        "quote_accepted",
        "quote_decided_at",
        "next_visit_at",
        "work_notes",
        "work_done_at",
        "signer_name",
        "signature_file_id",
        "signing_opinion",
        "fee_collected",
        "payment_state",
        "closed_at",
        "cancelled_reason",
        "revisit_due_at",
        "revisited_at",
        "revisited_by",
        "rating_timeliness",
        "rating_quality",
        "rating_fee",
        "rating_attitude",
        "satisfaction",
        "revisit_comment",
        "followup_ticket",
    )
