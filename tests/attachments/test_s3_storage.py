"""Files in an S3-compatible bucket (STORAGE_S3_BUCKET), against a real S3 server (moto's,
over HTTP): the bytes go to the bucket and only the row to the database; they come back
through the same scoped endpoint; removal and a rolled-back upload leave no object behind."""

from __future__ import annotations

import io

import boto3
import pytest
from moto.server import ThreadedMotoServer

from admin_app.extensions import db
from admin_app.models import Attachment, Role, StoredFile
from admin_app.services import storage

from . import files

BUCKET = "wuye-test"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_server():
    """Moto's S3 server on a port the system picks (parallel test workers each run one)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS)
    yield endpoint, client
    server.stop()


@pytest.fixture
def bucket(app, s3_server, monkeypatch):
    """The app configured for a fresh bucket; yields a function listing its keys."""
    endpoint, s3 = s3_server
    s3.create_bucket(Bucket=BUCKET)
    for name, value in {
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": endpoint,
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "STORAGE_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "STORAGE_S3_PREFIX": "t/",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.delitem(app.extensions, "storage_s3", raising=False)

    def keys() -> list[str]:
        listing = s3.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    yield keys
    for key in keys():
        s3.delete_object(Bucket=BUCKET, Key=key)
    s3.delete_bucket(Bucket=BUCKET)
    app.extensions.pop("storage_s3", None)


@pytest.fixture
def office(factories):
    w = factories.two_estates()
    w.boss = factories.staff(Role.supervisor, estates=[w.a])
    w.stranger = factories.staff(Role.supervisor, estates=[w.b])
    w.ticket = factories.ticket(w.a)
    return w


def upload(client, ticket_id, *uploads):
    data = {"files": [(io.BytesIO(body), name) for body, name in uploads]}
    return client.post(
        f"/admin/ticket/attachments/add/?id={ticket_id}", data, content_type="multipart/form-data"
    )


def test_an_attachment_goes_to_the_bucket_and_comes_back_through_the_scoped_endpoint(
    office, bucket, login, in_app
):
    boss = login(office.boss)
    pdf = files.pdf()
    assert (
        upload(boss, office.ticket.id, (files.jpeg(), "a.jpg"), (pdf, "b.pdf")).status_code == 302
    )
    with in_app():
        rows = db.session.query(StoredFile).order_by(StoredFile.id).all()
        assert all(row.data is None for row in rows)  # the bytes are not in the database
        stored_keys = sorted(row.object_key for row in rows)
        pdf_row = db.session.query(Attachment).filter_by(content_type="application/pdf").one()
        pdf_id = pdf_row.id
    assert len(stored_keys) == 3 and stored_keys == bucket()  # photo, its thumbnail, the PDF
    assert all(key.startswith(f"t/{office.a.id}/") for key in stored_keys)

    url = f"/admin/ticket/attachments/file/?id={office.ticket.id}&aid={pdf_id}"
    response = boss.get(url)
    assert response.status_code == 200 and response.data == pdf
    assert login(office.stranger).get(url).status_code == 404


def test_removing_an_attachment_deletes_its_objects_after_the_commit(office, bucket, login, in_app):
    boss = login(office.boss)
    upload(boss, office.ticket.id, (files.jpeg(), "a.jpg"))
    with in_app():
        attachment_id = db.session.query(Attachment.id).scalar()
    assert len(bucket()) == 2
    remove = f"/admin/ticket/attachments/remove/?id={office.ticket.id}&aid={attachment_id}"
    assert boss.post(remove).status_code == 302
    assert bucket() == []
    with in_app():
        assert db.session.query(StoredFile).count() == 0


def test_a_refused_upload_leaves_no_object_in_the_bucket(office, bucket, login, in_app):
    boss = login(office.boss)
    # The photo is stored first; the second file is refused and the whole upload rolled back.
    upload(boss, office.ticket.id, (files.jpeg(), "a.jpg"), (files.HTML, "b.jpg"))
    assert bucket() == []
    with in_app():
        assert db.session.query(StoredFile).count() == 0


def test_other_stored_files_use_the_bucket_too(bucket, in_app):
    with in_app():
        stored = storage.save_file(b"signature bytes", content_type="image/png", filename="s.png")
        db.session.commit()
        assert stored.data is None and storage.read(stored) == b"signature bytes"
        assert bucket() == [stored.object_key]


def test_a_bucket_that_refuses_the_file_is_explained_and_nothing_is_kept(
    office, bucket, login, in_app, app, monkeypatch
):
    monkeypatch.setitem(app.config, "STORAGE_S3_BUCKET", "no-such-bucket")
    boss = login(office.boss)
    response = upload(boss, office.ticket.id, (files.jpeg(), "a.jpg"))
    page = boss.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file store cannot be reached. Nothing was saved" in page
    with in_app():
        assert db.session.query(StoredFile).count() == 0


def test_the_retention_purge_deletes_an_unshown_photos_object_and_keeps_attachments(
    office, bucket, login, in_app
):
    from datetime import timedelta

    from admin_app import clock
    from admin_app.retention import jobs as retention

    upload(login(office.boss), office.ticket.id, (files.jpeg(), "a.jpg"))
    with in_app():
        orphan = storage.save_file(files.png(), content_type="image/png", estate_id=office.a.id)
        db.session.query(StoredFile).update({"created_at": clock.now() - timedelta(days=400)})
        db.session.commit()
        orphan_key = orphan.object_key
        assert len(bucket()) == 3
        assert retention.run()["photos"] == 1
        # The attachment's photo and thumbnail are shown on the ticket: they stay, however old.
        assert db.session.query(StoredFile).count() == 2
    assert len(bucket()) == 2 and orphan_key not in bucket()
