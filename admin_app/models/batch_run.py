"""A batch run: one workflow step run over many records (ticked rows or a whole filter; the
table keeps its first name, action_batch),
recorded so that supervisors can look it up afterwards: who, when, what, which filter, counts."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.base import Choice, choice_column


class BatchStatus(Choice):
    queued = "queued", _l("Queued")
    running = "running", _l("Running")
    done = "done", _l("Done")
    failed = "failed", _l("Failed")


batch_run_estate = Table(
    "action_batch_estate",
    db.metadata,
    Column(
        "batch_id", Integer, ForeignKey("action_batch.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("estate_id", Integer, ForeignKey("estate.id", ondelete="CASCADE"), primary_key=True),
)


class BatchRun(db.Model):
    __tablename__ = "action_batch"
    __table_args__ = (Index("ix_action_batch_actor_created", "actor_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    actor = relationship("Staff")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when a worker takes the batch and at every chunk it commits: a queued or running
    # batch silent for long was lost with its job (Redis restarted, worker killed) and is
    # taken up again where it stopped (panel/actions/batches.py).
    progress_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[BatchStatus] = mapped_column(
        choice_column(BatchStatus), default=BatchStatus.queued
    )
    # What the user chose: "ticked rows" or the list's filter and search, as on the list's URL.
    selection: Mapped[str] = mapped_column(Text, default="")
    record_ids: Mapped[list] = mapped_column(JSON, default=list)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # the action form's fields
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # The first refusals, {record label: reason}, kept short.
    problems: Mapped[dict] = mapped_column(JSON, default=dict)
    # The hand-offs told once the batch ends, one per person (services/handoffs.py, gathered):
    # tallied by each chunk and committed with it, so a batch taken up again counts them all.
    to_tell: Mapped[dict | None] = mapped_column(JSON, default=dict)
    estates = relationship("Estate", secondary=batch_run_estate, lazy="selectin")

    def __str__(self) -> str:
        return f"#{self.id}"  # named with its kind (panel/labels.py RECORD_TYPES: 批量操作 #12)
