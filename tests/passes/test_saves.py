"""A pass registered at the desk opens on its own page (where it is approved), the message
naming its number and who decides it next, in the user's language."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Estate,
    ReleaseApprover,
    ReleasePass,
    RenovationStatus,
    ResidentRole,
    Role,
    VehiclePass,
    WorkerPass,
)

SUPERVISOR_NEXT = {
    "en": "Next: a supervisor approves it (the supervisors have been told).",
    "zh-CN": "下一步：主管审批（已通知主管）。",
}


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.renovation = factories.renovation(
        w.a,
        w.unit_a,
        status=RenovationStatus.in_progress,
        permit_valid_until=clock.today() + timedelta(days=40),
    )
    return w


def day(offset: int = 0) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def messages(client, response) -> list[str]:
    """The messages on the page the response leads to, as a person reads them."""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>|&times;|\s+", " ", m)).strip() for m in found]


def saved(client, in_app, kind: str, model, form: dict):
    """(the record saved, the messages its page shows), after checking the save opened it."""
    response = client.post(f"/admin/{kind}/new/", form)
    assert response.status_code == 302
    with in_app():
        record = db.session.query(model).one()
    assert response.headers["Location"].startswith(f"/admin/{kind}/details/?id={record.id}")
    return record, messages(client, response)


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Construction-worker pass"), ("zh-CN", "施工人员出入证")]
)
def test_a_worker_pass_saved_names_its_number_and_the_supervisor(login, in_app, world, lang, title):
    form = {
        "estate": world.a.id,
        "renovation": world.renovation.id,
        "worker_name": "钱工",
        "phone": "13912345678",
        "company": "安居装饰",
        "valid_from": day(),
        "valid_until": day(30),
    }
    record, shown = saved(
        login(world.reception, lang=lang), in_app, "worker_pass", WorkerPass, form
    )
    said = {
        "en": f"{title} {record.number} registered. ",
        "zh-CN": f"{title} {record.number} 已登记。",
    }
    assert said[lang] + SUPERVISOR_NEXT[lang] in shown


@pytest.mark.parametrize(("lang", "title"), [("en", "Vehicle pass"), ("zh-CN", "车辆出入证")])
def test_a_vehicle_pass_saved_names_its_number_and_the_supervisor(
    login, in_app, world, lang, title
):
    form = {
        "estate": world.a.id,
        "plate": "粤B54321",
        "vehicle_type": "car",
        "resident": world.resident_a.id,
        "parking_space": "B1-018",
    }
    record, shown = saved(
        login(world.reception, lang=lang), in_app, "vehicle_pass", VehiclePass, form
    )
    said = {
        "en": f"{title} {record.number} registered. ",
        "zh-CN": f"{title} {record.number} 已登记。",
    }
    assert said[lang] + SUPERVISOR_NEXT[lang] in shown


def release_form(world, applicant) -> dict:
    return {
        "estate": world.a.id,
        "unit": world.unit_a.id,
        "applicant": applicant.id,
        "items": "衣柜一个",
        "moving_date": day(2),
    }


@pytest.mark.parametrize(
    ("lang", "next_step"),
    [
        (
            "en",
            "Next: record the owner's confirmation (the applicant is a tenant); "
            "then it goes for approval.",
        ),
        ("zh-CN", "下一步：登记业主的确认（申请人是租户），确认后送审批。"),
    ],
)
def test_a_tenants_release_slip_says_the_owner_confirms_it_first(
    factories, login, in_app, world, lang, next_step
):
    tenant = factories.resident(world.unit_a, name="租客", role=ResidentRole.tenant)
    client = login(world.reception, lang=lang)
    record, shown = saved(client, in_app, "release_pass", ReleasePass, release_form(world, tenant))
    assert any(record.number in m and m.endswith(next_step) for m in shown)


@pytest.mark.parametrize(
    ("lang", "next_step"),
    [
        ("en", "Next: the front desk approves it (the front desk has been told)."),
        ("zh-CN", "下一步：前台审批（已通知前台）。"),
    ],
)
def test_a_release_slip_the_desk_decides_says_so(in_app, login, world, lang, next_step):
    with in_app():
        db.session.get(Estate, world.a.id).release_approver = ReleaseApprover.receptionist
        db.session.commit()
    client = login(world.reception, lang=lang)
    record, shown = saved(
        client, in_app, "release_pass", ReleasePass, release_form(world, world.resident_a)
    )
    assert any(record.number in m and m.endswith(next_step) for m in shown)
