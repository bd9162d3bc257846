"""Attachments through the panel as each person uses them: photos and PDFs on the five details
pages (complaints are tickets), the technician's card and the printed work order; what is
refused and why; who may add, see and remove; history; and purging with the record."""

from __future__ import annotations

import html
import io
import re

import pytest

from admin_app.extensions import db
from admin_app.models import (
    Attachment,
    AuditRecord,
    Role,
    StoredFile,
    TicketCategory,
    Trade,
    WorkOrderStatus,
)

from . import files


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a], username="desk")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], username="boss")
    w.reception_b = factories.staff(Role.receptionist, estates=[w.b], username="desk_b")
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.other_tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.ticket = factories.ticket(w.a)
    w.complaint = factories.ticket(w.a, category=TicketCategory.complaint)
    w.order = factories.work_order(
        w.a, technician_id=w.tech.id, status=WorkOrderStatus.dispatched, unit_id=w.unit_a.id
    )
    w.renovation = factories.renovation(w.a, w.unit_a)
    w.inspection = factories.inspection(w.renovation)
    return w


def upload(client, endpoint, record_id, *uploads, caption="", url=None, csrf=True):
    """POST the upload form: uploads are (bytes, file name) pairs."""
    query = f"?id={record_id}" + (f"&url={url}" if url else "")
    data = {"files": [(io.BytesIO(body), name) for body, name in uploads], "caption": caption}
    return client.post(
        f"/admin/{endpoint}/attachments/add/{query}",
        data,
        csrf=csrf,
        content_type="multipart/form-data",
    )


def said(client, response) -> list[str]:
    """The messages on the page the response leads to, as a person reads them."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|&times;|\s+", " ", m)).strip() for m in found]


def details(client, endpoint, record_id) -> str:
    response = client.get(f"/admin/{endpoint}/details/?id={record_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored_counts(in_app) -> tuple[int, int]:
    with in_app():
        return db.session.query(Attachment).count(), db.session.query(StoredFile).count()


def only_attachment(in_app) -> Attachment:
    with in_app():
        attachment = db.session.query(Attachment).one()
        db.session.expunge(attachment)
        return attachment


def file_url(endpoint, record_id, attachment_id, thumb=False) -> str:
    url = f"/admin/{endpoint}/attachments/file/?id={record_id}&aid={attachment_id}"
    return url + ("&thumb=1" if thumb else "")


RECORDS = {
    "ticket": "ticket",
    "complaint": "complaint",
    "work_order": "order",
    "renovation": "renovation",
    "renovation_inspection": "inspection",
}


@pytest.mark.parametrize("page", RECORDS)
def test_every_details_page_shows_its_photos_as_thumbnails_with_the_camera_upload(
    world, login, in_app, page
):
    endpoint = "ticket" if page == "complaint" else page
    record = getattr(world, RECORDS[page])
    desk = login(world.supervisor)
    empty = details(desk, endpoint, record.id)
    assert 'capture="environment"' in empty and 'accept="image/*"' in empty
    assert "No photos or files yet." in empty

    response = upload(desk, endpoint, record.id, (files.jpeg(), "漏水.jpg"), caption="厨房水管")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/admin/{endpoint}/details/?id={record.id}#attachments"
    )
    attachment = only_attachment(in_app)
    page_html = details(desk, endpoint, record.id)
    thumb = file_url(endpoint, record.id, attachment.id, thumb=True).replace("&", "&amp;")
    assert f'class="attachment-thumb" loading="lazy" src="{thumb}"' in page_html
    assert "厨房水管" in page_html and "boss" not in page_html  # the name, not the login
    assert world.supervisor.name in page_html


def test_an_image_is_served_as_the_image_it_was_re_encoded_to(world, login):
    desk = login(world.reception)
    upload(desk, "ticket", world.ticket.id, (files.jpeg() + files.HTML, "a.jpg"))
    page = details(desk, "ticket", world.ticket.id)
    aid = re.search(r'id="attachment-(\d+)"', page).group(1)
    for thumb in (False, True):
        response = desk.get(file_url("ticket", world.ticket.id, aid, thumb))
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" not in response.headers.get("Content-Disposition", "")
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert b"<script" not in response.data
        assert files.view(response.data).format == "JPEG"


def test_a_pdf_is_served_only_as_a_download(world, login, in_app):
    desk = login(world.reception)
    data = files.pdf()
    upload(desk, "work_order", world.order.id, (data, "报价单.pdf"))
    attachment = only_attachment(in_app)
    response = desk.get(file_url("work_order", world.order.id, attachment.id))
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Listed by name with a download link, never drawn as a picture.
    page = details(desk, "work_order", world.order.id)
    assert 'class="attachment-file"' in page and "报价单.pdf" in page


def test_several_files_go_up_at_once(world, login, in_app):
    desk = login(world.reception)
    response = upload(
        desk,
        "ticket",
        world.ticket.id,
        (files.jpeg(), "1.jpg"),
        (files.png(), "2.png"),
        (files.pdf(), "3.pdf"),
    )
    assert "3 files attached." in said(desk, response)
    # Each file, and a thumbnail for each image.
    assert stored_counts(in_app) == (3, 5)


@pytest.mark.parametrize(
    ("body", "name", "reason"),
    [
        (files.HTML, "photo.jpg", "Only photos (JPEG, PNG, WebP, GIF) and PDF files"),
        (b"GIF89a" + files.HTML, "x.gif", "not a readable image"),
        (files.pdf() + files.HTML, "x.pdf", "scripts, embedded files or web content"),
        (b"", "empty.jpg", "The file is empty."),
    ],
    ids=["html-as-jpg", "gif-html", "pdf-html", "empty"],
)
def test_a_refused_file_says_why_and_nothing_of_the_upload_is_kept(
    world, login, in_app, body, name, reason
):
    desk = login(world.reception)
    # A good photo in the same upload is not kept either: all or nothing.
    response = upload(desk, "ticket", world.ticket.id, (files.jpeg(), "ok.jpg"), (body, name))
    messages = said(desk, response)
    assert any(
        m.startswith("Nothing was attached.") and name in m and reason in m for m in messages
    ), messages
    assert stored_counts(in_app) == (0, 0)


def test_an_oversized_file_is_refused_with_the_limit(world, login, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100_000)
    desk = login(world.reception)
    response = upload(desk, "ticket", world.ticket.id, (files.noisy_jpeg((600, 600)), "big.jpg"))
    messages = said(desk, response)
    assert any("big.jpg: The file is larger than 0.1 MB." in m for m in messages), messages
    assert stored_counts(in_app) == (0, 0)


def test_choosing_no_file_is_explained(world, login, in_app):
    desk = login(world.reception)
    response = upload(desk, "ticket", world.ticket.id)
    messages = said(desk, response)
    assert "Choose a photo or a PDF file first." in messages


def test_an_upload_without_the_form_token_is_refused(world, login, in_app):
    desk = login(world.reception)
    response = upload(desk, "ticket", world.ticket.id, (files.jpeg(), "a.jpg"), csrf=False)
    assert response.status_code == 400
    assert stored_counts(in_app) == (0, 0)


def test_another_estates_user_finds_neither_the_file_nor_the_record(world, login, in_app):
    upload(login(world.reception), "ticket", world.ticket.id, (files.jpeg(), "a.jpg"))
    attachment = only_attachment(in_app)
    stranger = login(world.reception_b)
    assert stranger.get(file_url("ticket", world.ticket.id, attachment.id)).status_code == 404
    url = f"/admin/ticket/attachments/remove/?id={world.ticket.id}&aid={attachment.id}"
    assert stranger.post(url).status_code == 404
    assert upload(stranger, "ticket", world.ticket.id, (files.jpeg(), "b.jpg")).status_code == 404
    assert stored_counts(in_app) == (1, 2)


def test_a_file_is_found_only_under_its_own_record(world, login, in_app):
    desk = login(world.reception)
    upload(desk, "ticket", world.ticket.id, (files.jpeg(), "a.jpg"))
    attachment = only_attachment(in_app)
    assert desk.get(file_url("ticket", world.complaint.id, attachment.id)).status_code == 404
    assert desk.get(file_url("work_order", world.order.id, attachment.id)).status_code == 404


# Who may add to each kind of record (written out here, apart from auth/permissions.py);
# seeing the record is the record's own right.
ADDERS = {
    "ticket": {"desk", "boss"},
    "work_order": {"desk", "boss", "tech"},
    "renovation": {"desk", "boss", "tech", "guard"},
    "renovation_inspection": {"desk", "boss", "tech", "guard"},
}
PEOPLE = {"desk": "reception", "boss": "supervisor", "tech": "tech", "guard": "guard"}


@pytest.mark.parametrize("endpoint", ADDERS)
@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_attach_to_each_kind_of_record(world, login, in_app, endpoint, person):
    record = getattr(world, RECORDS[endpoint])
    client = login(getattr(world, PEOPLE[person]))
    response = upload(client, endpoint, record.id, (files.jpeg(), "a.jpg"))
    if person in ADDERS[endpoint]:
        assert response.status_code == 302
        assert stored_counts(in_app)[0] == 1
    else:
        assert response.status_code == 403
        assert stored_counts(in_app) == (0, 0)


def test_a_file_is_seen_only_by_whoever_may_see_its_record(world, login, in_app, factories):
    boss = login(world.supervisor)
    upload(boss, "ticket", world.ticket.id, (files.jpeg(), "a.jpg"))
    on_ticket = file_url("ticket", world.ticket.id, only_attachment(in_app).id)
    theirs = factories.work_order(
        world.a, technician_id=world.other_tech.id, status=WorkOrderStatus.dispatched
    )
    upload(boss, "work_order", theirs.id, (files.jpeg(), "b.jpg"))
    with in_app():
        on_order = file_url(
            "work_order",
            theirs.id,
            db.session.query(Attachment.id).filter_by(work_order_id=theirs.id).scalar(),
        )
    # Guards and technicians do not read tickets; a technician sees only his own orders.
    assert login(world.guard).get(on_ticket).status_code == 403
    assert login(world.tech).get(on_ticket).status_code == 403
    assert login(world.tech).get(on_order).status_code == 404
    assert login(world.other_tech).get(on_order).status_code == 200


def test_a_technician_sees_and_adds_photos_only_on_his_own_orders(world, login, factories):
    theirs = factories.work_order(
        world.a, technician_id=world.other_tech.id, status=WorkOrderStatus.dispatched
    )
    tech = login(world.tech)
    response = upload(tech, "work_order", world.order.id, (files.jpeg(), "leak.jpg"), url="/tech/")
    assert response.headers["Location"].endswith("/tech/#attachments")
    assert upload(tech, "work_order", theirs.id, (files.jpeg(), "x.jpg")).status_code == 404


def test_the_technicians_card_shows_the_photos_and_the_camera(world, login, in_app):
    tech = login(world.tech)
    upload(tech, "work_order", world.order.id, (files.jpeg(), "leak.jpg"), url="/tech/")
    attachment = only_attachment(in_app)
    page = tech.get("/tech/").get_data(as_text=True)
    card = page[page.index(f'id="order-{world.order.id}"') :]
    thumb = file_url("work_order", world.order.id, attachment.id, thumb=True)
    assert thumb.replace("&", "&amp;") in card
    assert 'capture="environment"' in card
    assert tech.get(thumb).status_code == 200


def test_the_printed_work_order_shows_the_photos(world, login, in_app):
    desk = login(world.reception)
    upload(desk, "work_order", world.order.id, (files.jpeg(), "leak.jpg"), caption="完工")
    attachment = only_attachment(in_app)
    page = desk.get(f"/admin/work_order/print/?id={world.order.id}").get_data(as_text=True)
    full = file_url("work_order", world.order.id, attachment.id).replace("&", "&amp;")
    assert f'class="attachment-print" src="{full}"' in page and "完工" in page


def test_whoever_added_a_photo_or_a_supervisor_may_remove_it(world, login, in_app):
    desk, boss = login(world.reception), login(world.supervisor)
    upload(boss, "ticket", world.ticket.id, (files.jpeg(), "boss.jpg"))
    upload(desk, "ticket", world.ticket.id, (files.jpeg(), "desk.jpg"))
    with in_app():
        ids = {a.filename: a.id for a in db.session.query(Attachment)}
    remove = "/admin/ticket/attachments/remove/?id={}&aid={}".format
    page = details(desk, "ticket", world.ticket.id)
    assert f'id="remove-attachment-{ids["desk.jpg"]}"' in page
    assert f'id="remove-attachment-{ids["boss.jpg"]}"' not in page
    assert desk.post(remove(world.ticket.id, ids["boss.jpg"])).status_code == 403
    assert desk.post(remove(world.ticket.id, ids["desk.jpg"])).status_code == 302
    assert boss.post(remove(world.ticket.id, ids["boss.jpg"])).status_code == 302
    assert stored_counts(in_app) == (0, 0)  # the files and their thumbnails too


def test_adding_and_removing_show_in_the_records_history(world, login, in_app):
    boss = login(world.supervisor)
    upload(boss, "work_order", world.order.id, (files.jpeg(), "leak.jpg"), caption="漏点")
    attachment = only_attachment(in_app)
    boss.post(f"/admin/work_order/attachments/remove/?id={world.order.id}&aid={attachment.id}")
    with in_app():
        rows = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="work_order", entity_id=world.order.id)
            .filter(AuditRecord.action != "create")
            .order_by(AuditRecord.id)
            .all()
        )
        trail = [(r.action, r.actor_id, r.changes) for r in rows]
    assert trail == [
        ("add_attachment", world.supervisor.id, {"attachment": [None, "leak.jpg — 漏点"]}),
        ("remove_attachment", world.supervisor.id, {"attachment": ["leak.jpg — 漏点", None]}),
    ]
    page = details(boss, "work_order", world.order.id)
    history = page[page.index('id="history"') :]
    assert "Attachment added" in history and "Attachment removed" in history
    assert "<b>Attachment</b>: ∅ → leak.jpg — 漏点" in history


def test_a_deleted_record_takes_its_attachments_and_files_along(world, login, in_app):
    boss = login(world.supervisor)
    upload(boss, "ticket", world.ticket.id, (files.jpeg(), "a.jpg"), (files.pdf(), "b.pdf"))
    assert stored_counts(in_app) == (2, 3)
    response = boss.post("/admin/ticket/delete/", {"id": world.ticket.id, "url": "/admin/ticket/"})
    assert response.status_code == 302
    assert stored_counts(in_app) == (0, 0)


def test_a_caption_and_file_name_are_shown_as_text_never_as_markup(world, login):
    desk = login(world.reception)
    name = '<img src=x onerror="alert(1)">.jpg'
    upload(
        desk, "ticket", world.ticket.id, (files.jpeg(), name), caption="<script>alert(2)</script>"
    )
    page = details(desk, "ticket", world.ticket.id)
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    assert "<img src=x" not in page
