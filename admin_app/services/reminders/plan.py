"""From a record's current values to the reminders it should have: pure functions, no I/O.

Times are naive office-local (admin_app.clock). A reminder's `dedupe_key` names the rule, the
record, the level and the deadline, so saving a record twice plans the same rows, and a moved
deadline plans new ones (the old ones are cancelled).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from admin_app.services.reminders.rules import Rule


@dataclass(frozen=True)
class Planned:
    rule: str
    level: int
    deadline_at: datetime
    due_at: datetime
    recipient_id: int | None
    recipient_role: str
    dedupe_key: str


@dataclass(frozen=True)
class OfficeHours:
    start: int  # hour the office opens
    end: int  # hour it closes

    def next_open(self, at: datetime) -> datetime:
        """`at` itself during office hours, else the next opening (the same or next morning)."""
        if not 0 <= self.start < self.end <= 24:
            return at  # no sensible hours configured: the office never closes
        opening = at.replace(hour=self.start, minute=0, second=0, microsecond=0)
        if at < opening:
            return opening
        if at >= opening.replace(hour=0) + timedelta(hours=self.end):
            return opening + timedelta(days=1)
        return at


def deadline_of(rule: Rule, value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value + rule.deadline_offset
    if isinstance(value, date):
        # "Valid until 30 November" means through that day: it lapses at midnight.
        return datetime.combine(value + timedelta(days=1), time()) + rule.deadline_offset
    raise TypeError(f"{rule.name}: {rule.deadline} is neither a date nor a datetime")


def _value(row: Mapping, name: str):
    value = row[name]
    return getattr(value, "value", value)  # enum members and their stored strings alike


def applies(rule: Rule, row: Mapping) -> bool:
    """Is this record's deadline for `rule` alive?"""
    if row[rule.deadline] is None:
        return False
    if rule.states and _value(row, "status") not in {s.value for s in rule.states}:
        return False
    if any(row[name] is not None for name in rule.done_when):
        return False
    for name, wanted in rule.only_if.items():
        if _value(row, name) not in {getattr(w, "value", w) for w in wanted}:
            return False
    return True


def dedupe_key(rule: Rule, entity_id: int, level: int, deadline: datetime) -> str:
    return f"{rule.name}:{entity_id}:{level}:{deadline:%Y%m%d%H%M%S}"


def plan(rule: Rule, row: Mapping, hours: OfficeHours) -> list[Planned]:
    """The warning and every escalation this record should have under `rule` (maybe none)."""
    if not applies(rule, row):
        return []
    deadline = deadline_of(rule, row[rule.deadline])
    warned = next((row[name] for name in rule.warn if row[name] is not None), None)
    steps = [(0, deadline - rule.warn_before, warned, rule.warn_role)]
    steps += [
        (level, deadline + step.after, None, step.role)
        for level, step in enumerate(rule.escalate, start=1)
    ]
    return [
        Planned(
            rule=rule.name,
            level=level,
            deadline_at=deadline,
            due_at=hours.next_open(due) if rule.office_hours else due,
            recipient_id=recipient_id,
            recipient_role=role.value,
            dedupe_key=dedupe_key(rule, row["id"], level, deadline),
        )
        for level, due, recipient_id, role in steps
    ]
