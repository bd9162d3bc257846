"""Signing for a parcel starts with a phone call: once the unit is typed the form lists the
residents still living there, each with a number to call, and picking one fills the recipient.
A guard sees the numbers masked like every phone at the gate, and calls with the link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Parcel, Resident, ResidentRole, Role

from ..conftest import page_messages


@pytest.fixture
def flat(factories, two_estates, in_app):
    unit = two_estates.unit_a  # 1-1-101, where 甲住户 (13800000001) owns the flat
    tenant = factories.resident(unit, name="乙租客", phone="13912345678", role=ResidentRole.tenant)
    gone = factories.resident(unit, name="丙旧户", phone="13700000009", role=ResidentRole.tenant)
    with in_app():
        db.session.get(Resident, gone.id).move_out = clock.today() - timedelta(days=3)
        db.session.commit()
    return {
        "tenant": tenant,
        "owner": two_estates.resident_a,
        "guard": factories.staff(Role.guard, estates=[two_estates.a], username="guard"),
        "desk": factories.staff(Role.receptionist, estates=[two_estates.a], username="desk"),
    }


def residents_listed(page: str) -> list[tuple[str, str]]:
    """(name, the number the call link dials) for each resident the form lists."""
    rows = re.findall(r'class="[^"]*unit-resident">(.*?)</li>', page, re.S)
    return [
        (
            re.search(r'font-weight-bold">([^<]+)<', row).group(1),
            re.search(r'href="tel:([^"]+)"', row).group(1),
        )
        for row in rows
    ]


def typed(**fields):
    return {"unit": "1-1-101", "recipient_name": "", "description": "冰箱一台", **fields}


def test_the_guard_sees_whom_to_call_picks_one_and_signs_for_the_parcel(login, flat, in_app):
    guard = login("guard")
    page = guard.post("/gate/visitors/parcel/new", typed(show_residents="1"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    # The owner first, then the tenant; who moved out is not offered.
    assert residents_listed(text) == [("甲住户", "13800000001"), ("乙租客", "13912345678")]
    assert "丙旧户" not in text
    # On the guard's screen the numbers are masked, as every phone at the gate; the link calls.
    assert "138****0001" in text and "139****5678" in text
    assert ">☎ 13912345678<" not in text
    assert "Tenant" in text and "Owner" in text
    assert 'value="冰箱一台"' in text  # nothing typed is lost
    assert page_messages(text) == []  # showing is not a refused signing

    picked = guard.post("/gate/visitors/parcel/new", typed(pick=str(flat["tenant"].id))).get_data(
        as_text=True
    )
    assert re.search(r'id="recipient_name"[^>]*value="乙租客"', picked)
    with in_app():
        assert db.session.query(Parcel).count() == 0  # picking signs nothing

    signed = guard.post(
        "/gate/visitors/parcel/new",
        typed(recipient_name="乙租客", confirmed_by="乙租客", confirmed_at="2020-01-01T09:30"),
    )
    assert signed.status_code == 302
    with in_app():
        assert db.session.query(Parcel).one().recipient_name == "乙租客"


def test_the_desk_which_reads_residents_sees_the_whole_number(login, flat):
    page = login("desk").post("/visitors/parcel/new", typed(show_residents="1"))
    assert ">☎ 13912345678<" in page.get_data(as_text=True)


def test_a_refused_signing_still_shows_whom_to_call(login, flat):
    page = login("guard").post("/gate/visitors/parcel/new", typed(recipient_name="甲住户"))
    text = page.get_data(as_text=True)
    assert any("Call the resident first" in m for m in page_messages(text))
    assert [name for name, _ in residents_listed(text)] == ["甲住户", "乙租客"]


def test_another_estates_residents_are_never_listed(login, flat, two_estates):
    guard = login("guard")
    other = guard.post("/gate/visitors/parcel/new", typed(unit="9-9-909", show_residents="1"))
    text = other.get_data(as_text=True)
    assert residents_listed(text) == [] and "乙住户" not in text
    # Picking someone of another unit by id fills nothing.
    theirs = guard.post(
        "/gate/visitors/parcel/new", typed(pick=str(two_estates.resident_b.id))
    ).get_data(as_text=True)
    assert "乙住户" not in theirs
