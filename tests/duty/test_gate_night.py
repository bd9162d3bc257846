"""The guard's night on the duty pages: what the gate recorded during the shift beside the log,
the lists closed at an early hand-over, who is "on duty now" after it, the way back to the
gate or the panel, and the rota flagging hours nobody holds the duty phone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from admin_app.models import GateResult, ParcelStatus, PassStatus, Role

from ..reminders_support import office_time

NIGHT_STARTS = datetime(2026, 12, 7, 20, 0)
AT_THREE = office_time(2026, 12, 8, 3, 0)


@pytest.fixture
def night(factories, time_machine):
    time_machine.move_to(AT_THREE, tick=False)
    world = factories.two_estates()
    guard = factories.staff(Role.guard, estates=[world.a], name="夜班保安")
    day_guard = factories.staff(Role.guard, estates=[world.a], name="早班保安")
    shift = factories.duty_shift(world.a, guard, starts_in_hours=-7, holds_phone=True)
    assert shift.starts_at == NIGHT_STARTS
    return SimpleNamespace(
        world=world,
        guard=guard,
        day_guard=day_guard,
        shift=shift,
        desk=factories.staff(Role.receptionist, estates=[world.a], name="前台小王"),
        supervisor=factories.staff(Role.supervisor, estates=[world.a], name="李主管"),
    )


def at(hour: int, minute: int = 0) -> datetime:
    day = 7 if hour >= 12 else 8
    return datetime(2026, 12, day, hour, minute)


def section(page: str, key: str) -> str:
    """One kind of the gate's records on the duty page: its title line and its list."""
    block = re.search(r'id="gate-events">(.*?)\n</div>', page, re.S).group(1)
    return dict(re.findall(r'id="gate-(\w+)">(.*?)(?=id="gate-|$)', block, re.S))[key]


def count_of(part: str) -> int:
    return int(re.search(r'gate-count">(\d+)<', part).group(1))


def test_the_duty_page_lists_what_the_gate_recorded_during_the_shift(login, factories, night):
    a, b = night.world.a, night.world.b
    unit = night.world.unit_a
    released = factories.release_pass(
        a,
        unit,
        number="HY-RL2612-0007",
        applicant_name="王搬家",
        status=PassStatus.released,
        released_at=at(22, 15),
    )
    factories.release_pass(  # let out the afternoon before: the day shift's
        a, unit, number="HY-RL2612-0001", status=PassStatus.released, released_at=at(15, 0)
    )
    signed = factories.parcel(
        a, unit, number="HY-DS2612-0003", recipient_name="周业主", received_at=at(21, 5)
    )
    factories.parcel(  # signed for yesterday, handed over tonight
        a,
        unit,
        number="HY-DS2612-0002",
        received_at=at(12, 0) - timedelta(days=1),
        status=ParcelStatus.handed_over,
        handed_over_at=at(1, 30),
        collected_by="周业主",
    )
    visitor = factories.visitor(a, unit, name="深夜访客", in_at=at(23, 40))
    factories.visitor(b, night.world.unit_b, name="乙小区访客", in_at=at(23, 0))
    refused = factories.gate_check(
        a, checked_at=at(0, 20), result=GateResult.expired, pass_number="HY-VP2612-0099"
    )
    factories.gate_check(
        a, checked_at=at(0, 25), result=GateResult.valid, pass_number="HY-VP2612-0100"
    )

    page = login(night.guard).get("/duty/").get_data(as_text=True)

    out = section(page, "released")
    assert count_of(out) == 1 and "22:15" in out and "HY-RL2612-0007 · 王搬家" in out
    assert "HY-RL2612-0001" not in page
    assert f'href="/admin/release_pass/details/?id={released.id}"' in out
    parcels = section(page, "parcels")
    assert count_of(parcels) == 2
    assert "21:05" in parcels and "HY-DS2612-0003 signed for (周业主)" in parcels
    assert "01:30" in parcels and "HY-DS2612-0002 handed over" in parcels
    assert f'href="/admin/parcel/details/?id={signed.id}"' in parcels
    visitors = section(page, "visitors")
    assert count_of(visitors) == 1 and "23:40" in visitors and "深夜访客" in visitors
    assert f'href="/admin/visitor/details/?id={visitor.id}"' in visitors
    assert "乙小区访客" not in page
    checks = section(page, "refused")
    assert count_of(checks) == 1 and "00:20" in checks and "HY-VP2612-0099" in checks
    assert "HY-VP2612-0100" not in page
    # The guard opens a refused check on his own gate page.
    assert f'href="/gate/?check={refused.id}"' in checks


def test_the_desk_on_the_weekend_phone_reads_the_gate_records_without_links_it_may_not_open(
    login, factories, night
):
    desk_shift = factories.duty_shift(night.world.a, night.desk, starts_in_hours=-1, hours=4)
    check = factories.gate_check(night.world.a, checked_at=at(2, 30), result=GateResult.forged)
    page = login(night.desk).get(f"/duty/shift/{desk_shift.id}").get_data(as_text=True)
    checks = section(page, "refused")
    assert count_of(checks) == 1 and "02:30" in checks
    # A receptionist reads no gate checks in the panel: the line has no link.
    assert f"check={check.id}" not in page and f"gate_check/details/?id={check.id}" not in page


def test_after_an_early_hand_over_the_shift_page_stops_growing(
    login, factories, night, time_machine
):
    """Handed over at 06:00 of a shift ending at 08:00: the calls and the gate's records of
    06:30 are the next person's, not on the night's page."""
    time_machine.move_to(office_time(2026, 12, 8, 6, 0), tick=False)
    c = login(night.guard)
    c.post(f"/duty/shift/{night.shift.id}/hand-over", {"note": "一切正常"})
    before = factories.ticket(night.world.a, received_at=at(5, 50))
    after = factories.ticket(night.world.a, received_at=at(6, 30))
    factories.visitor(night.world.a, night.world.unit_a, name="早到访客", in_at=at(6, 30))
    factories.visitor(night.world.a, night.world.unit_a, name="凌晨访客", in_at=at(5, 45))
    time_machine.move_to(office_time(2026, 12, 8, 7, 0), tick=False)
    page = login(night.supervisor).get(f"/duty/shift/{night.shift.id}").get_data(as_text=True)
    assert before.number in page and after.number not in page
    assert "凌晨访客" in page and "早到访客" not in page
    assert count_of(section(page, "visitors")) == 1


def on_duty_card(page: str) -> str:
    found = re.search(r'id="on-duty-now">(.*?)</div></div>\s*</div>', page, re.S)
    return found.group(1) if found else ""


def test_a_guard_who_handed_over_early_is_no_longer_on_duty_now(
    login, factories, night, time_machine
):
    factories.duty_shift(night.world.a, night.day_guard, starts_in_hours=5, holds_phone=True)
    time_machine.move_to(office_time(2026, 12, 8, 6, 0), tick=False)
    login(night.guard).post(f"/duty/shift/{night.shift.id}/hand-over", {"note": "一切正常"})
    boss = login(night.supervisor)
    card = on_duty_card(boss.get("/admin/").get_data(as_text=True))
    assert "夜班保安" not in card and "Nobody on the rota now." in card
    assert "nobody holds it" in card
    # The rota does not call him on duty now either.
    rota = boss.get("/duty/rota/?start=2026-12-07").get_data(as_text=True)
    row = re.search(rf'id="shift-{night.shift.id}">(.*?)</div>', rota, re.S).group(1)
    assert "on duty now" not in row
    # The day guard reads the note and takes over early: he is on duty now, with the phone.
    login(night.day_guard).post(f"/duty/shift/{night.shift.id}/acknowledge")
    card = on_duty_card(boss.get("/admin/").get_data(as_text=True))
    assert "早班保安" in card and "夜班保安" not in card
    assert "<strong>早班保安</strong>" in card


@pytest.mark.parametrize(
    ("who", "href", "label"),
    [
        ("guard", "/gate/", "门岗查验"),
        ("desk", "/admin/", "首页"),
        ("supervisor", "/admin/", "首页"),
    ],
)
def test_the_duty_pages_lead_back_to_where_each_person_starts(login, night, who, href, label):
    c = login(getattr(night, who), lang="zh-CN")
    for url in ("/duty/", "/duty/rota/", f"/duty/shift/{night.shift.id}"):
        page = c.get(url).get_data(as_text=True)
        back = re.search(r'<a [^>]*id="way-home"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
        assert back and back.group(1) == href and label in back.group(2), (url, back)


def brand(page: str) -> str:
    return re.search(r'class="navbar-brand[^"]*"[^>]*>(.*?)</a>', page, re.S).group(1).strip()


def test_each_duty_page_is_titled_for_what_it_is(login, night):
    c = login(night.supervisor, lang="zh-CN")
    assert brand(c.get("/duty/rota/").get_data(as_text=True)) == "值班表"
    assert brand(c.get(f"/duty/shift/{night.shift.id}").get_data(as_text=True)) == "值班记录簿"
    assert brand(c.get("/duty/").get_data(as_text=True)) == "我的值班"


def test_the_rota_flags_the_hours_nobody_holds_the_duty_phone(login, factories, night):
    # Monday 08:00-20:00 someone is on duty but without the phone; the next night has it.
    factories.duty_shift(night.world.a, night.day_guard, starts_in_hours=5, hours=12)
    factories.duty_shift(night.world.a, night.guard, starts_in_hours=17, holds_phone=True)
    page = login(night.supervisor, lang="zh-CN").get("/duty/rota/?start=2026-12-08")
    gaps = re.findall(r'class="phone-gap">(.*?)</div>', page.get_data(as_text=True))
    assert gaps == ["12-08 08:00–20:00 无人持值班电话", "12-09 08:00–12-15 00:00 无人持值班电话"]
    # A week gone by is nothing to fix: no flag.
    past = login(night.supervisor).get("/duty/rota/?start=2026-11-30").get_data(as_text=True)
    assert "phone-gap" not in past
