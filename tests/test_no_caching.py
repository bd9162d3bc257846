"""Nothing private stays in a cache: every page, export, print, photo, signature and JSON answer
carries `Cache-Control: no-store` (a shared front-desk PC's back button or a proxy keeps no
resident's data); static files keep their own caching; logging out clears the browser's cache."""

from __future__ import annotations

import json

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PassStatus, Role, TicketCategory, WorkerPass, WorkOrder
from admin_app.services import storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def office(app, factories, login):
    world = factories.two_estates()
    world.supervisor = factories.staff(Role.supervisor, estates=[world.a])
    world.ticket = factories.ticket(world.a, category=TicketCategory.complaint, description="噪音")
    world.order = factories.work_order(world.a)
    world.worker_pass = factories.worker_pass(
        world.a, status=PassStatus.approved, valid_from=clock.today(), valid_until=clock.today()
    )
    world.batch = factories.batch(world.a)
    with app.app_context():
        image = storage.save_image(PNG, filename="s.png", estate_id=world.a.id)
        db.session.get(WorkOrder, world.order.id).signature_file_id = image.id
        db.session.get(WorkerPass, world.worker_pass.id).photo_file_id = image.id
        db.session.commit()
    world.client = login(world.supervisor)
    return world


def private_pages(world) -> list[str]:
    return [
        "/admin/",
        "/admin/ticket/",
        f"/admin/ticket/details/?id={world.ticket.id}",
        "/admin/ticket/export/csv/",
        "/admin/ticket/export/xlsx/",
        f"/admin/work_order/print/?id={world.order.id}",
        f"/admin/work_order/signature/?id={world.order.id}",
        f"/admin/worker_pass/photo/?id={world.worker_pass.id}",
        f"/admin/worker_pass/card/?id={world.worker_pass.id}",
        f"/admin/action_batch/progress/?id={world.batch.id}",
    ]


def test_every_private_response_is_kept_out_of_caches(office):
    for url in private_pages(office):
        response = office.client.get(url)
        response.get_data()  # a streamed export runs to its end (and closes its context)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Pragma"] == "no-cache", url


def test_the_kinds_of_answer_covered_are_the_ones_a_browser_keeps(office):
    """The list above holds a file download, an image and a JSON answer, not pages only."""
    kinds = set()
    for url in private_pages(office):
        response = office.client.get(url)
        response.get_data()
        kinds.add(response.mimetype)
    assert {"text/html", "text/csv", "image/png", "application/json"} <= kinds
    progress = office.client.get(f"/admin/action_batch/progress/?id={office.batch.id}")
    assert json.loads(progress.data)


def test_a_refusal_is_not_cached_either(office):
    other = office.client.get(f"/admin/ticket/details/?id={office.ticket.id + 1000}")
    assert other.status_code == 404
    assert other.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(client):
    response = client.get("/static/js/batch-progress.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_logging_out_clears_the_browsers_cache(office):
    response = office.client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert response.headers["Cache-Control"] == "no-store"
    assert office.client.get("/admin/ticket/").status_code == 302  # and the session is gone
