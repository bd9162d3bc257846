"""The duty pages as people use them: the guard's phone page (log a line, hand over, the next
person acknowledges), asking for a swap, the supervisor's rota, estate isolation, CSRF, and
"on duty now" on the dashboard."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import DutyHoliday, DutyLogEntry, DutyShift, DutySwap, Role, SwapStatus

from ..conftest import page_messages
from ..reminders_support import office_time


@pytest.fixture
def office(factories):
    world = factories.two_estates()
    return SimpleNamespace(
        world=world,
        supervisor=factories.staff(Role.supervisor, estates=[world.a], name="李主管"),
        guard=factories.staff(Role.guard, estates=[world.a], name="夜班保安"),
        guard2=factories.staff(Role.guard, estates=[world.a], name="早班保安"),
        guard_b=factories.staff(Role.guard, estates=[world.b], name="乙保安"),
    )


def count(in_app, model, **where):
    with in_app():
        return db.session.query(model).filter_by(**where).count()


def test_guard_logs_a_line_and_hands_over_on_the_phone_page(login, in_app, factories, office):
    night = factories.duty_shift(
        office.world.a, office.guard, starts_in_hours=-11, holds_phone=True
    )
    factories.duty_shift(office.world.a, office.guard2, starts_in_hours=1)
    ticket = factories.ticket(office.world.a, received_at=night.starts_at + timedelta(hours=2))
    c = login(office.guard)
    page = c.get("/duty/").get_data(as_text=True)
    assert "Holds the duty phone" in page and ticket.number in page
    assert 'href="/admin/ticket/' not in page  # a guard reads tickets by number only
    c.post(f"/duty/shift/{night.id}/entry", {"text": "<b>巡逻</b> 3号楼门未关"})
    page = c.get("/duty/").get_data(as_text=True)
    assert "&lt;b&gt;巡逻&lt;/b&gt; 3号楼门未关" in page
    c.post(f"/duty/shift/{night.id}/hand-over", {"note": "门已报修"})
    assert count(in_app, DutyShift, id=night.id, handover_note="门已报修") == 1
    # The day guard opens his page, reads the note, takes over in one tap.
    d = login(office.guard2)
    with in_app():
        shift = db.session.get(DutyShift, night.id)
        shift.starts_at -= timedelta(hours=2)  # the day shift starts now
        shift.ends_at -= timedelta(hours=2)
        db.session.commit()
    home = d.get(f"/duty/shift/{night.id}").get_data(as_text=True)
    assert "门已报修" in home and "Read: I take over" in home
    d.post(f"/duty/shift/{night.id}/acknowledge")
    with in_app():
        assert db.session.get(DutyShift, night.id).acknowledged_by_id == office.guard2.id


def test_bad_input_is_said_and_nothing_is_written(login, in_app, factories, office):
    night = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1)
    c = login(office.guard)
    answer = c.post(f"/duty/shift/{night.id}/entry", {"text": ""}, follow_redirects=True)
    assert answer.status_code == 200 and "This field is required." in answer.get_data(as_text=True)
    answer = c.post(
        f"/duty/shift/{night.id}/entry", {"text": "x", "at": "25:99"}, follow_redirects=True
    )
    assert answer.status_code == 200
    early = (night.starts_at - timedelta(hours=1)).strftime("%H:%M")
    answer = c.post(
        f"/duty/shift/{night.id}/entry", {"text": "x", "at": early}, follow_redirects=True
    )
    assert "within the shift" in answer.get_data(as_text=True)
    assert c.post(f"/duty/shift/{night.id}/entry", {"text": "x"}, csrf=False).status_code == 400
    assert count(in_app, DutyLogEntry) == 0


@pytest.mark.parametrize("page", ["/duty/", "shift"])
def test_a_refused_log_line_keeps_what_was_typed(login, factories, office, page):
    night = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1)
    # His own shift now: typed on his duty page; someone else's: on the shift's page.
    who = office.guard if page == "/duty/" else office.supervisor
    early = (night.starts_at - timedelta(hours=1)).strftime("%H:%M")
    typed = "3号楼东门锁坏，已通知工程部"
    answer = login(who).post(f"/duty/shift/{night.id}/entry", {"text": typed, "at": early})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "within the shift" in text
    assert typed in text and f'value="{early}"' in text


def test_another_estates_shift_does_not_exist(login, in_app, factories, office):
    theirs = factories.duty_shift(office.world.b, office.guard_b, starts_in_hours=-1)
    c = login(office.guard)
    assert c.get(f"/duty/shift/{theirs.id}").status_code == 404
    assert c.post(f"/duty/shift/{theirs.id}/entry", {"text": "x"}).status_code == 404
    assert c.post(f"/duty/shift/{theirs.id}/hand-over", {"note": "x"}).status_code == 404
    assert c.get(f"/duty/rota/?estate={office.world.b.id}").status_code == 404
    s = login(office.supervisor)
    assert s.post(f"/duty/shift/{theirs.id}/remove").status_code == 404
    assert count(in_app, DutyLogEntry) == 0 and count(in_app, DutyShift) == 1


def test_a_swap_offers_the_same_work_first_and_never_the_administrators_account(
    login, factories, office
):
    """A guard's night goes to a guard before the desk; the system administrator's account is
    nobody at the phone and is not offered (nor put on the rota)."""
    coming = factories.duty_shift(office.world.a, office.guard, starts_in_hours=30)
    factories.staff(Role.admin, estates=[office.world.a], name="系统管理员")
    factories.staff(Role.receptionist, estates=[office.world.a], name="安前台")
    form = login(office.guard, lang="zh-CN").get(f"/duty/shift/{coming.id}/swap")
    offered = re.findall(
        r'<option[^>]*value="\d+"[^>]*>([^<]+)</option>', form.get_data(as_text=True)
    )
    assert offered[0] == "早班保安 (门岗)" and "系统管理员" not in " ".join(offered), offered
    assert any(o.startswith("安前台") for o in offered)
    rota = login(office.supervisor).get(f"/duty/rota/?estate={office.world.a.id}")
    assert "系统管理员" not in rota.get_data(as_text=True)


def test_swap_asked_on_the_phone_decided_on_the_rota(login, in_app, factories, office):
    coming = factories.duty_shift(office.world.a, office.guard, starts_in_hours=30)
    c = login(office.guard)
    form = c.get(f"/duty/shift/{coming.id}/swap").get_data(as_text=True)
    assert "早班保安" in form and "乙保安" not in form
    c.post(f"/duty/shift/{coming.id}/swap", {"colleague": office.guard2.id, "reason": "家里有事"})
    with in_app():
        swap = db.session.query(DutySwap).one()
        swap_id = swap.id
    # A guard cannot decide it; the page says why and nothing changes.
    refused = c.post(f"/duty/swap/{swap_id}/approve", follow_redirects=True)
    assert "Your role may not do this." in refused.get_data(as_text=True)
    s = login(office.supervisor)
    rota = s.get(f"/duty/rota/?start={coming.starts_at.date().isoformat()}")
    assert "家里有事" in rota.get_data(as_text=True)
    s.post(f"/duty/swap/{swap_id}/approve")
    with in_app():
        assert db.session.get(DutySwap, swap_id).status is SwapStatus.approved
        assert db.session.get(DutyShift, coming.id).staff_id == office.guard2.id
    # The colleague's inbox links to the swap's page.
    inbox = login(office.guard2).get("/admin/inbox/").get_data(as_text=True)
    assert "Duty swap request" in inbox


def test_supervisor_plans_shifts_and_holidays_on_the_rota(login, in_app, office):
    s = login(office.supervisor)
    start = (clock.now() + timedelta(days=1)).replace(hour=20, minute=0, second=0, microsecond=0)
    s.post(
        "/duty/rota/shift",
        {
            "estate": office.world.a.id,
            "staff": office.guard.id,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
            "holds_phone": "y",
        },
    )
    assert count(in_app, DutyShift, staff_id=office.guard.id, holds_phone=True) == 1
    day = start.date().isoformat()
    s.post(
        "/duty/rota/holiday",
        {"estate": office.world.a.id, "name": "元旦", "starts_on": day, "ends_on": day},
    )
    with in_app():
        holiday = db.session.query(DutyHoliday).one()
        assert holiday.rota_fixed_at is not None  # the shift covers it
    page = s.get(f"/duty/rota/?start={day}").get_data(as_text=True)
    assert "夜班保安" in page and "元旦" in page and "duty fixed" in page
    # A guard reads the rota, without the planning forms, and may not plan.
    g = login(office.guard)
    assert 'id="shift-form"' not in g.get("/duty/rota/").get_data(as_text=True)
    g.post(
        "/duty/rota/shift",
        {
            "estate": office.world.a.id,
            "staff": office.guard2.id,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert count(in_app, DutyShift) == 1


def test_dashboard_shows_who_is_on_duty_now_and_the_phone_holder(login, factories, office):
    factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1, holds_phone=True)
    factories.duty_shift(office.world.b, office.guard_b, starts_in_hours=-1, holds_phone=True)
    page = login(office.supervisor).get("/admin/").get_data(as_text=True)
    assert 'id="on-duty-now"' in page and "夜班保安" in page and "乙保安" not in page


def test_chinese_phone_page(login, factories, office):
    factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1, holds_phone=True)
    page = login(office.guard, lang="zh-CN").get("/duty/").get_data(as_text=True)
    assert "值班记录" in page and "交班" in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/duty/rota/?start=0001-01-01", None),
        ("/duty/rota/?start=9999-12-31", None),
        ("/duty/rota/?start=nonsense&estate=x", None),
        ("/duty/rota/holiday", {"name": "远", "starts_on": "9999-12-30", "ends_on": "9999-12-31"}),
        (
            "/duty/rota/shift",
            {"staff": "1", "starts_at": "9999-12-31T01:00", "ends_at": "9999-12-31T09:00"},
        ),
        ("/duty/rota/shift", {"staff": "x", "starts_at": "soon", "ends_at": ""}),
    ],
)
def test_odd_input_never_fails_the_server(login, office, url, data):
    c = login(office.supervisor)
    if data is None:
        response = c.get(url)
    else:
        response = c.post(url, {"estate": office.world.a.id, **data}, follow_redirects=True)
    assert response.status_code in (200, 404)


def test_inbox_links_of_shifts_swaps_and_holidays_open_their_pages(login, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=30)
    c = login(office.supervisor)
    start = (clock.today() + timedelta(days=5)).isoformat()
    c.post(
        "/duty/rota/holiday",
        {"estate": office.world.a.id, "name": "元旦", "starts_on": start, "ends_on": start},
    )
    g = login(office.guard)
    g.post(f"/duty/shift/{shift.id}/swap", {"colleague": office.guard2.id, "reason": "有事"})
    holiday = c.get("/duty/holidays/?id=1")
    assert holiday.status_code == 302 and f"start={start}" in holiday.headers["Location"]
    assert c.get(f"/duty/shifts/?id={shift.id}").status_code == 302
    assert "有事" in c.get("/duty/swaps/?id=1").get_data(as_text=True)
    # The supervisor's inbox says whose swap of which shift, not "#1".
    inbox = c.get("/admin/inbox/").get_data(as_text=True)
    assert f"夜班保安 → 早班保安 {shift.starts_at:%m-%d %H:%M}" in inbox
    # Another estate's guard finds none of them.
    other = login(office.guard_b)
    for url in ("/duty/holidays/?id=1", f"/duty/shifts/?id={shift.id}", "/duty/swaps/?id=1"):
        assert other.get(url).status_code == 404


def test_duty_history_reads_in_words_in_the_audit_list(login, in_app, factories, office):
    director = factories.staff(Role.director, estates=[office.world.a])
    start = (clock.now() + timedelta(days=1)).replace(hour=20, minute=0, second=0, microsecond=0)
    login(office.supervisor).post(
        "/duty/rota/shift",
        {
            "estate": office.world.a.id,
            "staff": office.guard.id,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
            "holds_phone": "y",
        },
    )
    page = login(director, lang="zh-CN").get("/admin/audit_record/").get_data(as_text=True)
    assert "持值班电话" in page and "值班班次" in page
    assert "holds_phone" not in page and "starts_at" not in page and "None" not in page


# ---- the rota reads like a paper roster: a shift under the day it starts -----------------------
MONDAY = office_time(2026, 12, 7, 14, 0)


def shift_at(factories, office, start: datetime, hours: float = 12, who=None):
    now = clock.now()
    return factories.duty_shift(
        office.world.a,
        who or office.guard,
        starts_in_hours=(start - now).total_seconds() / 3600,
        hours=hours,
    )


def rota_days(page: str) -> dict[str, list[int]]:
    """The rota's days as listed (yyyy-mm-dd) and the shifts under each."""
    rows = re.findall(r'data-day="([\d-]+)">(.*?)</li>', page, re.S)
    return {day: [int(i) for i in re.findall(r'id="shift-(\d+)"', row)] for day, row in rows}


def test_a_night_shift_is_listed_under_the_day_it_starts(login, factories, office, time_machine):
    """Monday's night, 20:00 to Tuesday 08:00: Monday's, not Tuesday's (周一夜班)."""
    time_machine.move_to(MONDAY, tick=False)
    day = shift_at(factories, office, datetime(2026, 12, 7, 8), who=office.guard2)
    night = shift_at(factories, office, datetime(2026, 12, 7, 20))
    tuesday = shift_at(factories, office, datetime(2026, 12, 8, 8), who=office.guard2)
    s = login(office.supervisor)
    week = rota_days(s.get("/duty/rota/?start=2026-12-07").get_data(as_text=True))
    assert week["2026-12-07"] == [day.id, night.id]
    assert week["2026-12-08"] == [tuesday.id]
    # Tuesday at 03:00 the rota opens on Tuesday: the night still running is under Monday,
    # shown before the week, not under Tuesday.
    time_machine.move_to(office_time(2026, 12, 8, 3, 0), tick=False)
    page = login(office.supervisor).get("/duty/rota/").get_data(as_text=True)
    week = rota_days(page)
    assert list(week)[:2] == ["2026-12-07", "2026-12-08"]
    assert week["2026-12-07"] == [night.id] and week["2026-12-08"] == [tuesday.id]
    assert "started the day before, still on duty on 12-08" in page
    assert "12-08 – 12-14" in page


def test_a_night_across_the_week_boundary_stays_in_its_week(login, factories, office, time_machine):
    """Sunday's night, 20:00 to Monday 08:00: the last of its week, not the next week's first."""
    time_machine.move_to(MONDAY, tick=False)
    sunday = shift_at(factories, office, datetime(2026, 12, 13, 20))
    monday = shift_at(factories, office, datetime(2026, 12, 14, 8), who=office.guard2)
    s = login(office.supervisor, lang="zh-CN")
    week = rota_days(s.get("/duty/rota/?start=2026-12-07").get_data(as_text=True))
    assert list(week)[-1] == "2026-12-13" and week["2026-12-13"] == [sunday.id]
    page = s.get("/duty/rota/?start=2026-12-14").get_data(as_text=True)
    following = rota_days(page)
    assert following["2026-12-14"] == [monday.id]
    assert following["2026-12-13"] == [sunday.id] and "前一天开始，延续至 12-14" in page


# ---- a swap that would keep someone on duty over 24 hours on end -------------------------------
SUNDAY = office_time(2026, 12, 6, 10, 0)
SAID = {
    "en": "After the swap 早班保安 would be on duty from Dec 7 08:00 to Dec 8 20:00 (36 hours) "
    "with less than 8 hours' rest between shifts: at most 24 hours on end.",
    "zh-CN": "换班后 早班保安 将从 12月7日 08:00 连续值班至 12月8日 20:00（36小时），"
    "班次之间休息不足 8 小时：连续值班最多 24 小时。",
}


@pytest.mark.parametrize("lang", SAID)
def test_the_swap_form_says_who_would_be_on_duty_from_when_to_when(
    login, in_app, factories, office, time_machine, lang
):
    time_machine.move_to(SUNDAY, tick=False)
    night = shift_at(factories, office, datetime(2026, 12, 7, 20))
    for day in (7, 8):
        shift_at(factories, office, datetime(2026, 12, day, 8), who=office.guard2)
    c = login(office.guard, lang=lang)
    typed = {"colleague": office.guard2.id, "reason": "家里有事"}
    answer = c.post(f"/duty/shift/{night.id}/swap", typed)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and SAID[lang] in [
        html.unescape(m) for m in page_messages(page)
    ]
    assert "家里有事" in page  # the form as typed
    assert count(in_app, DutySwap) == 0


@pytest.mark.parametrize("lang", SAID)
def test_the_supervisor_is_told_why_the_swap_cannot_be_approved(
    login, in_app, factories, office, time_machine, lang
):
    time_machine.move_to(SUNDAY, tick=False)
    night = shift_at(factories, office, datetime(2026, 12, 7, 20))
    login(office.guard).post(
        f"/duty/shift/{night.id}/swap", {"colleague": office.guard2.id, "reason": "家里有事"}
    )
    for day in (7, 8):  # planned for him since he was asked
        shift_at(factories, office, datetime(2026, 12, day, 8), who=office.guard2)
    with in_app():
        swap_id = db.session.query(DutySwap.id).scalar()
    s = login(office.supervisor, lang=lang)
    page = s.post(f"/duty/swap/{swap_id}/approve", follow_redirects=True).get_data(as_text=True)
    assert SAID[lang] in [html.unescape(m) for m in page_messages(page)]
    with in_app():
        assert db.session.get(DutySwap, swap_id).status is SwapStatus.requested
        assert db.session.get(DutyShift, night.id).staff_id == office.guard.id


def test_a_coming_shift_says_in_words_that_he_holds_the_duty_phone(login, factories, office):
    factories.duty_shift(office.world.a, office.guard, starts_in_hours=30, holds_phone=True)
    page = login(office.guard, lang="zh-CN").get("/duty/").get_data(as_text=True)
    assert "☎ 值班电话" in page  # not a bare ☎ beside the estate's name
