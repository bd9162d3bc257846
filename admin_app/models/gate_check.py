"""Gate check (门岗查验): every pass a guard scanned or typed, with the verdict and its reason.

Written for every check, valid or not, so the office can see who came through which gate and
which forged, voided or expired passes were presented. Not part of the change history: the
log itself is the record.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import (
    Choice,
    EstateScoped,
    choice_column,
    estate_list_indexes,
    list_index,
)


class PassKind(Choice):
    worker = "worker", _l("Construction-worker pass")
    vehicle = "vehicle", _l("Vehicle pass")
    release = "release", _l("Large-item release")


class GateResult(Choice):
    valid = "valid", _l("Valid")
    not_approved = "not_approved", _l("Not approved (yet)")
    rejected = "rejected", _l("Rejected")
    not_yet_valid = "not_yet_valid", _l("Not valid yet")
    expired = "expired", _l("Expired")
    revoked = "revoked", _l("Revoked")
    suspended = "suspended", _l("Suspended: the renovation is stopped")
    moved_out = "moved_out", _l("The resident has moved out")
    used = "used", _l("Already let out")
    other_estate = "other_estate", _l("A pass of another estate")
    voided = "voided", _l("Voided copy: the pass was reissued")
    forged = "forged", _l("Forged or altered code")
    unknown = "unknown", _l("Unknown pass number or plate")


class CheckMethod(Choice):
    scanned = "scanned", _l("QR code")
    typed = "typed", _l("Typed")


class GateCheck(EstateScoped, db.Model):
    __tablename__ = "gate_check"
    __table_args__ = (
        Index("ix_gate_check_estate_at", "estate_id", "checked_at", "id"),
        Index("ix_gate_check_pass", "pass_kind", "pass_id"),
        list_index("ix_gate_check_checked_id", "checked_at", "id"),
        list_index("ix_gate_check_result_checked", "result", "checked_at", "id"),
        list_index("ix_gate_check_kind_checked", "pass_kind", "checked_at", "id"),
        *estate_list_indexes(
            "gate_check", ("checked_at",), ("result", "pass_kind"), with_default=False
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # estate_id (EstateScoped) is the gate's estate, which need not be the pass's.
    checked_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    checked_by = relationship("Staff")
    method: Mapped[CheckMethod] = mapped_column(choice_column(CheckMethod))
    # What was scanned or typed; a genuine code is kept without its signature, so the log
    # cannot be used to print a working copy.
    scanned: Mapped[str] = mapped_column(String(200))
    result: Mapped[GateResult] = mapped_column(choice_column(GateResult))
    pass_kind: Mapped[PassKind | None] = mapped_column(choice_column(PassKind))
    # No foreign key: one column points into three tables, and the log outlives deleted passes.
    pass_id: Mapped[int | None] = mapped_column(Integer)
    pass_number: Mapped[str | None] = mapped_column(String(32))

    @property
    def is_valid(self) -> bool:
        return self.result is GateResult.valid

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.pass_number or self.scanned}"
