"""Residents (业主/住户)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_
from wtforms.validators import Optional

from admin_app.models import AuditRecord, Resident, ResidentImport
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter, unit_filter
from admin_app.panel.forms import SensitiveField, email_address, id_document, phone_number
from admin_app.panel.id_numbers import FullIdNumberMixin, masked_or_full
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, UNIT_LOOKUP
from admin_app.residents import operations as resident_import
from admin_app.views.household import ResidentFileMixin


class ResidentView(FullIdNumberMixin, ResidentFileMixin, SecureModelView):
    resource = "resident"
    column_labels = LABELS
    column_list = (
        "estate",
        "unit",
        "name",
        "phone",
        "role",
        "id_number_masked",
        "move_in",
        "move_out",
    )
    column_details_list = column_list + ("email", "notes", "created_at")
    # The import's column format, so that an export (of the current filter) imports back
    # with no changes. ID numbers leave masked: the import reads a masked number as "the
    # stored one", never as a new value (see residents/importing/matching.py); only an export
    # asked for with full numbers, by a role that may, carries them (panel/id_numbers.py).
    column_export_list = (
        "estate",
        "building",
        "entrance",
        "room",
        "name",
        "phone",
        "role",
        "id_number_masked",
        "move_in",
        "move_out",
        "email",
        "notes",
    )
    column_formatters_export = {
        "id_number_masked": masked_or_full,
        "building": lambda v, c, m, n: m.unit.building,
        "entrance": lambda v, c, m, n: m.unit.entrance,
        "room": lambda v, c, m, n: m.unit.room,
    }
    list_template = "admin/wuye/resident_list.html"
    column_searchable_list = ("name", "phone")
    column_search_modes = {"name": "prefix", "phone": "phone"}
    column_sortable_list = ("name", "phone", "role", "move_in", "move_out")
    column_default_sort = ("id", True)
    column_filters = (estate_filter(Resident), unit_filter(Resident), "role", "move_in", "move_out")
    form_columns = (
        "estate",
        "unit",
        "name",
        "phone",
        "role",
        "id_number",
        "move_in",
        "move_out",
        "email",
        "notes",
    )
    form_extra_fields = {
        "id_number": SensitiveField(
            _l("ID number"),
            validators=[id_document],
            description=_l(
                "Stored encrypted and shown masked. Leave blank to keep the stored number."
            ),
        ),
    }
    form_args = {
        "phone": {"validators": [phone_number]},
        "email": {"validators": [Optional(), email_address]},
    }
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "unit": UNIT_LOOKUP}
    integrity_messages = (
        (
            ("phone",),
            _l("A resident with this name and phone number is already registered in this unit."),
        ),
    )

    @property
    def can_import(self) -> bool:
        return resident_import.may_import(current_user)

    def history_clause(self, model):
        """His own entries, and the line of the import that created him: one line stands for
        all the residents an import created (residents/importing/writing.py)."""
        own = super().history_clause(model)
        if model.import_batch_id is None:
            return own
        return or_(
            own,
            and_(
                AuditRecord.entity_type == ResidentImport.__tablename__,
                AuditRecord.entity_id == model.import_batch_id,
            ),
        )
