"""A worker pass and its renovation: the form offers only renovations that may take worker passes,
each with its state, and the printed card and the gate name the renovation by the same
reference (its permit number)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PassStatus, RenovationStatus, Role, WorkerPass

R = RenovationStatus
ZH = "zh-CN,zh;q=0.9"
LOOKUP = "/admin/worker_pass/ajax/lookup/?name=renovation&limit=20&query="


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.guard = factories.staff(Role.guard, estates=[w.a])
    until = clock.today() + timedelta(days=40)
    w.renovations = {
        status: factories.renovation(
            w.a,
            w.unit_a,
            status=status,
            number=f"AA-RN2501-{n:04d}",
            permit_number=f"AA-PM2501-{n:04d}" if status is not R.applied else None,
            permit_valid_until=until if status is not R.applied else None,
        )
        for n, status in enumerate(
            (R.applied, R.in_progress, R.stopped, R.accepted, R.cancelled), start=1
        )
    }
    w.elsewhere = factories.renovation(
        w.b, w.unit_b, status=R.in_progress, number="BB-RN2501-0001", permit_valid_until=until
    )
    return w


def offered(client, query: str = "") -> dict[int, str]:
    return {row[0]: row[1] for row in client.get(LOOKUP + query).get_json()}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# ---- the form's renovation lookup --------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "states"),
    [
        (None, ("Applied, awaiting review", "Work in progress", "Stopped for a violation")),
        (ZH, ("已申请，待审核", "施工中", "违规停工")),
    ],
)
def test_lookup_offers_only_renovations_that_take_worker_passes_with_their_state(
    login, world, lang, states
):
    choices = offered(login(world.reception, lang=lang))
    open_ones = [world.renovations[s] for s in (R.applied, R.in_progress, R.stopped)]
    assert sorted(choices) == sorted(r.id for r in open_ones)
    for renovation, state in zip(open_ones, states, strict=True):
        label = choices[renovation.id]
        assert label.startswith(renovation.number) and state in label, label
    assert "AA-PM2501-0002" in choices[world.renovations[R.in_progress].id]


def test_lookup_finds_a_renovation_by_its_permit_number(login, world):
    choices = offered(login(world.reception), "PM2501-0003")
    assert list(choices) == [world.renovations[R.stopped].id]


def test_an_ended_renovation_cannot_be_sent_in_either(login, in_app, world):
    accepted = world.renovations[R.accepted]
    form = {
        "estate": world.a.id,
        "renovation": accepted.id,
        "worker_name": "钱工",
        "phone": "13912345678",
        "company": "安居装饰",
    }
    page = login(world.reception).post("/admin/worker_pass/new/", form).get_data(as_text=True)
    assert "Not a valid choice" in page
    with in_app():
        assert db.session.query(WorkerPass).count() == 0


# ---- the same reference on the card and at the gate -------------------------------------------
@pytest.mark.parametrize(("lang", "label"), [(None, "Renovation permit"), (ZH, "装修许可证")])
def test_card_and_gate_name_the_renovation_by_its_permit(factories, login, world, lang, label):
    renovation = world.renovations[R.in_progress]
    record = factories.worker_pass(
        world.a,
        renovation,
        status=PassStatus.approved,
        worker_name="冯师傅",
        valid_from=clock.today(),
        valid_until=clock.today() + timedelta(days=20),
    )
    card = text_of(
        login(world.reception, lang=lang)
        .get(f"/admin/worker_pass/card/?id={record.id}")
        .get_data(as_text=True)
    )
    guard = login(world.guard, lang=lang)
    checked = guard.post("/gate/", {"code": record.number})
    gate = text_of(guard.get(checked.headers["Location"]).get_data(as_text=True))
    for page in (card, gate):
        assert f"{label} AA-PM2501-0002" in page.replace(":", "").replace("：", "")
        assert renovation.number not in page


def test_an_inspections_renovation_choice_names_the_flat(login, world):
    """Whoever records a patrol picks the renovation by the flat they stand in: the choice
    names it, not the number alone; another estate's renovation is not offered."""
    supervisor = login(world.reception, lang=ZH)
    found = supervisor.get(
        "/admin/renovation_inspection/ajax/lookup/?name=renovation&limit=20&query=AA-RN2501-0002"
    ).get_json()
    assert [row[0] for row in found] == [world.renovations[R.in_progress].id]
    assert found[0][1] == "AA-RN2501-0002 · 1栋1单元101室 · 施工中 · 许可证 AA-PM2501-0002"
    elsewhere = supervisor.get(
        "/admin/renovation_inspection/ajax/lookup/?name=renovation&query=BB-RN2501"
    ).get_json()
    assert elsewhere == []
