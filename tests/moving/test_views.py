"""The move-in pages as the front desk uses them: start a household from the queue, do each
step on the household's page and come back to it at the next step, print the registration
form; another estate's household is not found; bad input is a message, never a 500."""

from __future__ import annotations

import html
import io
import re

import pytest

from admin_app.extensions import db
from admin_app.models import (
    DocumentKind,
    HouseholdDocument,
    MoveIn,
    MoveInStage,
    Occupancy,
    Payment,
    Resident,
    ResidentRole,
    Role,
    Ticket,
    Unit,
)
from admin_app.moving import operations as moving
from tests.attachments import files


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="1", room="601")
    w.desk = factories.staff(Role.receptionist, estates=[w.a], username="desk")
    w.desk_b = factories.staff(Role.receptionist, estates=[w.b], username="desk_b")
    w.boss = factories.staff(Role.supervisor, estates=[w.a], username="boss")
    return w


def start(client, world, unit="3-1-601"):
    return client.post(
        f"/admin/move_in/start/?estate={world.a.id}",
        {"unit": unit, "name": "李业主", "phone": "139 0000 1111", "role": "owner"},
    )


def step(client, move_in_id, name, **data):
    data = {"step": name, **data}
    if "document" in data:
        data["document"] = (io.BytesIO(data["document"]), "scan.png")
    return client.post(
        f"/admin/move_in/step/?id={move_in_id}", data, content_type="multipart/form-data"
    )


def messages(client, response) -> list[str]:
    """The messages on the page the response leads to, as a person reads them."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|&times;|\s+", " ", m)).strip() for m in found]


def test_the_desk_starts_a_household_and_walks_it_to_the_keys_on_one_page(login, in_app, world):
    desk = login("desk")
    response = start(desk, world)
    assert response.status_code == 302
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    assert response.headers["Location"].endswith(
        f"/admin/move_in/details/?id={move_in_id}#step-notify"
    )

    queue = desk.get(f"/admin/move_in/?estate={world.a.id}").get_data(as_text=True)
    assert f"/admin/move_in/details/?id={move_in_id}#step-notify" in queue

    png = files.png(size=(30, 30), alpha=False)
    posts = [
        ("notify", {}),
        ("verify_notice", {"document": png}),
        ("sign_covenant", {"document": png}),
        ("register", {"document": png, "phone": "13900002222"}),
        ("handbook", {}),
        ("renovation", {"plans_renovation": "y"}),
        ("sign_receipt", {"document": png}),
        ("pay_fees", {"fee_item_0": "物业费", "fee_amount_0": "360.50", "method": "wechat"}),
        ("inspect", {"defects": "墙面裂缝\n门锁松动"}),
        ("keys", {}),
    ]
    for index, (name, data) in enumerate(posts):
        response = step(desk, move_in_id, name, **data)
        assert response.status_code == 302
        following = posts[index + 1][0] if index + 1 < len(posts) else "file"
        assert response.headers["Location"].endswith(f"#step-{following}"), name
    with in_app():
        move_in = db.session.get(MoveIn, move_in_id)
        assert move_in.stage is MoveInStage.file
        assert move_in.resident.phone == "13900002222"
        assert [p.amount for p in db.session.query(Payment)] == [360.50]
        assert db.session.query(Ticket).count() == 2
    page = desk.get(f"/admin/move_in/details/?id={move_in_id}").get_data(as_text=True)
    assert page.count("small step-done") == 10 and 'id="step-form"' in page

    response = step(desk, move_in_id, "file")
    assert response.headers["Location"].endswith(f"/admin/move_in/?estate={world.a.id}")
    with in_app():
        assert db.session.get(MoveIn, move_in_id).stage is MoveInStage.done


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Move-in of Bldg 3, Ent. 1, Rm 601 李业主 started."),
        ("zh-CN", "已开始办理 3栋1单元601室 李业主 的入伙。"),
    ],
)
def test_starting_a_move_in_names_the_household(login, world, language, said):
    desk = login("desk")
    response = desk.post(
        f"/admin/move_in/start/?estate={world.a.id}",
        {"unit": "3-1-601", "name": "李业主", "phone": "139 0000 1111", "role": "owner"},
        headers={"Accept-Language": language},
    )
    shown = messages(desk, response)
    assert said in shown and not any("None" in m for m in shown)


def test_a_refused_step_says_why_and_stays(login, in_app, world):
    desk = login("desk")
    start(desk, world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    step(desk, move_in_id, "notify")
    response = step(desk, move_in_id, "verify_notice")
    assert any("needs its document" in m for m in messages(desk, response))
    response = step(desk, move_in_id, "keys")
    assert response.status_code == 302
    response = step(desk, move_in_id, "pay_fees", fee_item_0="押金", fee_amount_0="abc")
    assert response.status_code == 302
    with in_app():
        assert db.session.get(MoveIn, move_in_id).stage is MoveInStage.verify_notice


def test_a_unit_that_is_not_there_is_a_message(login, in_app, world):
    desk = login("desk")
    response = start(desk, world, unit="99-9-999")
    assert response.status_code == 302
    assert any("99-9-999" in m for m in messages(desk, response))
    with in_app():
        assert db.session.query(MoveIn).count() == 0
        assert db.session.query(Resident).filter_by(name="李业主").count() == 0


def test_another_estates_household_is_not_found(login, in_app, world):
    start(login("desk"), world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    other = login("desk_b")
    assert other.get(f"/admin/move_in/details/?id={move_in_id}").status_code == 404
    assert other.get(f"/admin/move_in/print/?id={move_in_id}").status_code == 404
    assert step(other, move_in_id, "notify").status_code == 404
    with in_app():
        assert db.session.get(MoveIn, move_in_id).stage is MoveInStage.notify


def test_the_registration_form_prints_with_the_household(login, in_app, world):
    desk = login("desk")
    start(desk, world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    page = desk.get(f"/admin/move_in/print/?id={move_in_id}").get_data(as_text=True)
    assert "李业主" in page and "print-button" in page
    # Before step 4: blank, to fill in by hand.
    assert 'id="id-copy-box">☐' in page and 'id="received-by"></td>' in page


def test_the_move_out_checklist_marks_the_household_gone(factories, login, in_app, world):
    factories.resident(world.unit, name="赵住户")
    boss = login("boss")
    assert boss.get("/admin/move_in/move_out/").status_code == 200
    response = boss.post(
        "/admin/move_in/move_out/",
        {"estate": world.a.id, "unit": "3-1-601", "keys_returned": "y", "items": "沙发"},
    )
    assert any("Tick the residents" in m for m in messages(boss, response))
    with in_app():
        owner = db.session.query(Resident).filter_by(name="赵住户").one()
        assert owner.move_out is None
    response = boss.post(
        "/admin/move_in/move_out/",
        {"estate": world.a.id, "unit": "3-1-601", "keys_returned": "y", "leaving": owner.id},
    )
    assert any("moved out" in m for m in messages(boss, response))
    with in_app():
        assert db.session.query(Resident).filter_by(name="赵住户").one().move_out is not None


def test_a_tenant_leaving_is_ticked_on_the_checklist_and_the_owner_stays(
    factories, login, in_app, world
):
    owner = factories.resident(world.unit, name="赵业主")
    tenant = factories.resident(world.unit, name="钱租客", role=ResidentRole.tenant)
    boss = login("boss")
    page = boss.get(f"/admin/move_in/move_out/?estate={world.a.id}&unit=3-1-601")
    page = page.get_data(as_text=True)
    # Both listed, neither ticked beforehand.
    assert f'name="leaving" value="{owner.id}"' in page and "钱租客" in page
    assert "checked" not in page.split('id="move-out-residents"')[1].split("</fieldset>")[0]
    response = boss.post(
        "/admin/move_in/move_out/",
        {"estate": world.a.id, "unit": "3-1-601", "keys_returned": "y", "leaving": tenant.id},
        headers={"Accept-Language": "zh-CN"},
    )
    assert "3栋1单元601室：已将 1 位住户标记为搬离（钱租客）。" in " ".join(
        messages(boss, response)
    )
    with in_app():
        assert db.session.get(Resident, owner.id).move_out is None
        assert db.session.get(Resident, tenant.id).move_out is not None
        assert db.session.get(Unit, world.unit.id).occupancy is Occupancy.occupied


def test_a_guard_or_a_technician_has_no_move_in_pages(factories, login, world):
    factories.staff(Role.guard, estates=[world.a], username="gate")
    assert login("gate").get("/admin/move_in/").status_code == 403


def test_a_move_in_fee_has_its_receipt_and_shows_in_the_fees(login, in_app, world):
    desk = login("desk")
    start(desk, world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
        db.session.get(MoveIn, move_in_id).stage = MoveInStage.pay_fees
        db.session.commit()
    step(desk, move_in_id, "pay_fees", fee_item_0="装修押金", fee_amount_0="2000", method="cash")
    with in_app():
        payment = db.session.query(Payment).one()
        assert payment.move_in_id == move_in_id
    receipt = desk.get(f"/admin/payment/receipt/?id={payment.id}").get_data(as_text=True)
    assert "装修押金" in receipt and "李业主" in receipt and payment.number in receipt
    details = desk.get(f"/admin/payment/details/?id={payment.id}")
    assert details.status_code == 200 and "装修押金" in details.get_data(as_text=True)
    listing = desk.get("/admin/payment/").get_data(as_text=True)
    assert "装修押金" in listing


def test_a_missing_document_is_asked_for_on_the_page_and_attached_again(login, in_app, world):
    desk = login("desk")
    start(desk, world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    png = files.png(size=(30, 30), alpha=False)
    step(desk, move_in_id, "notify")
    step(desk, move_in_id, "verify_notice", document=png)
    with in_app():
        db.session.delete(db.session.get(MoveIn, move_in_id).attachments[0])
        db.session.commit()
    page = desk.get(f"/admin/move_in/details/?id={move_in_id}").get_data(as_text=True)
    assert 'id="reattach-verify_notice"' in page
    response = desk.post(
        f"/admin/move_in/reattach/?id={move_in_id}",
        {"step": "verify_notice", "document": (io.BytesIO(png), "again.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = desk.get(f"/admin/move_in/details/?id={move_in_id}").get_data(as_text=True)
    assert 'id="reattach-verify_notice"' not in page
    response = desk.post(
        f"/admin/move_in/reattach/?id={move_in_id}",
        {"step": "nonsense"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def test_the_id_copy_of_step_4_is_filed_as_an_id_copy_that_only_a_supervisor_opens(
    login, in_app, world
):
    desk, boss = login("desk"), login("boss")
    start(desk, world)
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    png = files.png(size=(40, 40), alpha=False)
    step(desk, move_in_id, "notify")
    step(desk, move_in_id, "verify_notice", document=png)
    step(desk, move_in_id, "sign_covenant", document=png)
    page = desk.get(f"/admin/move_in/details/?id={move_in_id}").get_data(as_text=True)
    assert 'id="id-copy-supervisor"' in page and 'name="id_copy"' not in page
    # The desk may not file an ID copy: refused, nothing saved.
    refused = step(desk, move_in_id, "register", document=png, id_copy=(io.BytesIO(png), "id.png"))
    assert any("Only a supervisor may file an ID copy." in m for m in messages(desk, refused))
    with in_app():
        assert db.session.get(MoveIn, move_in_id).stage is MoveInStage.register
        assert db.session.query(HouseholdDocument).count() == 0
    assert 'name="id_copy"' in boss.get(f"/admin/move_in/details/?id={move_in_id}").get_data(
        as_text=True
    )
    step(boss, move_in_id, "register", document=png, id_copy=(io.BytesIO(png), "id.png"))
    with in_app():
        assert db.session.get(MoveIn, move_in_id).stage is MoveInStage.handbook
        filed = db.session.query(HouseholdDocument).one()
        assert (filed.kind, filed.encrypted) == (DocumentKind.id_copy, True)
        # The move-in's own attachment is the registration form only.
        captions = [a.caption for a in db.session.get(MoveIn, move_in_id).attachments]
        assert "Registration form" in captions and not any("ID" in c for c in captions)
    url = f"/admin/unit/archive/file/?id={world.unit.id}&doc={filed.id}"
    assert desk.get(url).status_code == 403
    assert boss.get(url).status_code == 200
    # Reprinted after step 4, the registration form says the ID copy is on file and who took
    # it when (the desk may not open the copy, but sees that it is there).
    printed = desk.get(f"/admin/move_in/print/?id={move_in_id}").get_data(as_text=True)
    assert 'id="id-copy-box">☑' in printed
    received = printed.split('id="received-by">')[1].split("</td>")[0]
    assert received == world.boss.name


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "赵前业主 still listed as the owner living in Bldg 3, Ent. 1, Rm 601."),
        ("zh-CN", "赵前业主 仍登记为 3栋1单元601室 的业主在住。"),
    ],
)
def test_a_new_owner_moving_in_is_told_the_former_owner_is_still_listed(
    factories, login, world, language, said
):
    """The flat was sold: the desk starts the new owner's move-in and is told the former
    owner still lives there on paper (he would keep getting the unit's texts)."""
    factories.resident(world.unit, name="赵前业主", role=ResidentRole.owner)
    factories.resident(world.unit, name="钱租客", role=ResidentRole.tenant)
    desk = login("desk")
    headers = {"Accept-Language": language}
    response = desk.post(
        f"/admin/move_in/start/?estate={world.a.id}",
        {"unit": "3-1-601", "name": "李业主", "phone": "139 0000 1111", "role": "owner"},
        headers=headers,
    )
    shown = messages(desk, response)
    assert any(said in m for m in shown), shown
    assert not any("钱租客" in m for m in shown)  # a tenant is no former owner


def test_the_listed_owner_moving_in_hears_of_nobody_else(factories, login, world):
    factories.resident(world.unit, name="李业主", phone="13900001111", role=ResidentRole.owner)
    desk = login("desk")
    shown = messages(desk, start(desk, world))
    assert not any("still listed" in m for m in shown), shown


def test_a_tenant_moving_in_is_printed_as_the_resident_not_the_owner(login, in_app, world):
    desk = login("desk", lang="zh-CN")
    desk.post(
        f"/admin/move_in/start/?estate={world.a.id}",
        {"unit": "3-1-601", "name": "钱租客", "phone": "139 0000 2222", "role": "tenant"},
    )
    with in_app():
        move_in_id = db.session.query(MoveIn.id).scalar()
    page = desk.get(f"/admin/move_in/print/?id={move_in_id}").get_data(as_text=True)
    assert "<th>住户</th><td>钱租客</td>" in page and "<th>业主</th>" not in page


def walk_to_the_fees(client, in_app, world, unit) -> int:
    start(client, world, unit=unit)
    with in_app():
        move_in_id = db.session.query(db.func.max(MoveIn.id)).scalar()
    png = files.png(size=(30, 30), alpha=False)
    for name, data in [
        ("notify", {}),
        ("verify_notice", {"document": png}),
        ("sign_covenant", {"document": png}),
        ("register", {"document": png}),
        ("handbook", {}),
        ("renovation", {}),
        ("sign_receipt", {"document": png}),
    ]:
        assert step(client, move_in_id, name, **data).status_code == 302, name
    return move_in_id


def test_the_fee_step_offers_the_fees_this_estate_charged_before(factories, login, in_app, world):
    desk = login("desk")
    first = walk_to_the_fees(desk, in_app, world, "3-1-601")
    page = desk.get(f"/admin/move_in/details/?id={first}").get_data(as_text=True)
    assert 'id="usual-fees"' not in page  # nothing charged yet: nothing to offer
    fees = {"fee_item_0": "物业费（预交三个月）", "fee_amount_0": "900", "method": "cash"}
    fees |= {"fee_item_1": "门禁卡工本费", "fee_amount_1": "20"}
    assert step(desk, first, "pay_fees", **fees).status_code == 302
    factories.unit(world.a, building="3", entrance="1", room="602")
    second = walk_to_the_fees(desk, in_app, world, "3-1-602")
    page = desk.get(f"/admin/move_in/details/?id={second}").get_data(as_text=True)
    offered = re.search(r'<datalist id="usual-fees">(.*?)</datalist>', page).group(1)
    assert re.findall(r'<option value="([^"]+)">', offered) == [
        "物业费（预交三个月）",
        "门禁卡工本费",
    ]
    assert 'id="fee_item_0" maxlength="100" list="usual-fees"' in page
    with in_app():  # another estate is offered its own estate's fees, not these
        assert moving.usual_fees(world.b.id) == []
