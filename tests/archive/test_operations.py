"""The archive's verbs: a document filed in a household's file, opened (recorded), and every
refusal — another estate, a role that may not, an ID copy for someone who may not see ID
numbers, a bad file — leaving nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.archive import operations as archive
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    DocumentKind,
    HouseholdDocument,
    Resident,
    Role,
    Staff,
    StoredFile,
    Unit,
)
from admin_app.services import storage
from admin_app.services.errors import Forbidden, NotFound, ServiceError

from ..attachments import files


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    w.boss = factories.staff(Role.supervisor, estates=[w.a])
    w.boss_b = factories.staff(Role.supervisor, estates=[w.b])
    w.tech = factories.staff(Role.technician, estates=[w.a])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.director = factories.staff(Role.director, all_estates=True)
    w.other_unit = factories.unit(w.a, room="202")
    return w


def add(world, who, kind=DocumentKind.agreement, data=None, unit=None, resident=None, **kw):
    actor = db.session.get(Staff, getattr(world, who).id)
    unit = db.session.get(Unit, (unit or world.unit_a).id)
    resident = db.session.get(Resident, resident.id) if resident is not None else None
    return archive.add_document(
        unit,
        resident,
        kind=kind,
        data=files.pdf() if data is None else data,
        filename=kw.pop("filename", "协议.pdf"),
        actor=actor,
        **kw,
    )


def counts():
    return db.session.query(HouseholdDocument).count(), db.session.query(StoredFile).count()


def test_a_signed_agreement_is_filed_in_the_units_file_and_its_history(in_app, world):
    with in_app():
        document = add(world, "desk", resident=world.resident_a, note="业主签字版")
        db.session.commit()
        document = db.session.get(HouseholdDocument, document.id)
        assert (document.unit_id, document.resident_id) == (world.unit_a.id, world.resident_a.id)
        assert (document.kind, document.document_date) == (DocumentKind.agreement, clock.today())
        assert (document.filename, document.content_type) == ("协议.pdf", "application/pdf")
        assert (document.note, document.created_by_id) == ("业主签字版", world.desk.id)
        assert storage.read(document.stored_file) == files.pdf()
        entry = db.session.query(AuditRecord).filter_by(action="add_document").one()
        assert (entry.entity_type, entry.entity_id) == ("unit", world.unit_a.id)
        assert archive.documents_of(world.unit_a.id) == [document]
        # A resident's page: the resident's own and the whole household's, not another's.
        assert archive.documents_of(world.unit_a.id, world.resident_a.id + 999) == []


def test_a_photo_is_re_encoded_by_the_attachments_checker(in_app, world):
    with in_app():
        document = add(world, "desk", data=files.jpeg(gps=True), filename="登记表.jpeg")
        stored = storage.read(document.stored_file)
        assert document.content_type == "image/jpeg" and document.filename == "登记表.jpg"
        assert stored != files.jpeg(gps=True)
        assert not files.view(stored).getexif().get(0x8825)  # the GPS position is gone


def test_an_id_copy_is_kept_encrypted_and_opened_only_by_who_sees_id_numbers(in_app, world):
    with in_app():
        document = add(world, "boss", kind=DocumentKind.id_copy, data=files.png(alpha=False))
        db.session.commit()
        document = db.session.get(HouseholdDocument, document.id)
        at_rest = storage.read(document.stored_file)
        assert document.encrypted and not at_rest.startswith(b"\x89PNG")
        for who in ("desk", "tech", "guard"):
            with pytest.raises(ServiceError):
                archive.open_document(document, db.session.get(Staff, getattr(world, who).id))
        opened = archive.open_document(document, db.session.get(Staff, world.boss.id))
        assert opened.data.startswith(b"\x89PNG") and opened.inline
        # The desk may not file one either: it could not open it again.
        with pytest.raises(Forbidden):
            add(world, "desk", kind=DocumentKind.id_copy, data=files.png())


def test_opening_a_document_is_recorded_with_who_and_when(in_app, world):
    with in_app():
        document = add(world, "desk")
        db.session.commit()
        opened = archive.open_document(document, db.session.get(Staff, world.desk.id))
        archive.open_document(document, db.session.get(Staff, world.boss.id))
        db.session.commit()
        assert opened.data == files.pdf() and not opened.inline
        seen = archive.openings([document])[document.id]
        assert {(o.actor_id, o.estate_id) for o in seen} == {
            (world.desk.id, world.a.id),
            (world.boss.id, world.a.id),
        }
        assert all(o.at is not None for o in seen)


@pytest.mark.parametrize(
    ("who", "error"),
    [("boss_b", NotFound), ("tech", Forbidden), ("guard", Forbidden)],
)
def test_another_estate_or_a_role_that_may_not_adds_nothing(in_app, world, who, error):
    with in_app():
        before = counts()
        with pytest.raises(error):
            add(world, who)
        assert counts() == before


TOMORROW = object()  # the office's tomorrow, as the test runs


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data": b"MZ\x90\x00 not a document"}, "Only photos"),
        ({"data": b""}, "empty"),
        ({"data": files.pdf_with_javascript()}, "scripts"),
        ({"data": files.HTML, "filename": "scan.jpg"}, "Only photos"),
        ({"kind": "diploma"}, "what kind"),
        ({"note": "长" * 201}, "longer than 200"),
        # Worked out when the test runs, not when it is collected: a run that crosses the
        # office's midnight found "tomorrow" had become today.
        ({"document_date": TOMORROW}, "future"),
    ],
)
def test_a_bad_file_or_field_is_refused_with_its_reason_and_nothing_stored(
    in_app, world, change, message
):
    if change.get("document_date") is TOMORROW:
        change = {"document_date": clock.today() + timedelta(days=1)}
    with in_app():
        before = counts()
        with pytest.raises(ServiceError) as refused:
            add(world, "desk", **change)
        assert message in str(refused.value)
        assert counts() == before


def test_a_resident_of_another_unit_is_refused(in_app, factories, world):
    stranger = factories.resident(world.other_unit, name="邻居")
    with in_app():
        with pytest.raises(ServiceError, match="does not live in this unit"):
            add(world, "desk", resident=stranger)
        assert counts() == (0, 0)


def test_another_estates_staff_cannot_open_a_document(in_app, world):
    with in_app():
        document = add(world, "desk")
        with pytest.raises(NotFound):
            archive.open_document(document, db.session.get(Staff, world.boss_b.id))
        assert db.session.query(AuditRecord).filter_by(action="open_document").count() == 0


def test_a_company_wide_director_files_and_opens_in_every_estate(in_app, world):
    with in_app():
        document = add(world, "director", unit=world.unit_b)
        assert archive.open_document(document, db.session.get(Staff, world.director.id)).data


def test_an_id_copy_goes_when_its_household_is_anonymised_and_other_documents_stay(
    app, in_app, factories, world
):
    from admin_app.retention import jobs as retention

    gone = factories.resident(world.unit_a, name="旧业主")
    with in_app():
        id_copy = add(world, "boss", kind=DocumentKind.id_copy, data=files.png(), resident=gone)
        form = add(world, "desk", kind=DocumentKind.registration_form, resident=gone)
        row = db.session.get(Resident, gone.id)
        row.move_out = clock.today() - timedelta(days=365 * 10)
        db.session.commit()
        id_copy_file, form_id = id_copy.stored_file_id, form.id
        assert retention.run()["residents"] == 1
        db.session.expire_all()
        assert [d.id for d in db.session.query(HouseholdDocument)] == [form_id]
        assert db.session.get(StoredFile, id_copy_file) is None
