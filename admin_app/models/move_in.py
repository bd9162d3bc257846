"""Move-in (入伙): one household taking over its unit, walked through the office's 11 steps,
each step kept with who did it, when, and its signed document."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column, list_index


class MoveInStage(Choice):
    """The step a move-in waits for (001 五 一, in the seed's order); then done or cancelled."""

    notify = "notify", _l("Notify the household")
    verify_notice = "verify_notice", _l("Check the move-in notice")
    sign_covenant = "sign_covenant", _l("Sign the interim owners' covenant")
    register = "register", _l("Registration form and ID copy")
    handbook = "handbook", _l("Hand over the owner's handbook and the two documents")
    renovation = "renovation", _l("Renovation formalities")
    sign_receipt = "sign_receipt", _l("Sign the receipt of handed-over items")
    pay_fees = "pay_fees", _l("Pay the move-in fees")
    inspect = "inspect", _l("Inspect the house")
    keys = "keys", _l("Hand over the keys")
    file = "file", _l("File the documents")
    done = "done", _l("Moved in, documents filed")
    cancelled = "cancelled", _l("Cancelled")


class MoveIn(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "move_in"
    __table_args__ = (
        # The estate's queue: the move-ins waiting at each step, oldest first.
        Index("ix_move_in_estate_stage", "estate_id", "stage", "id"),
        list_index("ix_move_in_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit")
    # The household's registered owner (or tenant) taking the keys.
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    resident = relationship("Resident")
    stage: Mapped[MoveInStage] = mapped_column(
        choice_column(MoveInStage), default=MoveInStage.notify
    )
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    started_by = relationship("Staff", foreign_keys=[started_by_id])
    keys_handed_at: Mapped[datetime | None] = mapped_column(DateTime)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    steps = relationship(
        "MoveInStep",
        back_populates="move_in",
        cascade="all, delete-orphan",
        order_by="MoveInStep.id",
    )

    def __str__(self) -> str:
        unit = self.__dict__.get("unit")
        resident = self.__dict__.get("resident")
        parts = [str(unit) if unit is not None else "", resident.name if resident else ""]
        return " ".join(p for p in parts if p) or f"#{self.__dict__.get('id')}"


class MoveInStep(EstateScoped, db.Model):
    """One step done: by whom, when, what was noted, and the document signed at it."""

    __tablename__ = "move_in_step"
    __table_args__ = (
        UniqueConstraint("move_in_id", "step"),
        Index("ix_move_in_step_estate_done", "estate_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    move_in_id: Mapped[int] = mapped_column(ForeignKey("move_in.id", ondelete="CASCADE"))
    move_in = relationship("MoveIn", back_populates="steps")
    step: Mapped[MoveInStage] = mapped_column(choice_column(MoveInStage))
    done_at: Mapped[datetime] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    done_by = relationship("Staff")
    note: Mapped[str | None] = mapped_column(String(500))
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL")
    )
    attachment = relationship("Attachment", passive_deletes=True)
