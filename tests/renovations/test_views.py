"""The renovation screens as the desk uses them: an application registered opens with its number
and next step, the list finds it by the flat or the owner, and a patrol's page names the flat
and opens the phone's camera."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Renovation, RenovationStatus, Role


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="1", entrance="1", room="801")
    w.owner = factories.resident(w.unit, name="欧阳明", phone="13912345678")
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def application(world, **overrides) -> dict:
    form = {
        "estate": world.a.id,
        "unit": world.unit.id,
        "owner": world.owner.id,
        "contractor": "美家装饰",
        "person_in_charge": "孙工",
        "person_phone": "13700001111",
        "scope": "卫生间防水",
        "planned_start": day(3),
        "planned_end": day(33),
        "deposit": "2000",
    }
    return {**form, **overrides}


def messages(client, response) -> list[str]:
    """The messages on the page the response leads to, as a person reads them."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|&times;|\s+", " ", m)).strip() for m in found]


def the_application(in_app) -> Renovation:
    with in_app():
        return db.session.query(Renovation).one()


# ---- registered: its page, its number and who decides next ----------------------------------
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Renovation application {number} registered for Bldg 1, Ent. 1, Rm 801. "
            "Next: a supervisor reviews it (the supervisors have been told).",
        ),
        ("zh-CN", "1栋1单元801室 的装修申请 {number} 已登记。下一步：主管审批（已通知主管）。"),
    ],
)
def test_an_application_saved_opens_on_its_page_naming_its_number_and_next_step(
    login, in_app, world, lang, said
):
    desk = login(world.reception, lang=lang)
    response = desk.post("/admin/renovation/new/", application(world))
    renovation = the_application(in_app)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/admin/renovation/details/?id={renovation.id}")
    shown = messages(desk, response)
    assert said.format(number=renovation.number) in shown
    assert not any("successfully" in m or "成功" in m for m in shown)
    # The supervisor's step is a button on that page.
    page = login(world.supervisor).get(response.headers["Location"]).get_data(as_text=True)
    assert "/admin/renovation/act/issue_permit/" in page


def test_save_and_add_another_and_continue_editing_go_where_their_buttons_say(login, in_app, world):
    desk = login(world.reception)
    another = desk.post("/admin/renovation/new/", application(world, _add_another="1"))
    assert another.headers["Location"].startswith("/admin/renovation/new/")
    first = the_application(in_app)
    assert any(first.number in m for m in messages(desk, another))
    with in_app():
        db.session.delete(db.session.get(Renovation, first.id))
        db.session.commit()
    editing = desk.post("/admin/renovation/new/", application(world, _continue_editing="1"))
    second = the_application(in_app)
    assert editing.headers["Location"].startswith(f"/admin/renovation/edit/?id={second.id}")


def test_a_refused_application_stays_on_its_form_as_typed(login, in_app, world):
    desk = login(world.reception, lang="zh-CN")
    response = desk.post("/admin/renovation/new/", application(world, planned_end=day(1)))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "美家装饰" in page and "已登记" not in page
    with in_app():
        assert db.session.query(Renovation).count() == 0


# ---- the list's search ------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["1-1-801", "1栋1单元801", "1栋1单元801室", "欧阳", "5678"])
def test_the_list_finds_an_application_by_the_flat_or_the_owner(factories, login, world, typed):
    mine = factories.renovation(world.a, world.unit, owner_id=world.owner.id)
    elsewhere = factories.unit(world.a, building="2", entrance="1", room="802")
    other = factories.renovation(world.a, elsewhere)
    found = login(world.supervisor).get(f"/admin/renovation/?search={typed}")
    page = found.get_data(as_text=True)
    assert mine.number in page and other.number not in page


def test_a_supervisor_of_another_estate_finds_only_his_own(factories, login, world):
    mine = factories.renovation(world.a, world.unit, owner_id=world.owner.id)
    there = factories.unit(world.b, building="1", entrance="1", room="801")  # the same flat
    theirs = factories.renovation(world.b, there)
    supervisor = factories.staff(Role.supervisor, estates=[world.b])
    client = login(supervisor)
    page = client.get("/admin/renovation/?search=1-1-801").get_data(as_text=True)
    assert theirs.number in page and mine.number not in page
    page = client.get("/admin/renovation/?search=欧阳").get_data(as_text=True)
    assert mine.number not in page


# ---- the patrol's page ------------------------------------------------------------------------
def test_the_patrol_page_names_the_flat_and_the_application_above_the_form(factories, login, world):
    renovation = factories.renovation(
        world.a, world.unit, status=RenovationStatus.in_progress, owner_id=world.owner.id
    )
    guard = factories.staff(Role.guard, estates=[world.a])
    page = login(guard, lang="zh-CN").get(f"/admin/renovation/act/patrol/?id={renovation.id}")
    heading = re.search(r'<h3[^>]*id="action-subject"[^>]*>(.*?)</h3>', page.get_data(as_text=True))
    assert heading is not None
    assert f"1栋1单元801室 · 装修申请 {renovation.number}" in heading.group(1)
    # Shown, not asked: no field of the form names the flat.
    form = page.get_data(as_text=True).split('class="action-form"')[1]
    assert 'name="unit"' not in form and 'name="renovation"' not in form


def test_the_patrol_photo_opens_the_phone_camera(factories, login, world):
    renovation = factories.renovation(world.a, world.unit, status=RenovationStatus.in_progress)
    guard = factories.staff(Role.guard, estates=[world.a])
    page = login(guard).get(f"/admin/renovation/act/patrol/?id={renovation.id}")
    photo = re.search(r'<input[^>]*name="photo"[^>]*>', page.get_data(as_text=True)).group(0)
    assert 'type="file"' in photo
    assert 'accept="image/*"' in photo and 'capture="environment"' in photo


@pytest.mark.parametrize(
    ("lang", "waiting", "none"),
    [("zh-CN", "尚未收取", "无押金"), ("en", "Not collected yet", "No deposit")],
)
def test_a_deposit_asked_for_and_not_collected_does_not_read_no_deposit(
    factories, login, world, lang, waiting, none
):
    from decimal import Decimal

    asked = factories.renovation(world.a, world.unit, deposit=Decimal("3000.00"))
    free = factories.renovation(world.a, world.unit, deposit=None)
    c = login(world.supervisor, lang=lang)
    listed = c.get("/admin/renovation/").get_data(as_text=True)
    row = listed.split(asked.number)[1].split("</tr>")[0]
    assert waiting in row and none not in row
    assert none in listed.split(free.number)[1].split("</tr>")[0]
    details = c.get(f"/admin/renovation/details/?id={asked.id}").get_data(as_text=True)
    assert waiting in details
