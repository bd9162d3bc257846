"""The demo's rota, seeded at any hour: the shift before handed over and was taken over when the
running one began; the running and the next shift not handed over; nothing dated after now."""

from __future__ import annotations

import pytest

from admin_app import clock
from admin_app.duty import operations as duty
from admin_app.extensions import db
from admin_app.models import DutyLogEntry, DutyShift, Estate, Staff

from ..reminders_support import office_time


@pytest.mark.parametrize(
    "hour",
    [(3, 0), (7, 58), (8, 1), (14, 0), (20, 0), (23, 30)],
    ids=lambda hm: f"{hm[0]:02d}:{hm[1]:02d}",
)
def test_the_demo_rota_is_handed_over_in_the_past_only(in_app, time_machine, hour):
    from seed.demo import seed_demo

    time_machine.move_to(office_time(2026, 12, 7, *hour), tick=False)
    with in_app():
        seed_demo()
        db.session.commit()
        now = clock.now()
        for estate in db.session.query(Estate):
            shifts = (
                db.session.query(DutyShift)
                .filter_by(estate_id=estate.id)
                .order_by(DutyShift.starts_at)
                .all()
            )
            before, running, coming = shifts
            assert before.handed_over_at <= running.starts_at <= now < running.ends_at
            assert before.handed_over_at <= before.acknowledged_at <= now
            assert before.acknowledged_by_id == running.staff_id
            assert running.handed_over_at is None and coming.handed_over_at is None
            assert coming.starts_at > now
            entries = db.session.query(DutyLogEntry).filter_by(estate_id=estate.id).all()
            assert entries and all(
                before.starts_at <= e.at <= before.handed_over_at for e in entries
            )
            # The person on duty sees the running shift as theirs, with nothing waiting.
            person = db.session.get(Staff, running.staff_id)
            assert duty.current_shift(person) == running
            assert duty.handed_to(person.id, running) is None
