"""The daily purge forgets each kind of trail record past its age, keeps the younger ones and
whatever is still referenced, and works in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DeliveryStatus,
    GateCheck,
    ImportStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    ResidentImport,
    StoredFile,
    TicketCategory,
    WorkerPass,
    WorkOrder,
)
from admin_app.retention import jobs as retention

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def days_ago(days: int):
    return clock.now() - timedelta(days=days)


def ids(model) -> set[int]:
    return set(db.session.execute(select(model.id)).scalars())


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def world(factories):
    estate = factories.estate()
    return estate, factories.staff("receptionist", estates=[estate])


def stored(estate, age_days: int, content_type: str = "image/png") -> int:
    row = StoredFile(
        estate_id=estate.id,
        filename="f",
        content_type=content_type,
        size=len(PNG),
        sha256="0" * 64,
        data=PNG,
        created_at=days_ago(age_days),
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def reminder(estate, status=ReminderStatus.sent, age_days: int = 100, **fields) -> Reminder:
    row = Reminder(
        estate_id=estate.id,
        rule=fields.pop("rule", "manual"),
        entity_type="ticket",
        entity_id=fields.pop("entity_id", 999),
        deadline_at=days_ago(age_days),
        due_at=days_ago(age_days),
        sent_at=days_ago(age_days) if status is ReminderStatus.sent else None,
        created_at=days_ago(age_days),
        status=status,
        dedupe_key=fields.pop("dedupe_key", f"test-{age_days}-{status.value}-{id(fields)}"),
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_read_inbox_entries_go_after_90_days_unread_and_recent_ones_stay(app, in_app, world):
    estate, staff = world
    with in_app():
        old_read, recent_read, old_unread = (
            Notification(staff_id=staff.id, title=t, created_at=days_ago(200), read_at=read)
            for t, read in (("a", days_ago(91)), ("b", days_ago(89)), ("c", None))
        )
        db.session.add_all([old_read, recent_read, old_unread])
        db.session.commit()
        kept = {recent_read.id, old_unread.id}
        db.session.expunge_all()
        counts = retention.run()
        assert counts["notifications"] == 1
        assert ids(Notification) == kept


def test_finished_deliveries_go_after_180_days_waiting_and_recent_ones_stay(
    app, in_app, factories, world
):
    estate, _ = world
    old_sent = factories.reminder_delivery(estate, status=DeliveryStatus.sent)
    old_failed = factories.reminder_delivery(estate, status=DeliveryStatus.failed)
    old_waiting = factories.reminder_delivery(estate, status=DeliveryStatus.pending)
    old_sending = factories.reminder_delivery(estate, status=DeliveryStatus.sending)
    recent = factories.reminder_delivery(estate, status=DeliveryStatus.sent)
    with in_app():
        for row, age in ((old_sent, 181), (old_failed, 200), (old_waiting, 300)):
            db.session.get(ReminderDelivery, row.id).created_at = days_ago(age)
        db.session.get(ReminderDelivery, old_sending.id).last_attempt_at = days_ago(300)
        db.session.get(ReminderDelivery, recent.id).sent_at = days_ago(179)
        db.session.commit()
        assert retention.run()["deliveries"] == 2
        assert ids(ReminderDelivery) == {old_waiting.id, old_sending.id, recent.id}


def test_delivered_reminders_go_after_90_days_and_undelivered_ones_stay(app, in_app, world):
    estate, staff = world
    with in_app():
        gone = reminder(estate, ReminderStatus.sent, 91, dedupe_key="sent-91")
        cancelled = reminder(estate, ReminderStatus.cancelled, 120, dedupe_key="cancelled-120")
        recent = reminder(estate, ReminderStatus.sent, 89, dedupe_key="sent-89")
        pending = reminder(estate, ReminderStatus.pending, 300, dedupe_key="pending-300")
        queued = reminder(estate, ReminderStatus.queued, 300, dedupe_key="queued-300")
        failed = reminder(estate, ReminderStatus.failed, 300, dedupe_key="failed-300")
        # Still referenced: its delivery log is younger than 180 days, its inbox entry unread.
        logged = reminder(estate, ReminderStatus.sent, 100, dedupe_key="logged")
        db.session.add(
            ReminderDelivery(
                reminder_id=logged.id,
                estate_id=estate.id,
                channel="sms",
                status=DeliveryStatus.sent,
                created_at=days_ago(100),
                sent_at=days_ago(100),
            )
        )
        unread = reminder(estate, ReminderStatus.sent, 100, dedupe_key="unread")
        db.session.add(Notification(staff_id=staff.id, reminder_id=unread.id, title="t"))
        db.session.commit()
        survivors = {recent.id, pending.id, queued.id, failed.id, logged.id, unread.id}
        purged = {gone.id, cancelled.id}

        assert retention.run()["reminders"] == 2
        assert ids(Reminder) == survivors
        assert not purged & ids(Reminder)


def test_a_sent_reminder_its_open_record_would_plan_again_is_kept(app, in_app, factories, world):
    # An inquiry never called back: deleting its sent escalation would plan and send it again.
    estate, staff = world
    due = clock.now() - timedelta(days=100)
    ticket = factories.ticket(
        estate, category=TicketCategory.inquiry, callback_due_at=due, assignee_id=staff.id
    )
    with in_app():
        planned = db.session.scalars(
            select(Reminder).where(
                Reminder.entity_type == "ticket", Reminder.entity_id == ticket.id
            )
        ).all()
        assert planned
        for row in planned:
            row.status, row.sent_at, row.created_at = ReminderStatus.sent, due, due
        db.session.commit()
        assert retention.run()["reminders"] == 0
        assert {r.id for r in planned} <= ids(Reminder)


def test_gate_checks_go_after_180_days(app, in_app, factories, world):
    estate, _ = world
    old = factories.gate_check(estate, checked_at=days_ago(181))
    recent = factories.gate_check(estate, checked_at=days_ago(179))
    with in_app():
        assert retention.run()["gate_checks"] == 1
        assert ids(GateCheck) == {recent.id}
        assert old.id not in ids(GateCheck)


def import_batch(estate, status, age_days, file_id) -> ResidentImport:
    batch = ResidentImport(
        estate_id=estate.id,
        filename="住户.csv",
        status=status,
        file_id=file_id,
        new_count=12,
        preview={"samples": [["王五", "13900000000"]]},
        problems=[{"row": 3, "errors": ["bad phone"], "values": ["赵六", "123"]}],
        created_at=days_ago(age_days),
        updated_at=days_ago(age_days),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def test_import_files_go_after_30_days_and_the_import_record_keeps_its_counts(app, in_app, world):
    estate, _ = world
    with in_app():
        done_file = stored(estate, 31, "text/csv")
        refused_file = stored(estate, 40, "text/csv")
        recent_file = stored(estate, 29, "text/csv")
        running_file = stored(estate, 60, "text/csv")
        shared_file = stored(estate, 60, "image/png")
        done = import_batch(estate, ImportStatus.done, 31, done_file)
        refused = import_batch(estate, ImportStatus.refused, 40, refused_file)
        recent = import_batch(estate, ImportStatus.done, 29, recent_file)
        running = import_batch(estate, ImportStatus.importing, 60, running_file)
        # A file a work order's signature also shows is not the import's to delete.
        shared = import_batch(estate, ImportStatus.done, 60, shared_file)
        db.session.add(
            WorkOrder(estate_id=estate.id, description="修", signature_file_id=shared_file)
        )
        db.session.commit()

        assert retention.run()["import_files"] == 2
        db.session.expire_all()
        assert ids(StoredFile) == {recent_file, running_file, shared_file}
        assert db.session.get(ResidentImport, done.id).file_id is None
        finished = db.session.get(ResidentImport, done.id)
        assert (finished.new_count, finished.preview, finished.problems) == (12, None, None)
        assert db.session.get(ResidentImport, recent.id).preview is not None
        assert db.session.get(ResidentImport, refused.id).file_id is None
        assert db.session.get(ResidentImport, recent.id).file_id == recent_file
        assert db.session.get(ResidentImport, running.id).file_id == running_file
        assert count(ResidentImport) == 5
        assert shared.id


def test_photos_no_record_shows_go_after_180_days_and_referenced_ones_stay(
    app, in_app, factories, world
):
    estate, _ = world
    renovation = factories.renovation(estate)
    with in_app():
        orphan = stored(estate, 181)  # a worker's photo since replaced
        young_orphan = stored(estate, 179)
        worker_photo, signature, inspection_photo = (stored(estate, 400) for _ in range(3))
        db.session.add(
            WorkerPass(
                estate_id=estate.id,
                renovation_id=renovation.id,
                worker_name="李四",
                photo_file_id=worker_photo,
            )
        )
        db.session.add(
            WorkOrder(estate_id=estate.id, description="修", signature_file_id=signature)
        )
        db.session.commit()
    factories.inspection(renovation, photo_file_id=inspection_photo)
    with in_app():
        assert retention.run()["photos"] == 1
        assert ids(StoredFile) == {young_orphan, worker_photo, signature, inspection_photo}
        assert orphan not in ids(StoredFile)


def test_more_rows_than_a_batch_go_in_several_transactions(app, in_app, world, monkeypatch):
    estate, staff = world
    monkeypatch.setitem(app.config, "RETENTION_BATCH_SIZE", 100)
    with in_app():
        db.session.add_all(
            Notification(staff_id=staff.id, title=str(n), read_at=days_ago(100)) for n in range(250)
        )
        db.session.add(Notification(staff_id=staff.id, title="new", read_at=days_ago(1)))
        db.session.commit()
        commits = []
        real_commit = db.session.commit
        monkeypatch.setattr(
            db.session, "commit", lambda: (commits.append(count(Notification)), real_commit())
        )
        from admin_app.retention import purge

        before = purge.cutoff("RETENTION_NOTIFICATION_DAYS")
        assert purge.notifications(before, 100, dry_run=False) == 250
        # Each transaction held one batch: 100, 100, then the last 50.
        assert commits == [151, 51, 1]
        assert count(Notification) == 1


def test_zero_days_keeps_a_kind_for_ever(app, in_app, factories, world, monkeypatch):
    estate, _ = world
    monkeypatch.setitem(app.config, "RETENTION_GATE_CHECK_DAYS", 0)
    factories.gate_check(estate, checked_at=days_ago(5000))
    with in_app():
        assert retention.run()["gate_checks"] == 0
        assert count(GateCheck) == 1


def test_the_command_counts_per_kind_and_its_dry_run_changes_nothing(app, factories, world):
    estate, _ = world
    factories.gate_check(estate, checked_at=days_ago(365))
    factories.gate_check(estate, checked_at=days_ago(1))
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would purge gate_checks: 1" in dry.output
    assert "would purge notifications: 0" in dry.output
    assert "would anonymise residents: 0" in dry.output
    with app.app_context():
        assert count(GateCheck) == 2

    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "purged gate_checks: 1" in done.output
    with app.app_context():
        assert count(GateCheck) == 1


def test_the_embedded_default_runs_the_purge_once_a_day(app, factories, world, monkeypatch):
    estate, _ = world
    monkeypatch.setattr(retention, "_in_process", {})
    factories.gate_check(estate, checked_at=days_ago(365))
    retention.run_in_process_if_due(app)  # just started: not during the first logins
    with app.app_context():
        assert count(GateCheck) == 1
    monkeypatch.setitem(retention._in_process, "next", 0)
    retention.run_in_process_if_due(app)
    factories.gate_check(estate, checked_at=days_ago(365))
    retention.run_in_process_if_due(app)  # the same day: not again
    with app.app_context():
        assert count(GateCheck) == 1
    monkeypatch.setitem(retention._in_process, "next", 0)  # a day later
    retention.run_in_process_if_due(app)
    with app.app_context():
        assert count(GateCheck) == 0


def test_the_scheduler_runs_the_purge_daily():
    import fakeredis
    from rq.cron import CronScheduler

    cron = CronScheduler(connection=fakeredis.FakeRedis())
    cron.load_config_from_file("admin_app.cron")
    jobs = {job.func_name.rsplit(".", 1)[-1]: job for job in cron.get_jobs()}
    assert (jobs["purge_expired"].queue_name, jobs["purge_expired"].interval) == (
        "default",
        24 * 3600,
    )
