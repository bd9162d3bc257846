"""The archive on the household pages as the desk and supervisors use it: one form on the unit
or resident page files a document, a link opens it (recorded, and the record shown to
supervisors); another estate's household does not exist, a role that may not gets 403."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest

from admin_app.archive import operations as archive
from admin_app.extensions import db
from admin_app.models import AuditRecord, DocumentKind, HouseholdDocument, Role, Staff, Unit

from ..attachments import files
from ..attachments.test_views import said
from ..conftest import statements_run


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台小李")
    w.boss = factories.staff(Role.supervisor, estates=[w.a], name="主管老王")
    w.desk_b = factories.staff(Role.receptionist, estates=[w.b])
    w.tech = factories.staff(Role.technician, estates=[w.a])
    return w


def send(client, endpoint, record_id, data=None, name="协议.pdf", csrf=True, **fields):
    form = {"kind": "agreement", "document_date": "", "resident": "0", "note": "", **fields}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post(
        f"/admin/{endpoint}/archive/add/?id={record_id}",
        form,
        csrf=csrf,
        content_type="multipart/form-data",
    )


def documents(in_app) -> list[tuple]:
    with in_app():
        return [
            (d.unit_id, d.resident_id, d.kind, d.filename, d.note)
            for d in db.session.query(HouseholdDocument).order_by(HouseholdDocument.id)
        ]


def page(client, endpoint, record_id) -> str:
    response = client.get(f"/admin/{endpoint}/details/?id={record_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_desk_files_a_document_from_the_unit_page_and_opens_it(login, in_app, world):
    desk = login(world.desk)
    form = page(desk, "unit", world.unit_a.id)
    assert 'id="archive-upload"' in form and "No documents on file yet." in form
    response = send(desk, "unit", world.unit_a.id, files.pdf(), note="业主已签字")
    assert response.status_code == 302
    assert "The document was added to the household's file." in said(desk, response)
    assert documents(in_app) == [
        (world.unit_a.id, None, DocumentKind.agreement, "协议.pdf", "业主已签字")
    ]
    shown = page(desk, "unit", world.unit_a.id)
    assert "协议.pdf" in shown and "业主已签字" in shown and "前台小李" in shown
    assert "Opened by" not in shown  # the record of openings is the supervisors'
    with in_app():
        doc_id = db.session.query(HouseholdDocument.id).scalar()
    opened = desk.get(f"/admin/unit/archive/file/?id={world.unit_a.id}&doc={doc_id}")
    assert opened.status_code == 200 and opened.data == files.pdf()
    assert opened.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in opened.headers["Content-Security-Policy"]
    boss_page = page(login(world.boss), "unit", world.unit_a.id)
    assert f'id="openings-{doc_id}"' in boss_page and "前台小李" in boss_page.split("openings")[-1]
    with in_app():
        entry = db.session.query(AuditRecord).filter_by(action="open_document").one()
        assert (entry.actor_id, entry.entity_id) == (world.desk.id, doc_id)


def test_the_resident_page_files_the_document_as_that_residents(login, in_app, world):
    desk = login(world.desk, lang="zh-CN")
    form = page(desk, "resident", world.resident_a.id)
    assert "住户档案" in form and "加入档案" in form  # the section speaks Chinese
    response = send(
        desk,
        "resident",
        world.resident_a.id,
        files.jpeg(),
        name="登记表.jpg",
        kind="registration_form",
        resident=str(world.resident_a.id),
    )
    assert response.status_code == 302
    assert documents(in_app) == [
        (world.unit_a.id, world.resident_a.id, DocumentKind.registration_form, "登记表.jpg", None)
    ]
    with in_app():
        doc_id = db.session.query(HouseholdDocument.id).scalar()
    shown = desk.get(f"/admin/resident/archive/file/?id={world.resident_a.id}&doc={doc_id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    # The same document from the unit's page; never through another household's page.
    assert (
        desk.get(f"/admin/unit/archive/file/?id={world.unit_a.id}&doc={doc_id}").status_code == 200
    )
    other = login(world.desk_b)
    assert (
        other.get(f"/admin/unit/archive/file/?id={world.unit_b.id}&doc={doc_id}").status_code == 404
    )


def test_a_bad_file_is_refused_with_a_message_and_nothing_filed(login, in_app, world):
    desk = login(world.desk)
    response = send(desk, "unit", world.unit_a.id, files.HTML, name="scan.pdf")
    assert any("Nothing was added." in m and "Only photos" in m for m in said(desk, response))
    response = send(desk, "unit", world.unit_a.id, None)
    assert "Choose the scanned document or PDF first." in said(desk, response)
    response = send(desk, "unit", world.unit_a.id, files.pdf(), kind="id_copy")
    assert any("Only a supervisor may file an ID copy." in m for m in said(desk, response))
    assert documents(in_app) == []


def test_another_estate_does_not_exist_and_other_roles_are_refused(login, in_app, world):
    other = login(world.desk_b)
    assert send(other, "unit", world.unit_a.id, files.pdf()).status_code == 404
    tech = login(world.tech)
    assert 'id="archive"' not in page(tech, "unit", world.unit_a.id)
    assert send(tech, "unit", world.unit_a.id, files.pdf()).status_code == 403
    assert (
        send(login(world.desk), "unit", world.unit_a.id, files.pdf(), csrf=False).status_code == 400
    )
    assert documents(in_app) == []


def test_an_id_copy_is_listed_to_the_desk_but_opened_only_by_a_supervisor(login, in_app, world):
    boss = login(world.boss)
    form = page(boss, "unit", world.unit_a.id)
    assert 'value="id_copy"' in form
    send(boss, "unit", world.unit_a.id, files.png(), name="身份证.png", kind="id_copy")
    with in_app():
        doc_id = db.session.query(HouseholdDocument.id).scalar()
    url = f"/admin/unit/archive/file/?id={world.unit_a.id}&doc={doc_id}"
    desk = login(world.desk)
    shown = page(desk, "unit", world.unit_a.id)
    assert "Personal data: supervisors only" in shown and url.replace("&", "&amp;") not in shown
    assert 'value="id_copy"' not in shown  # the desk is not offered what it may not file
    assert desk.get(url).status_code == 403
    assert boss.get(url).status_code == 200
    with in_app():
        assert db.session.query(AuditRecord).filter_by(action="open_document").count() == 1


def _file_documents(in_app, world, first: int, count: int) -> None:
    """Agreements 协议<first>… filed by the desk, each dated a day after the one before."""
    with in_app():
        desk, unit = db.session.get(Staff, world.desk.id), db.session.get(Unit, world.unit_a.id)
        for n in range(first, first + count):
            archive.add_document(
                unit,
                kind=DocumentKind.agreement,
                data=files.pdf(),
                filename=f"协议{n:02d}.pdf",
                actor=desk,
                document_date=date(2026, 1, 1) + timedelta(days=n),
            )
        db.session.commit()


def _open(in_app, world, filename: str, times: int) -> int:
    with in_app():
        document = db.session.query(HouseholdDocument).filter_by(filename=filename).one()
        for _ in range(times):
            archive.open_document(document, db.session.get(Staff, world.desk.id))
        db.session.commit()
        return document.id


def test_a_long_file_shows_its_newest_documents_and_openings_at_the_same_cost(
    app, login, in_app, world
):
    """However many documents a household has and however often they were opened, the page
    shows the newest twenty, each with its latest five openings and how many more, in the
    same queries; "Show older documents" brings the rest."""
    boss = login(world.boss)

    def read() -> tuple[str, int]:
        with statements_run(app) as run:
            shown = page(boss, "unit", world.unit_a.id)
        return shown, len(run)

    _file_documents(in_app, world, 0, 1)
    _open(in_app, world, "协议00.pdf", 1)
    _, few = read()
    _file_documents(in_app, world, 1, 24)
    newest = _open(in_app, world, "协议24.pdf", 8)
    shown, many = read()
    # Not more (one fewer, in fact: the unit's creation, which names its estate, has left
    # the latest changes shown, so the estate is not read for the history).
    assert many <= few
    assert "协议24.pdf" in shown and "协议05.pdf" in shown and "协议04.pdf" not in shown
    opened = re.search(rf'id="openings-{newest}">(.*?)</td>', shown, re.S).group(1)
    assert opened.count("前台小李") == 5 and "and 3 more" in opened
    more = re.search(r'id="documents-more" href="([^"]+)"', shown).group(1)
    older = boss.get(html.unescape(more)).get_data(as_text=True)
    assert "协议00.pdf" in older and "协议24.pdf" in older and 'id="documents-more"' not in older


def test_a_documents_kind_reads_in_the_readers_language_in_the_units_history(login, world):
    # History keeps "agreement: 协议.pdf"; a Chinese reader sees the kind's label, not its code.
    desk = login(world.desk, lang="zh-CN")
    assert send(desk, "unit", world.unit_a.id, files.pdf()).status_code == 302
    history = page(desk, "unit", world.unit_a.id).split('id="history"')[1]
    assert "已签协议: 协议.pdf" in html.unescape(history)
    assert "agreement: " not in history
