"""Audit record (history): who changed which record, when, by which action, before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import estate_list_indexes, list_index


class AuditRecord(db.Model):
    __tablename__ = "audit_record"
    __table_args__ = (
        Index("ix_audit_record_entity", "entity_type", "entity_id", "at"),
        Index("ix_audit_record_estate_at", "estate_id", "at", "id"),
        Index("ix_audit_record_actor_at", "actor_id", "at"),
        list_index("ix_audit_record_at_id", "at", "id"),
        # The list's sortable columns, each followed by the default order (tie_breakers).
        list_index("ix_audit_record_action_at", "action", "at", "id"),
        list_index("ix_audit_record_entity_type_at", "entity_type", "at", "id"),
        *estate_list_indexes(
            "audit_record", ("at",), ("action", "entity_type"), with_default=False
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    actor = relationship("Staff")
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    estate_id: Mapped[int | None] = mapped_column(Integer)
    # {"field": [before, after]}; sensitive fields appear masked, secrets not at all.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    # A resident who acted on the residents' own pages (/r/): then actor_id is empty.
    resident_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", ondelete="SET NULL")
    )
    resident_actor = relationship("Resident")
    # Who acted when no staff member did: an integration's name (its calls to /api/v1).
    actor_label: Mapped[str | None] = mapped_column(String(80))

    @property
    def who(self) -> str:
        """Who did it, as the history shows it: the staff member, "Resident 张*", an
        integration ("Gate barrier (API)"), or the system."""
        from flask_babel import gettext

        if self.actor is not None:
            return self.actor.name
        if self.resident_actor_id is not None:
            from admin_app.portal.actor import resident_label

            return resident_label(self.resident_actor)
        if self.actor_label:  # an integration, through /api/v1
            return gettext("%(name)s (API)", name=self.actor_label)
        return gettext("System")

    def __str__(self) -> str:
        return f"{self.entity_type}#{self.entity_id} {self.action}"
