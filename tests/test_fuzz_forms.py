"""Property-based tests (hypothesis), continued from test_fuzz.py: the staff and estate forms
and the `residents import` command, fed random text, huge fields, control characters, any
bytes and encodings. Whatever comes in: never a 500 (or a traceback from the command) and
nothing logged as an error; a refused form or import changes nothing and says why, in the
office's language or the one asked for; an accepted one is written whole."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admin_app.extensions import db
from admin_app.models import AuditRecord, Estate, Resident, ResidentImport, Role, Staff

from .fuzz_support import CJK, assert_says_why, post_whole_or_nothing, values
from .test_fuzz import FUZZ, error_logs, table_bytes, tables

# ---- staff accounts and estates ----------------------------------------------------------------
ACCOUNT_MODELS = {"staff": Staff, "estate": Estate}


@pytest.fixture
def account_world(factories, login):
    w = factories.two_estates()
    w.admin = factories.staff(Role.admin, all_estates=True)
    w.records = {"staff": factories.staff(Role.receptionist, estates=[w.a]), "estate": w.b}
    w.clients = {"zh": login(w.admin, lang="zh-CN"), "en": login(w.admin, lang="en")}
    return w


def account_form(resource: str, w) -> dict:
    if resource == "estate":
        return {
            "code": "CC",
            "name": "丙小区",
            "address": "丙路 3 号",
            "service_phone": "0755-12345678",
            "duty_phone": "13900001234",
        }
    return {
        "username": "newdesk",
        "name": "新前台",
        "phone": "13900005555",
        "email": "desk@example.com",
        "role": "receptionist",
        "estates": str(w.a.id),
        "trades": "plumbing",
        "active": "y",
        "password": "long-enough-1",
    }


@pytest.mark.parametrize("resource", sorted(ACCOUNT_MODELS))
@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_any_staff_or_estate_input_saves_whole_or_not_at_all(
    account_world, in_app, caplog, resource, data
):
    caplog.clear()
    w, model = account_world, ACCOUNT_MODELS[resource]
    base = account_form(resource, w)
    changes = data.draw(
        st.dictionaries(st.sampled_from(sorted(base)), values, min_size=1, max_size=4),
        label="changes",
    )
    editing = data.draw(st.booleans(), label="edit")
    lang = data.draw(st.sampled_from(["zh", "zh", "en"]), label="lang")
    record_id = w.records[resource].id
    url = f"/admin/{resource}/edit/?id={record_id}" if editing else f"/admin/{resource}/new/"
    response, body = post_whole_or_nothing(
        w.clients[lang], url, {**base, **changes}, model, record_id, in_app
    )
    if response.status_code == 200:
        assert_says_why(body, lang)
    assert not error_logs(caplog), (changes, [r.exc_text for r in caplog.records if r.exc_text][:1])


# ---- the resident import command ---------------------------------------------------------------
@pytest.fixture
def cli_world(factories, app, tmp_path):
    w = factories.two_estates()  # 甲小区 (AA)
    w.path = tmp_path / "residents.csv"

    def run(data: bytes, *args):
        w.path.write_bytes(data)
        return app.test_cli_runner().invoke(
            args=["residents", "import", str(w.path), "--estate", "AA", *args]
        )

    w.run = run
    return w


def residents_and_batches() -> tuple:
    rows = db.session.query(Resident).order_by(Resident.id).all()
    return (
        [(r.id, r.name, r.phone, r.unit_id, r.role) for r in rows],
        db.session.query(ResidentImport).count(),
        db.session.query(AuditRecord).count(),
    )


cli_files = st.one_of(
    st.binary(max_size=2000),
    tables.map(lambda spec: table_bytes(**spec)),
)


@settings(FUZZ, max_examples=12)
@given(
    data=cli_files,
    options=st.lists(
        st.sampled_from(["--dry-run", "--create-units", "--skip-invalid", "--json"]),
        unique=True,
        max_size=3,
    ),
)
def test_any_file_given_to_the_import_command_is_imported_whole_or_refused(
    cli_world, in_app, caplog, data, options
):
    caplog.clear()
    with in_app():
        before = residents_and_batches()
    result = cli_world.run(data, *options)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-500:], result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    with in_app():
        after = residents_and_batches()
    summary = json.loads(result.output) if "--json" in options else None
    if result.exit_code == 1 or "--dry-run" in options:  # refused or dry: nothing written
        assert after == before
        # It says why in the office's language (Chinese), and in English when asked: the
        # Chinese report has Chinese words the English one lacks (the file's own text and
        # the estate's name are in both), the English one none of its own.
        english = cli_world.run(data, *options, "--lang", "en")
        assert english.exit_code == result.exit_code
        zh, en = set(CJK.findall(result.output)), set(CJK.findall(english.output))
        assert zh - en, result.output[-300:]
        assert en <= zh, english.output[-300:]
        with in_app():
            assert residents_and_batches() == before
    else:  # imported: every row it counted, recorded as a batch
        assert after[1] == before[1] + 1
        if summary is not None:
            assert summary["status"] == "imported"
            assert len(after[0]) == len(before[0]) + summary["counts"]["new"]
    assert not error_logs(caplog)


# ---- what the fuzzing found, kept as plain examples ------------------------------------------
def test_a_refused_new_account_says_so_in_chinese(account_world):
    form = {**account_form("staff", account_world), "phone": "12345"}
    body = account_world.clients["zh"].post("/admin/staff/new/", form).get_data(as_text=True)
    assert "创建记录失败" in body  # Flask-Admin's own message was English on Chinese pages
    assert "Failed to create record" not in body


@pytest.mark.parametrize(
    ("resource", "changes"),
    [
        ("staff", {"estates": "2147483648"}),
        ("staff", {"estates": "99999999999999999999"}),
        ("staff", {"estates": f"1,{'9' * 30}"}),
        ("staff", {"role": "superuser"}),
        ("staff", {"trades": "\x00"}),
        ("staff", {"username": "a" * 65}),
        ("staff", {"password": "short"}),
        ("estate", {"code": "X" * 17}),
        ("estate", {"service_phone": "1" * 33}),
        ("estate", {"name": ""}),
    ],
)
def test_odd_account_input_is_refused_with_a_reason(
    account_world, in_app, caplog, resource, changes
):
    w, model = account_world, ACCOUNT_MODELS[resource]
    with in_app():
        count = db.session.query(model).count()
    response = w.clients["zh"].post(
        f"/admin/{resource}/new/", {**account_form(resource, w), **changes}
    )
    assert response.status_code == 200, response.status_code
    assert_says_why(response.get_data(as_text=True), "zh")
    with in_app():
        assert db.session.query(model).count() == count
    assert not error_logs(caplog)
