"""Households that moved out more than RETENTION_MOVED_OUT_YEARS ago lose their names, phones
and ID numbers on the daily run; their tickets and work orders stay and are still counted."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AuditRecord, ReleasePass, Resident, Ticket, WorkOrder
from admin_app.retention import jobs as retention
from admin_app.retention.anonymise import ANONYMISED

ID_NUMBER = "11010519491231002X"


def moved_out(factories, in_app, unit, years: float, **fields):
    resident = factories.resident(unit, id_number=ID_NUMBER, **fields)
    with in_app():
        row = db.session.get(Resident, resident.id)
        row.move_out = clock.today() - timedelta(days=round(365.25 * years))
        row.email = "old@example.com"
        row.notes = "钥匙已交回"
        db.session.commit()
    return resident


def with_records(factories, estate, unit, resident):
    factories.ticket(
        estate,
        unit_id=unit.id,
        resident_id=resident.id,
        reporter_name=resident.name,
        reporter_phone=resident.phone,
    )
    factories.ticket(estate, unit_id=unit.id, resident_id=resident.id)
    factories.work_order(
        estate,
        unit_id=unit.id,
        resident_id=resident.id,
        contact_name=resident.name,
        contact_phone=resident.phone,
    )
    factories.release_pass(
        estate,
        unit=unit,
        applicant_id=resident.id,
        applicant_name=resident.name,
        applicant_phone=resident.phone,
    )


def counts(estate_id):
    return tuple(
        db.session.execute(
            select(func.count()).select_from(model).where(model.estate_id == estate_id)
        ).scalar_one()
        for model in (Ticket, WorkOrder, ReleasePass, Resident)
    )


def test_a_household_gone_over_three_years_is_anonymised_and_its_records_still_count(
    app, in_app, factories
):
    estate = factories.estate()
    unit = factories.unit(estate)
    old = moved_out(factories, in_app, unit, 3.2, name="王老住户", phone="13912345678")
    with_records(factories, estate, unit, old)
    with in_app():
        before = counts(estate.id)
        trail = db.session.scalars(select(AuditRecord.changes)).all()
        assert "王老住户" in json.dumps(trail, ensure_ascii=False)  # the history had them
        assert retention.run()["residents"] == 1
        db.session.expire_all()
        assert counts(estate.id) == before  # the statistics count the same records

        row = db.session.get(Resident, old.id)
        assert (row.name, row.phone, row.email, row.notes) == (ANONYMISED, None, None, None)
        assert row.id_number is None and row.id_number_masked is None
        assert row.id_number_hash is None
        assert row.move_out is not None and row.unit_id == unit.id  # the stay is still known

        tickets = db.session.scalars(select(Ticket).where(Ticket.resident_id == old.id)).all()
        assert sorted((t.reporter_name or "", t.reporter_phone or "") for t in tickets) == [
            ("", ""),
            (ANONYMISED, ""),
        ]
        order = db.session.scalars(select(WorkOrder).where(WorkOrder.resident_id == old.id)).one()
        assert (order.contact_name, order.contact_phone) == (ANONYMISED, None)
        release = db.session.scalars(select(ReleasePass)).one()
        assert (release.applicant_name, release.applicant_phone) == (ANONYMISED, None)

        # The history says it happened, and no longer holds what the record forgot.
        trail = db.session.scalars(select(AuditRecord)).all()
        assert any(
            a.entity_type == "resident" and a.entity_id == old.id and a.action == "anonymise"
            for a in trail
        )
        written = json.dumps([a.changes for a in trail], ensure_ascii=False)
        for forgotten in ("王老住户", "13912345678", "old@example.com", "钥匙已交回", "002X"):
            assert forgotten not in written

        # Done once: the next day's run has nothing left to do.
        assert retention.run()["residents"] == 0


def test_a_recent_move_out_and_a_household_still_living_there_are_untouched(app, in_app, factories):
    estate = factories.estate()
    unit = factories.unit(estate)
    recent = moved_out(factories, in_app, unit, 2.8, name="刚搬走", phone="13900000001")
    living = factories.resident(unit, name="还住着", phone="13900000002", id_number=ID_NUMBER)
    with_records(factories, estate, unit, recent)
    with in_app():
        assert retention.run()["residents"] == 0
        rows = {r.id: r for r in db.session.scalars(select(Resident))}
        assert (rows[recent.id].name, rows[recent.id].phone) == ("刚搬走", "13900000001")
        assert rows[recent.id].id_number == ID_NUMBER
        assert (rows[living.id].name, rows[living.id].id_number) == ("还住着", ID_NUMBER)
        order = db.session.scalars(select(WorkOrder)).one()
        assert (order.contact_name, order.contact_phone) == ("刚搬走", "13900000001")


def test_the_dry_run_counts_the_households_and_anonymises_none(app, in_app, factories):
    estate = factories.estate()
    unit = factories.unit(estate)
    old = moved_out(factories, in_app, unit, 5, name="老住户")
    result = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "would anonymise residents: 1" in result.output
    with in_app():
        assert db.session.get(Resident, old.id).name == "老住户"


def test_households_are_anonymised_in_batches(app, in_app, factories, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_BATCH_SIZE", 2)
    estate = factories.estate()
    unit = factories.unit(estate)
    for n in range(5):
        moved_out(factories, in_app, unit, 4, name=f"住户{n}")
    with in_app():
        commits = []
        real_commit = db.session.commit
        monkeypatch.setattr(db.session, "commit", lambda: (commits.append(1), real_commit()))
        assert retention.run()["residents"] == 5
        assert len(commits) >= 3  # 2 + 2 + 1, each its own transaction
        names = set(db.session.scalars(select(Resident.name)))
        assert names == {ANONYMISED}
