"""The import pages as the office uses them: upload, column matching, preview, confirm, the
downloads, background work with progress, and who may do what."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import timedelta

import fakeredis
import openpyxl
import pytest
from rq import SimpleWorker

from admin_app import clock
from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs import queue as jobs
from admin_app.models import AuditRecord, ImportStatus, Resident, ResidentImport, Role
from admin_app.residents import jobs as import_jobs

from ..import_files import HEADER_EN, VALID_ID, csv_bytes, row, xlsx_bytes


@pytest.fixture
def world(factories):
    w = factories.two_estates()  # 甲小区 1-1-101 甲住户 13800000001; 乙小区 likewise
    w.unit_a2 = factories.unit(w.a, building="1", entrance="1", room="102")
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


def upload(c, world, data: bytes, name="residents.csv", estate=None, **form):
    payload = {"estate": (estate or world.a).id, "file": (io.BytesIO(data), name), **form}
    return c.post("/admin/resident_import/", payload, content_type="multipart/form-data")


def batch_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def page(c, batch_id) -> str:
    response = c.get(f"/admin/resident_import/{batch_id}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored(in_app, batch_id) -> ResidentImport:
    with in_app():
        batch = db.session.get(ResidentImport, batch_id)
        db.session.expunge(batch)
        return batch


def wait_while_running(c, batch_id, seconds: float) -> None:
    """Poll the progress as the batch page does, until the background step has ended."""
    deadline = time.monotonic() + seconds
    while c.get(f"/admin/resident_import/{batch_id}/progress/").get_json()["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def names(in_app, estate) -> list[str]:
    with in_app():
        return sorted(r.name for r in db.session.query(Resident).filter_by(estate_id=estate.id))


def test_upload_preview_and_confirm(login, world, in_app):
    c = login(world.reception)
    data = csv_bytes(
        [
            row(name="甲住户改名", phone="13800000001"),
            row(
                room="102",
                name="新住户",
                phone="+86 139-0000-0001",
                role="租户",
                id_number=VALID_ID,
            ),
            row(room="102", name="坏号码", phone="12345"),
        ],
        encoding="gbk",
    )
    batch_id = batch_id_of(upload(c, world, data))
    html = page(c, batch_id)
    assert "GB18030 (GBK)" in html and "comma" in html
    assert 'data-count="new">1<' in html and 'data-count="updated">1<' in html
    assert 'data-count="invalid">1<' in html
    assert "12345 is not a mainland mobile number" in html
    assert "甲住户 → 甲住户改名" in html
    assert names(in_app, world.a) == ["甲住户"]  # nothing written before the confirmation

    done = c.post(f"/admin/resident_import/{batch_id}/confirm/", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Imported on" in text
    assert names(in_app, world.a) == ["新住户", "甲住户改名"]
    batch = stored(in_app, batch_id)
    assert (batch.status, batch.created_by_id, batch.committed_by_id) == (
        ImportStatus.done,
        world.reception.id,
        world.reception.id,
    )


def test_resident_history_names_the_import(login, factories, world, in_app):
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    c = login(supervisor)
    batch_id = batch_id_of(
        upload(c, world, csv_bytes([row(name="甲住户改名", phone="13800000001")]))
    )
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    details = c.get(f"/admin/resident/details/?id={world.resident_a.id}").get_data(as_text=True)
    assert "Imported" in details and "甲住户改名" in details


def test_unknown_headers_get_a_mapping_step(login, world, in_app):
    c = login(world.reception)
    data = csv_bytes(
        [["1", "101", "甲住户", "13800000001", "wx-1"]],
        header=["楼栋", "房号", "姓名", "手机", "微信号"],
    )
    batch_id = batch_id_of(upload(c, world, data))
    html = page(c, batch_id)
    assert 'id="mapping-form"' in html and "微信号" in html and "wx-1" in html
    assert stored(in_app, batch_id).status is ImportStatus.mapping
    choice = {
        "column-0": "building",
        "column-1": "room",
        "column-2": "name",
        "column-3": "phone",
        "column-4": "",
    }
    response = c.post(f"/admin/resident_import/{batch_id}/columns/", choice, follow_redirects=True)
    assert 'data-count="unchanged">1<' in response.get_data(as_text=True)
    assert stored(in_app, batch_id).status is ImportStatus.ready


def test_a_mapping_without_the_required_columns_is_refused(login, world, in_app):
    c = login(world.reception)
    data = csv_bytes([["1", "101", "甲住户"]], header=["楼", "房", "人"])
    batch_id = batch_id_of(upload(c, world, data))
    response = c.post(
        f"/admin/resident_import/{batch_id}/columns/",
        {"column-0": "building", "column-1": "room", "column-2": ""},
        follow_redirects=True,
    )
    assert "Columns are missing: Name." in response.get_data(as_text=True)
    assert stored(in_app, batch_id).status is ImportStatus.mapping


def test_invalid_rows_download_fix_and_import_again(login, world, in_app):
    c = login(world.reception)
    data = csv_bytes(
        [
            row(room="102", name="=HYPERLINK(1)", phone="12345"),
            row(room="102", name="好人", phone="13900000002"),
        ]
    )
    batch_id = batch_id_of(upload(c, world, data))
    response = c.get(f"/admin/resident_import/{batch_id}/invalid.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Error", "Row", "楼栋"]
    assert len(rows) == 2
    assert "12345 is not a mainland mobile number" in rows[1][0]
    assert rows[1][1] == "2"
    assert rows[1][5] == "'=HYPERLINK(1)"  # a formula never runs in the spreadsheet
    rows[1][6] = "13900000001"  # the fix
    fixed = csv_bytes(rows[1:], header=rows[0])
    again = batch_id_of(upload(c, world, fixed))
    batch = stored(in_app, again)
    assert (batch.status, batch.new_count, batch.invalid_count) == (ImportStatus.ready, 1, 0)
    c.post(f"/admin/resident_import/{again}/confirm/")
    assert "=HYPERLINK(1)" in names(in_app, world.a)


def test_invalid_rows_give_their_reasons_in_the_downloaders_language(login, world):
    # The reasons are written while the file streams out, still in the Chinese reader's language.
    c = login(world.reception, lang="zh-CN")
    bad_id = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    data = csv_bytes([row(room="102", name="坏号码", id_number=bad_id)])
    batch_id = batch_id_of(upload(c, world, data))
    response = c.get(f"/admin/resident_import/{batch_id}/invalid.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "错误"
    assert rows[1][0].startswith("证件号码 110105") and rows[1][0].endswith(
        " 无效（请检查最后一位）。"
    )


@pytest.mark.parametrize(("language", "first"), [("zh", "楼栋"), ("en", "Building")])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_import_as_they_are(login, world, in_app, language, first, fmt):
    c = login(world.reception)
    response = c.get(f"/admin/resident_import/template/{language}.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(text)))
        data = csv_bytes(
            [["1", "1", "102", "模板人", "13900000009", "", "", "", "", "", ""]], header=header
        )
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        sheet = book.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        sheet.append(["1", "1", "102", "模板人", "13900000009"])
        assert len(book.worksheets) == 2  # the instructions
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    assert header[0] == first and len(header) == 11
    batch = stored(in_app, batch_id_of(upload(c, world, data, name=f"t.{fmt}")))
    assert (batch.status, batch.new_count) == (ImportStatus.ready, 1)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (os.urandom(3000), "random.bin", "neither a CSV file nor an Excel workbook"),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
            "photo.xlsx",
            "neither a CSV file nor an Excel workbook",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old.xls", "Old Excel files (.xls)"),
        (csv_bytes([]), "headers.csv", "has a header row but no residents"),
        (b"\n\n", "blank.csv", "The file is empty."),
    ],
)
def test_bad_files_are_explained_never_a_500_and_change_nothing(
    login, world, in_app, data, name, message
):
    c = login(world.reception)
    response = upload(c, world, data, name=name)
    text = c.get(response.headers["Location"]).get_data(as_text=True)
    assert message in text
    assert 'id="confirm-button"' not in text
    assert names(in_app, world.a) == ["甲住户"]
    assert stored(in_app, batch_id_of(response)).status is ImportStatus.refused


def test_over_the_import_limit_and_over_the_request_limit(login, world, in_app, app, monkeypatch):
    c = login(world.reception)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 2 * 2**20)
    big = csv_bytes([row(room=str(i), phone=f"139{i:08d}") for i in range(70000)])
    assert 2 * 2**20 < len(big) < app.config["MAX_CONTENT_LENGTH"]
    text = c.get(upload(c, world, big).headers["Location"]).get_data(as_text=True)
    assert "The file is larger than 2 MB" in text
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2**20)
    response = upload(c, world, big)
    assert response.status_code == 413
    assert "The file is too large." in response.get_data(as_text=True)
    assert names(in_app, world.a) == ["甲住户"]


def test_over_the_row_limit(login, world, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)
    c = login(world.reception)
    data = csv_bytes([row(room="102", name=f"人{i}", phone=f"1390000000{i}") for i in range(6)])
    text = c.get(upload(c, world, data).headers["Location"]).get_data(as_text=True)
    assert "more than 5 rows" in text
    assert names(in_app, world.a) == ["甲住户"]


def test_export_then_import_changes_nothing(login, factories, world, in_app):
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    owner = factories.resident(world.unit_a2, name="王五", phone="13700000007", id_number=VALID_ID)
    with in_app():
        record = db.session.get(Resident, owner.id)
        record.email = "wang@example.com"
        record.notes = "=SUM(A1) 钥匙，已交。\n第二行"
        record.move_in = clock.today() - timedelta(days=400)
        db.session.commit()
    factories.resident(world.unit_a2, name="（租客）李", phone="0755-86001234", role="tenant")
    c = login(supervisor)
    for fmt in ("csv", "xlsx"):
        exported = c.get(f"/admin/resident/export/{fmt}/")
        assert exported.status_code == 200
        batch = stored(in_app, batch_id_of(upload(c, world, exported.data, name=f"export.{fmt}")))
        assert batch.status is ImportStatus.ready, fmt
        assert (batch.new_count, batch.updated_count, batch.invalid_count) == (0, 0, 0), fmt
        assert batch.unchanged_count == 3


def test_export_has_the_import_columns(login, factories, world):
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    text = login(supervisor).get("/admin/resident/export/csv/").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == [
        "Estate",
        *HEADER_EN[:6],
        "ID number",
        "Move-in date",
        "Move-out date",
        "E-mail",
        "Notes",
    ]


def test_a_second_confirmation_does_nothing(login, world, in_app):
    c = login(world.reception)
    batch_id = batch_id_of(
        upload(c, world, csv_bytes([row(room="102", name="新人", phone="13900000001")]))
    )
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    again = c.post(f"/admin/resident_import/{batch_id}/confirm/", follow_redirects=True)
    assert f"This import was already confirmed by {world.reception.name} at " in again.get_data(
        as_text=True
    )
    assert names(in_app, world.a) == ["新人", "甲住户"]


def test_cancel(login, world, in_app):
    c = login(world.reception)
    batch_id = batch_id_of(
        upload(c, world, csv_bytes([row(room="102", name="新人", phone="13900000001")]))
    )
    c.post(f"/admin/resident_import/{batch_id}/cancel/")
    assert stored(in_app, batch_id).status is ImportStatus.cancelled
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    assert names(in_app, world.a) == ["甲住户"]


# ---- background work ---------------------------------------------------------------------
@pytest.fixture
def rq_queue(app, monkeypatch):
    """The real Redis when REDIS_URL is set, fakeredis otherwise; the default queue, emptied."""
    if os.environ.get("REDIS_URL"):
        monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
        with app.app_context():
            connection = app_redis.connection()
    else:
        monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
        connection = fakeredis.FakeRedis()
        monkeypatch.setattr(app_redis, "connection", lambda: connection)
    name = f"import-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    # Each xdist worker its own queue: a worker must not run another one's jobs.
    monkeypatch.setitem(jobs.submit.__kwdefaults__, "queue_name", name)
    with app.app_context():
        jobs.queue(name).empty()
    yield name, connection
    with app.app_context():
        jobs.queue(name).empty()


def run_worker(app, name, connection) -> None:
    with app.app_context():
        SimpleWorker([name], connection=connection).work(burst=True)


def test_large_files_are_checked_and_imported_by_rq_jobs(
    login, world, in_app, app, monkeypatch, rq_queue
):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 100)
    c = login(world.reception)
    data = csv_bytes([row(room="102", name=f"人{i}", phone=f"139{i:08d}") for i in range(50)])
    batch_id = batch_id_of(upload(c, world, data))
    progress = c.get(f"/admin/resident_import/{batch_id}/progress/").get_json()
    assert progress["status"] == "checking" and progress["running"] is True
    shown = page(c, batch_id)
    assert 'id="import-progress"' in shown
    # A screen reader names the bar (axe: aria-progressbar-name).
    assert 'role="progressbar" aria-label="Progress of the import"' in shown

    run_worker(app, *rq_queue)
    progress = c.get(f"/admin/resident_import/{batch_id}/progress/").get_json()
    assert (progress["status"], progress["running"], progress["percent"]) == ("ready", False, 100)
    assert 'data-count="new">50<' in page(c, batch_id)

    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    assert c.get(f"/admin/resident_import/{batch_id}/progress/").get_json()["status"] == "importing"
    assert len(names(in_app, world.a)) == 1
    run_worker(app, *rq_queue)
    assert stored(in_app, batch_id).status is ImportStatus.done
    assert len(names(in_app, world.a)) == 51


def test_without_redis_a_thread_does_the_work(login, world, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 100)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    c = login(world.reception)
    batch_id = batch_id_of(
        upload(c, world, csv_bytes([row(room="102", name="新人", phone="13900000001")]))
    )
    wait_while_running(c, batch_id, seconds=20)
    assert stored(in_app, batch_id).status is ImportStatus.ready


def test_a_big_file_is_checked_and_imported_in_a_thread_that_writes_its_progress(
    login, world, in_app, app, monkeypatch
):
    """Embedded mode: the progress, written on a connection of its own while the check reads,
    must not make the check's (or the commit's) own write a conflict (on SQLite it did: every
    file with more than a thousand rows ended "failed")."""
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 100)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(import_jobs.ProgressWriter, "INTERVAL_SECONDS", 0)  # every thousand rows
    c = login(world.reception)
    rows = [row(room="102", name=f"新人{i}", phone=f"139{i:08d}") for i in range(3000)]
    batch_id = batch_id_of(upload(c, world, csv_bytes(rows)))
    wait_while_running(c, batch_id, seconds=60)
    checked = stored(in_app, batch_id)
    assert (checked.status, checked.new_count) == (ImportStatus.ready, 3000), checked.refusal
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    wait_while_running(c, batch_id, seconds=60)
    assert stored(in_app, batch_id).status is ImportStatus.done
    assert len(names(in_app, world.a)) == 3001


def test_a_stopped_job_is_noticed_and_can_be_restarted(login, world, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 100)
    monkeypatch.setattr(jobs, "submit", lambda *a, **k: None)  # the worker never picks it up
    from admin_app.residents import import_views as import_views

    monkeypatch.setattr(import_views, "submit", lambda *a, **k: None)
    c = login(world.reception)
    batch_id = batch_id_of(
        upload(c, world, csv_bytes([row(room="102", name="新人", phone="13900000001")]))
    )
    with in_app():
        db.session.get(ResidentImport, batch_id).updated_at = clock.now() - timedelta(hours=1)
        db.session.commit()
    assert c.get(f"/admin/resident_import/{batch_id}/progress/").get_json()["stale"] is True
    assert "has probably stopped" in page(c, batch_id)
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 10**6)
    c.post(f"/admin/resident_import/{batch_id}/restart/")
    assert stored(in_app, batch_id).status is ImportStatus.ready


# ---- who may -------------------------------------------------------------------------------
ENDPOINTS = ["/", "/{id}/", "/{id}/progress/", "/{id}/invalid.csv", "/template/zh.csv"]
POSTS = ["/{id}/confirm/", "/{id}/cancel/", "/{id}/restart/", "/{id}/columns/"]


@pytest.fixture
def batch_in_a(login, world):
    c = login(world.reception)
    return batch_id_of(upload(c, world, csv_bytes([row(room="102", name="坏", phone="123")])))


@pytest.mark.parametrize("role", [Role.technician, Role.guard])
def test_technicians_and_guards_may_not_import(login, factories, world, in_app, batch_in_a, role):
    c = login(factories.staff(role, estates=[world.a]))
    for path in ENDPOINTS:
        assert c.get("/admin/resident_import" + path.format(id=batch_in_a)).status_code == 403, path
    for path in POSTS:
        assert c.post("/admin/resident_import" + path.format(id=batch_in_a)).status_code == 403, (
            path
        )
    assert (
        upload(c, world, csv_bytes([row(room="102", name="x", phone="13900000001")])).status_code
        == 403
    )
    assert "resident_import" not in c.get("/admin/").get_data(as_text=True)
    assert stored(in_app, batch_in_a).status is ImportStatus.ready


@pytest.mark.parametrize("role", [Role.receptionist, Role.supervisor])
def test_another_estates_import_does_not_exist(login, factories, world, in_app, batch_in_a, role):
    c = login(factories.staff(role, estates=[world.b]))
    for path in ENDPOINTS[1:4]:
        assert c.get("/admin/resident_import" + path.format(id=batch_in_a)).status_code == 404, path
    for path in POSTS:
        assert c.post("/admin/resident_import" + path.format(id=batch_in_a)).status_code == 404, (
            path
        )
    assert stored(in_app, batch_in_a).status is ImportStatus.ready
    assert f"/admin/resident_import/{batch_in_a}/" not in c.get("/admin/resident_import/").get_data(
        as_text=True
    )


def test_upload_into_another_estate_is_refused(login, world, in_app):
    c = login(world.reception)
    response = upload(c, world, csv_bytes([row(name="x", phone="13900000001")]), estate=world.b)
    assert response.status_code == 200
    assert "Choose one of your estates." in response.get_data(as_text=True)
    with in_app():
        assert db.session.query(ResidentImport).count() == 0


def test_every_post_needs_the_csrf_token(login, world, in_app, batch_in_a):
    c = login(world.reception)
    response = c.post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(csv_bytes([row()])), "x.csv")},
        csrf=False,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    for path in POSTS:
        assert (
            c.post("/admin/resident_import" + path.format(id=batch_in_a), csrf=False).status_code
            == 400
        )
    with in_app():
        assert db.session.query(ResidentImport).count() == 1
    assert stored(in_app, batch_in_a).status is ImportStatus.ready


def test_anonymous_is_sent_to_login(client, batch_in_a):
    response = client.get(f"/admin/resident_import/{batch_in_a}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_supervisors_look_imports_up_receptionists_use_the_import_page(
    login, factories, world, batch_in_a
):
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    listing = login(supervisor).get("/admin/import_batch/")
    assert listing.status_code == 200
    assert f"/admin/resident_import/{batch_in_a}/" in listing.get_data(as_text=True)
    outsider = factories.staff(Role.supervisor, estates=[world.b])
    assert f"/admin/resident_import/{batch_in_a}/" not in login(outsider).get(
        "/admin/import_batch/"
    ).get_data(as_text=True)
    c = login(world.reception)
    assert c.get("/admin/import_batch/").status_code == 403
    assert f"/admin/resident_import/{batch_in_a}/" in c.get("/admin/resident_import/").get_data(
        as_text=True
    )
    assert 'id="import-residents-link"' in c.get("/admin/resident/").get_data(as_text=True)


def test_reasons_are_in_the_users_language(login, world, in_app):
    c = login(world.reception, lang="zh-CN")
    data = csv_bytes(
        [
            row(room="102", name="坏号码", phone="12345"),
            row(room="999", name="无房", phone="13900000001"),
        ]
    )
    html = page(c, batch_id_of(upload(c, world, data)))
    assert "12345 不是有效的手机号码（11 位）或带区号的固定电话。" in html
    assert "甲小区没有房屋 1-1-999。" in html


def test_an_import_writes_one_history_line_for_the_residents_it_created(
    login, world, in_app, factories
):
    """Not one row per resident (100,000 copies of names and phones in history): the import's
    own line, with its file and how many it created, which each one's page shows."""
    c = login(world.reception)
    data = csv_bytes(
        [
            row(room="102", name="新人", phone="13900000001"),
            row(room="102", name="新人二", phone="13900000002"),
        ]
    )
    batch_id = batch_id_of(upload(c, world, data, name="业主名册.csv"))
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    with in_app():
        record = db.session.query(AuditRecord).filter_by(action="import").one()
        assert (record.entity_type, record.entity_id) == ("import_batch", batch_id)
        assert (record.batch_id, record.actor_id) == (batch_id, world.reception.id)
        assert record.changes == {
            "filename": [None, "业主名册.csv"],
            "residents_created": [None, 2],
        }
        record_id = record.id
        new = db.session.query(Resident).filter_by(name="新人").one()
        assert new.import_batch_id == batch_id
        resident_id = new.id
    for lang, words in (
        ("en", ("File", "业主名册.csv", "Residents created")),
        ("zh-CN", ("文件", "业主名册.csv", "新建住户")),
    ):
        html = login(world.reception, lang=lang).get(f"/admin/resident/details/?id={resident_id}")
        history = html.get_data(as_text=True).split('id="history"')[1]
        assert all(word in history for word in words), lang
        assert "No changes recorded yet" not in history
    # The office's history list: one line for the import, named in words.
    supervisor = factories.staff(Role.supervisor, estates=[world.a])
    listed = login(supervisor, lang="zh-CN").get("/admin/audit_record/?flt0_0=import")
    assert "住户导入" in listed.get_data(as_text=True)
    # …whose page leads to the import (its number is the import's, not a batch run's).
    details = login(supervisor).get(f"/admin/audit_record/details/?id={record_id}")
    details = details.get_data(as_text=True)
    assert f'href="/admin/resident_import/{batch_id}/"' in details
    assert "Batch or import" in details and "Batch run" not in details


def test_an_xlsx_upload(login, world, in_app):
    c = login(world.reception)
    data = xlsx_bytes([["1", "1", 102, "表格人", 13900000001, "业主", VALID_ID, "2024-01-02"]])
    batch = stored(in_app, batch_id_of(upload(c, world, data, name="名单.xlsx")))
    assert (batch.file_format, batch.status, batch.new_count, batch.filename) == (
        "xlsx",
        ImportStatus.ready,
        1,
        "名单.xlsx",
    )
