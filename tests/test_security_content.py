"""What users type, as an attacker would type it: stored XSS through every free-text field
wherever it is shown (lists, details with history, prints, pass cards, the technician's and the
guard's pages, statistics, inbox, import preview), formulas in every export, session fixation
and cookie flags, file names and sizes of uploads, and ID numbers or secrets in the logs."""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import String, Text

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Estate,
    GateCheck,
    PassStatus,
    ReleasePass,
    Renovation,
    RenovationInspection,
    Resident,
    ResidentImport,
    Role,
    Satisfaction,
    Staff,
    StoredFile,
    Ticket,
    TicketCategory,
    Trade,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
    WorkOrderStatus,
)

from .conftest import PASSWORD, Client
from .import_files import VALID_ID, csv_bytes, row
from .reminders_support import sweep_here

SKIPPED_COLUMNS = {
    "number",
    "code",
    "token_nonce",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "password_hash",
    "session_token",
    "locale",
    "username",
    "pass_number",
}
POISONED = (
    Estate,
    Unit,
    Resident,
    Ticket,
    WorkOrder,
    Renovation,
    RenovationInspection,
    WorkerPass,
    VehiclePass,
    ReleasePass,
    GateCheck,
    Staff,
)
RAW_MARKUP = re.compile(r"<script>s\d+</script>|<i>i\d+</i>")
ESCAPED = "&lt;script&gt;s"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text_columns(model):
    for column in model.__table__.columns:
        if column.name in SKIPPED_COLUMNS or not isinstance(column.type, (String, Text)):
            continue
        if getattr(column.type, "enum_class", None) is not None:
            continue
        yield column.name, getattr(column.type, "length", None)


def poison(in_app, values) -> None:
    """Every free-text column of every record in the database gets a payload of its own:
    `values(n, length)` gives the n-th one (fitting the column)."""
    n = 0
    with in_app():
        for model in POISONED:
            columns = list(text_columns(model))
            for record in db.session.query(model):
                for name, length in columns:
                    n += 1
                    setattr(record, name, values(n, length))
        db.session.commit()


def markup(n: int, length: int | None) -> str:
    long = f"<script>s{n}</script>"
    return long if length is None or len(long) <= length else f"<i>i{n}</i>"


@pytest.fixture
def office(app, factories, in_app, time_machine):
    """Estate A with one of everything (a delivered reminder too), every text a payload."""
    from .reminders_support import office_time

    time_machine.move_to(office_time(2026, 11, 23, 9, 0), tick=False)
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    w.admin = factories.staff(Role.admin, estates=[w.a])
    renovation = factories.renovation(
        w.a, w.unit_a, permit_valid_until=clock.today() + timedelta(days=40)
    )
    approved = {
        "status": PassStatus.approved,
        "valid_from": clock.today(),
        "valid_until": clock.today() + timedelta(days=10),
    }
    w.records = {
        "ticket": factories.ticket(
            w.a,
            category=TicketCategory.inquiry,
            callback_due_at=clock.now() + timedelta(minutes=5),
            assignee_id=w.supervisor.id,
        ),
        "work_order": factories.work_order(
            w.a,
            technician_id=w.tech.id,
            trade=Trade.plumbing,
            status=WorkOrderStatus.dispatched,
        ),
        "renovation": renovation,
        "renovation_inspection": factories.inspection(renovation),
        "worker_pass": factories.worker_pass(w.a, renovation, **approved),
        "vehicle_pass": factories.vehicle_pass(w.a, **approved),
        "release_pass": factories.release_pass(w.a, w.unit_a, **approved),
        "gate_check": factories.gate_check(w.a),
        "unit": w.unit_a,
        "resident": w.resident_a,
        "staff": w.tech,
        "estate": w.a,
    }
    # A finished and revisited order: the technician is in the statistics.
    factories.work_order(
        w.a,
        technician_id=w.tech.id,
        trade=Trade.plumbing,
        status=WorkOrderStatus.closed,
        work_done_at=clock.now(),
        revisit_due_at=clock.now(),
        revisited_at=clock.now(),
        satisfaction=Satisfaction.satisfied,
    )
    time_machine.move_to(office_time(2026, 11, 23, 9, 2), tick=False)
    sweep_here(app)  # the supervisor's callback warning, in his inbox
    return w


def assert_escaped(html: str, where: str) -> None:
    found = RAW_MARKUP.findall(html)
    assert not found, f"{where}: unescaped {found[:3]}"


def test_stored_markup_is_escaped_on_every_page(app, office, login, in_app):
    poison(in_app, markup)
    supervisor = login(office.supervisor)
    pages = []
    for resource, record in office.records.items():
        pages.append(f"/admin/{resource}/")
        pages.append(f"/admin/{resource}/details/?id={record.id}")
    for kind in ("worker_pass", "vehicle_pass", "release_pass"):
        pages.append(f"/admin/{kind}/card/?id={office.records[kind].id}")
    order = office.records["work_order"].id
    pages += [
        f"/admin/work_order/print/?id={order}",
        f"/admin/ticket/edit/?id={office.records['ticket'].id}",
        f"/admin/work_order/act/?action=arrive&id={order}",
        "/admin/",
        "/admin/inbox/",
        "/admin/statistics/",
        "/admin/audit_record/",
        "/admin/reminder/",
    ]
    shown = 0
    for url in pages:
        response = supervisor.get(url)
        if url.startswith("/admin/staff/") or "/act/" in url:
            assert response.status_code in (200, 302, 403, 404), url
        else:
            assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert_escaped(html, url)
        shown += ESCAPED in html
    assert shown >= len(pages) - 6  # the payloads really are on the pages
    admin = login(office.admin)
    for url in ("/admin/staff/", f"/admin/staff/details/?id={office.tech.id}", "/admin/estate/"):
        html = admin.get(url).get_data(as_text=True)
        assert_escaped(html, url)
        assert ESCAPED in html or "&lt;i&gt;i" in html
    tech_page = login(office.tech).get("/tech/").get_data(as_text=True)
    assert_escaped(tech_page, "/tech/")
    assert ESCAPED in tech_page
    guard = login(office.guard)
    gate = guard.get("/gate/").get_data(as_text=True)
    assert_escaped(gate, "/gate/")
    assert ESCAPED in gate  # the logged scan is listed
    result = guard.post("/gate/", {"code": "<script>s0</script>"}, follow_redirects=True)
    assert_escaped(result.get_data(as_text=True), "gate result")


def test_statistics_show_names_escaped(app, office, login, in_app):
    poison(in_app, markup)
    html = login(office.supervisor).get("/admin/statistics/").get_data(as_text=True)
    assert_escaped(html, "statistics")
    assert ESCAPED in html  # the technician's and the estate's names are there
    data = re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1)
    assert "</" not in data.replace("<\\/", "")  # nothing closes the script element early


def test_import_preview_and_problems_are_escaped(factories, login, in_app):
    world = factories.two_estates()
    reception = factories.staff(Role.receptionist, estates=[world.a])
    c = login(reception)
    data = csv_bytes(
        [
            row(room="101", name="<script>s1</script>", phone="13900000011"),
            row(room="<i>i2</i>", name="<script>s3</script>", phone="<i>i4</i>"),
        ],
    )
    response = c.post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(data), "<i>i5</i>.csv")},
        content_type="multipart/form-data",
    )
    batch_page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert_escaped(batch_page, "import preview")
    assert ESCAPED in batch_page
    assert_escaped(c.get("/admin/resident_import/").get_data(as_text=True), "import page")


FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(1)", '=HYPERLINK("http://x")', "\t=1"]


def formula(n: int, length: int | None) -> str:
    value = FORMULAS[n % len(FORMULAS)]
    return value if length is None or len(value) <= length else value[: length or 1]


def cells_of(response, fmt: str) -> list[str]:
    if fmt == "csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        return [cell for line in csv.reader(io.StringIO(text)) for cell in line]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [
        str(cell.value) for sheet in book for r in sheet.iter_rows() for cell in r if cell.value
    ]


NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
EXPORTS = [
    "estate",
    "unit",
    "resident",
    "ticket",
    "work_order",
    "worker_pass",
    "vehicle_pass",
    "release_pass",
    "renovation",
    "renovation_inspection",
    "gate_check",
    "audit_record",
    "action_batch",
]
STATISTICS = ["complaint_categories", "complaint_deadlines", "revisits", "work_orders", "quarterly"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_cell_is_a_formula(app, office, login, in_app, factories, fmt):
    poison(in_app, formula)
    factories.batch(office.a)
    admin = login(office.admin)
    urls = [f"/admin/{r}/export/{fmt}/" for r in EXPORTS]
    urls += [f"/admin/statistics/export/{t}.{fmt}" for t in STATISTICS]
    neutralised = 0
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 200, url
        for cell in cells_of(response, fmt):
            assert not cell.startswith(("=", "+", "-", "@", "\t")) or NUMBER.match(cell), (
                url,
                cell,
            )
            neutralised += cell.startswith(("'=", "'+", "'-", "'@", "'\t"))
    assert neutralised > 20  # the payloads were exported, defused


def test_the_import_error_file_has_no_formula(factories, login):
    world = factories.two_estates()
    c = login(factories.staff(Role.receptionist, estates=[world.a]))
    data = csv_bytes([row(room="=1+2", name="@SUM(A1)", phone="+1234", id_number="-2+3")])
    location = c.post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(data), "r.csv")},
        content_type="multipart/form-data",
    ).headers["Location"]
    cells = cells_of(c.get(location + "invalid.csv"), "csv")
    assert "'=1+2" in cells and "'@SUM(A1)" in cells
    assert not [x for x in cells if x.startswith(("=", "+", "-", "@")) and not NUMBER.match(x)]


# ---- sessions and cookies ----------------------------------------------------------------
def session_cookie(client: Client) -> str | None:
    cookie = client.http.get_cookie("wuye_session")
    return cookie.value if cookie else None


def test_login_gives_a_new_session_and_a_planted_one_stays_anonymous(app, factories):
    estate = factories.estate()
    factories.staff(Role.receptionist, estates=[estate], username="victim")
    attacker = Client(app)
    attacker.get("/login")
    planted = session_cookie(attacker)
    assert planted
    victim = Client(app)
    victim.http.set_cookie("wuye_session", planted)
    assert victim.login("victim").status_code == 302
    assert session_cookie(victim) != planted
    assert victim.get("/admin/").status_code == 200
    # The attacker's cookie (the one planted) did not become a logged-in session.
    response = attacker.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_session_cookie_dies_with_the_logout(app, factories, in_app):
    estate = factories.estate()
    staff = factories.staff(Role.guard, estates=[estate], username="copied")
    desk = Client(app)
    desk.login("copied")
    stolen = session_cookie(desk)
    assert desk.post("/logout").status_code == 302
    thief = Client(app)
    thief.http.set_cookie("wuye_session", stolen)
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert Client(app).login("copied").status_code == 302  # logging in again works
    with in_app():  # the rotated token is not a change anyone reads in the history
        from admin_app.models import AuditRecord

        assert (
            not db.session.query(AuditRecord)
            .filter_by(entity_id=staff.id)
            .filter(AuditRecord.entity_type == "staff", AuditRecord.action != "create_staff")
            .count()
        )


@pytest.mark.parametrize("secure", [False, True])
def test_cookie_flags(app, factories, monkeypatch, secure):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", secure)
    estate = factories.estate()
    factories.staff(Role.guard, estates=[estate], username="flags")
    client = Client(app)
    response = client.login("flags")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("wuye_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert ("Secure" in session) is secure
    assert "Expires=" in session  # a lifetime, not a browser-session cookie forever


def test_secure_cookies_from_the_environment(monkeypatch):
    from admin_app import config

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    settings = config.settings()
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


# ---- uploads ----------------------------------------------------------------------------
TRAVERSAL = [
    "../../etc/passwd.csv",
    "..\\..\\windows\\win.ini.csv",
    "/etc/shadow.csv",
    "a\x00b.csv",
]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_import_file_names_are_only_names(factories, login, in_app, name):
    world = factories.two_estates()
    c = login(factories.staff(Role.receptionist, estates=[world.a]))
    data = csv_bytes([row(room="101", name="新人", phone="13900000099")])
    response = c.post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    with in_app():
        for stored in (
            db.session.query(ResidentImport.filename).all()
            + db.session.query(StoredFile.filename).all()
        ):
            # Only a display name: no directory part, nothing a path could be built from.
            assert "/" not in stored[0] and "\\" not in stored[0] and "\x00" not in stored[0]
            assert stored[0] not in ("", ".", "..")


def test_photo_names_and_sizes(app, factories, login, in_app):
    world = factories.two_estates()
    renovation = factories.renovation(
        world.a, world.unit_a, permit_valid_until=clock.today() + timedelta(days=40)
    )
    c = login(factories.staff(Role.receptionist, estates=[world.a]))

    def worker(photo, name):
        return c.post(
            "/admin/worker_pass/new/",
            {
                "estate": world.a.id,
                "renovation": renovation.id,
                "worker_name": name,
                "phone": "13912345678",
                "valid_from": clock.today().isoformat(),
                "valid_until": (clock.today() + timedelta(days=5)).isoformat(),
                "photo": photo,
            },
            content_type="multipart/form-data",
            follow_redirects=True,
        )

    ok = worker((io.BytesIO(PNG), "../../../../tmp/evil.png"), "路径")
    assert ok.status_code == 200
    big = PNG + b"\x00" * (5 * 2**20)
    refused = worker((io.BytesIO(big), "big.png"), "太大")
    assert "larger than 5 MB" in refused.get_data(as_text=True)
    disguised = worker((io.BytesIO(b"<svg onload=alert(1)>"), "x.png"), "伪装")
    assert "Only PNG, JPEG or WebP" in disguised.get_data(as_text=True)
    with in_app():
        names = [p.worker_name for p in db.session.query(WorkerPass)]
        assert names == ["路径"]  # the refused ones wrote nothing
        [stored] = db.session.query(StoredFile).all()
        assert stored.filename and "/" not in stored.filename and ".." not in stored.filename
        assert stored.content_type == "image/png"
    app.config["MAX_CONTENT_LENGTH"], limit = 2**20, app.config["MAX_CONTENT_LENGTH"]
    try:
        too_big = worker((io.BytesIO(big), "big.png"), "超限")
        assert too_big.status_code == 413
        assert "Traceback" not in too_big.get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit


# ---- logs ---------------------------------------------------------------------------------
OTHER_VALID_ID = "44030519900101123X"


def test_no_id_number_or_secret_in_the_logs(app, factories, login, in_app, caplog):
    caplog.set_level(logging.DEBUG)
    world = factories.two_estates()
    reception = factories.staff(Role.receptionist, estates=[world.a], username="logs")
    Client(app).login("logs", "wrong-" + PASSWORD)  # a failed login
    c = login(reception)
    form = {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "name": "日志",
        "phone": "13912345678",
        "role": "owner",
        "id_number": VALID_ID,
    }
    assert c.post("/admin/resident/new/", form).status_code == 302
    c.post("/admin/resident/new/", form)  # the same again: a duplicate, logged
    c.post("/admin/resident/new/", {**form, "id_number": VALID_ID[:-1] + "9"})  # invalid
    data = csv_bytes(
        [
            row(room="101", name="导入", phone="13900000077", id_number=OTHER_VALID_ID),
            row(room="101", name="坏", phone="123", id_number=OTHER_VALID_ID[:-2] + "00"),
        ]
    )
    location = c.post(
        "/admin/resident_import/",
        {"estate": world.a.id, "file": (io.BytesIO(data), "ids.csv")},
        content_type="multipart/form-data",
    ).headers["Location"]
    batch_id = int(location.rstrip("/").rsplit("/", 1)[-1])
    c.post(f"/admin/resident_import/{batch_id}/confirm/")
    with in_app():
        assert db.session.query(Resident).filter_by(name="导入").count() == 1
    text = "\n".join(r.getMessage() + str(r.exc_text or "") for r in caplog.records)
    assert "integrity error" in text  # the logs were captured
    for secret in (
        VALID_ID,
        OTHER_VALID_ID,
        OTHER_VALID_ID[:-2],
        PASSWORD,
        app.config["SECRET_KEY"],
    ):
        assert secret not in text
        assert secret.lower() not in text.lower()
