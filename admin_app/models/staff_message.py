"""A message taken for a staff member who is out (留言转告).

A caller asks for someone who is not there — a technician on a job, the supervisor at a
meeting: the desk writes down who called, how to reach them and what they want, and the
panel passes it on at once (001 四(二)1①「如客户要找的服务人员不在，应做好记录，并及时转告」).
The person marks it done once they have called back. The caller's phone is personal data:
masked on the office's pages, whole only for the person it is for and whoever took it;
retention/purge.py forgets a done message after its configured age.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column, list_index
from admin_app.text import one_line


class MessageStatus(Choice):
    waiting = "waiting", _l("Waiting for them")
    done = "done", _l("Done")


class StaffMessage(EstateScoped, TimestampMixin, db.Model):
    __tablename__ = "staff_message"
    # The history keeps the caller's number out, whole or through the resident's name (a
    # resident reads "张三 (138…)"): the office sees it masked.
    __audit_exclude__ = frozenset({"caller_phone", "resident_id"})
    __table_args__ = (
        # The messages waiting for a person (the dashboard's card, the phone page's count).
        Index("ix_staff_message_for_status", "for_staff_id", "status", "taken_at"),
        list_index("ix_staff_message_taken_id", "taken_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    for_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    for_staff = relationship("Staff", foreign_keys=[for_staff_id])
    caller_name: Mapped[str] = mapped_column(String(50))
    caller_phone: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    unit = relationship("Unit")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id", ondelete="SET NULL"))
    resident = relationship("Resident")
    text: Mapped[str] = mapped_column(Text)
    call_back: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[MessageStatus] = mapped_column(
        choice_column(MessageStatus), default=MessageStatus.waiting
    )
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    taken_by = relationship("Staff", foreign_keys=[taken_by_id])
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    done_by = relationship("Staff", foreign_keys=[done_by_id])
    done_note: Mapped[str | None] = mapped_column(String(200))

    def _words(self) -> str:
        return one_line(self.text, 40)

    def __str__(self) -> str:
        return str(_l("%(caller)s: %(words)s", caller=self.caller_name, words=self._words()))

    def inbox_label(self) -> str:
        """How the inbox and the text to the person it is for name it: with the number to call
        back, so that a technician out on a job need not open the panel."""
        if not self.caller_phone:
            return str(self)
        return str(
            _l(
                "%(caller)s (%(phone)s): %(words)s",
                caller=self.caller_name,
                phone=self.caller_phone,
                words=self._words(),
            )
        )
