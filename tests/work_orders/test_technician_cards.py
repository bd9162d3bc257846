"""The technician's order cards (/tech/) read at a glance: when he must be there (the date when
it is not today), how late he is once it has passed, the late emergency on top, and the
order's next step as the first button (handing back last)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Trade, WorkOrder, WorkOrderStatus

S = WorkOrderStatus
# Six in the morning after an evening emergency: 7 hours since its 15 minutes ran out.
NOW = datetime(2025, 12, 6, 1, 47, tzinfo=ZoneInfo("Asia/Shanghai"))
LOCAL_NOW = NOW.replace(tzinfo=None)
WORDS = {
    "zh-CN": {
        "arrive_by": "须到场时间 12月5日 18:47",
        "overdue": "已逾期 7小时",
        "soon": "须到场时间 01:57",
        "appointment": "预约时间 12月8日 09:30",
    },
    "en": {
        "arrive_by": "Arrive by Dec 5 18:47",
        "overdue": "Overdue by 7 hours",
        "soon": "Arrive by 01:57",
        "appointment": "Appointment Dec 8 09:30",
    },
}


@pytest.fixture
def office(factories, time_machine):
    time_machine.move_to(NOW, tick=False)
    estate = factories.estate(code="HY", name="华苑小区")
    tech = factories.staff(
        Role.technician, estates=[estate], trades=[Trade.plumbing], username="plumber"
    )

    def order(status=S.dispatched, **fields):
        return factories.work_order(
            estate, trade=Trade.plumbing, status=status, technician_id=tech.id, **fields
        )

    return tech, order


def card(page: str, order_id: int) -> str:
    """The card's text as read: tags out, spaces as one."""
    start = page.index(f'id="order-{order_id}"')
    end = page.find('class="card mb-3 order-card', start)
    text = re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None].split(">", 1)[1])
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def buttons(page: str, order_id: int) -> list[tuple[str, str]]:
    """The card's step buttons, top to bottom: (step, style)."""
    found = re.findall(rf'<a class="btn btn-([\w-]+) [^"]*" id="action-(\w+)-{order_id}"', page)
    return [(name, style) for style, name in found]


def order_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'order-card[^"]*" id="order-(\d+)"', page)]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_late_emergency_says_how_late_with_its_date(login, office, lang):
    tech, order = office
    words = WORDS[lang]
    late = order(is_emergency=True, arrive_by=datetime(2025, 12, 5, 18, 47))
    soon = order(is_emergency=True, arrive_by=LOCAL_NOW + timedelta(minutes=10))
    booked = order(appointment_at=datetime(2025, 12, 8, 9, 30))
    page = login(tech, lang=lang).get("/tech/").get_data(as_text=True)

    text = card(page, late.id)
    assert words["arrive_by"] in text and words["overdue"] in text
    assert f'id="overdue-{late.id}"' in page and "badge-danger" in page
    # In time: the time only (it is today), and no label.
    assert words["soon"] in card(page, soon.id)
    assert f'id="overdue-{soon.id}"' not in page
    assert words["appointment"] in card(page, booked.id)  # another day: with its date
    assert f'id="overdue-{booked.id}"' not in page


def test_a_missed_appointment_and_a_missed_next_visit_are_late_too(login, office):
    tech, order = office
    missed = order(appointment_at=LOCAL_NOW - timedelta(minutes=90))
    next_visit = LOCAL_NOW - timedelta(minutes=20)
    back = order(status=S.next_visit, appointment_at=next_visit, next_visit_at=next_visit)
    there = order(status=S.in_progress, appointment_at=LOCAL_NOW - timedelta(hours=3))
    page = login(tech).get("/tech/").get_data(as_text=True)
    # Ninety minutes, not "2 hours": rounded to hours only from two hours on.
    assert "Overdue by 90 minutes" in card(page, missed.id)
    assert "Overdue by 20 minutes" in card(page, back.id)
    assert "Overdue" not in card(page, there.id)  # he is at the door: late no more


def test_the_late_emergency_comes_first(login, office):
    tech, order = office
    booked = order(appointment_at=LOCAL_NOW - timedelta(hours=9))
    # An emergency he reached this evening, its 15 minutes long past ...
    in_hand = order(
        status=S.in_progress, is_emergency=True, arrive_by=LOCAL_NOW - timedelta(hours=8)
    )
    # ... and one he has not reached: on top, late or not.
    coming = order(is_emergency=True, arrive_by=LOCAL_NOW + timedelta(minutes=12))
    late = order(is_emergency=True, arrive_by=LOCAL_NOW - timedelta(hours=7))
    page = login(tech).get("/tech/").get_data(as_text=True)
    assert order_ids(page) == [late.id, coming.id, in_hand.id, booked.id]


@pytest.mark.parametrize(
    ("status", "first", "last"),
    [
        (S.dispatched, ("arrive", "primary"), ("hand_back", "outline-secondary")),
        (S.arrived, ("quote", "primary"), ("quote", "primary")),
        (S.quoted, ("accept_quote", "success"), ("decline_quote", "outline-warning")),
        (S.in_progress, ("finish", "success"), ("book_next_visit", "outline-primary")),
        (S.done, ("close", "success"), ("rework", "outline-warning")),
    ],
)
def test_the_next_step_is_the_first_button(login, office, status, first, last):
    tech, order = office
    card_of = order(status=status, appointment_at=LOCAL_NOW + timedelta(hours=1))
    shown = buttons(login(tech).get("/tech/").get_data(as_text=True), card_of.id)
    # Above it only the damage note, which most visits do not need (see the test below).
    below_the_damage_note = [b for b in shown if b[0] != "record_damage"]
    assert below_the_damage_note[0] == first and below_the_damage_note[-1] == last
    filled = [style for _, style in shown if not style.startswith("outline-")]
    assert filled == [first[1]]  # one button stands out: the next step
    if status is S.dispatched:
        assert [name for name, _ in shown] == ["arrive", "pass_on", "hand_back"]


def test_damage_found_at_the_door_comes_above_the_quote_which_stays_the_step_to_take(login, office):
    tech, order = office
    arrived = order(status=S.arrived, arrived_at=LOCAL_NOW)
    shown = buttons(login(tech).get("/tech/").get_data(as_text=True), arrived.id)
    names = [name for name, _ in shown]
    assert names.index("record_damage") < names.index("quote")
    # Most visits find no damage: the quote is still the one button filled in.
    assert [b for b in shown if not b[1].startswith("outline-")] == [("quote", "primary")]


def test_damage_forgotten_before_the_quote_is_written_while_the_resident_decides(
    login, office, in_app
):
    """Noted before the service and shown to the resident [002 篇2 第十三條]: after the quote,
    until the resident says yes; never once the work has begun."""
    tech, order = office
    quoted = order(status=S.quoted, arrived_at=LOCAL_NOW, quote_labour=Decimal("30"))
    working = order(status=S.in_progress, arrived_at=LOCAL_NOW, quote_accepted=True)
    phone = login(tech)
    page = phone.get("/tech/").get_data(as_text=True)
    names = [name for name, _ in buttons(page, quoted.id)]
    assert names.index("record_damage") < names.index("accept_quote")
    assert "record_damage" not in [name for name, _ in buttons(page, working.id)]

    damage = "卫生间地砖已有裂纹"
    sent = phone.post(f"/tech/act/record_damage/{quoted.id}", {"damage": damage})
    assert sent.status_code == 302
    accept = phone.get(f"/tech/act/accept_quote/{quoted.id}").get_data(as_text=True)
    assert damage in accept  # the resident sees it before saying yes
    phone.post(f"/tech/act/record_damage/{working.id}", {"damage": "后补"})
    with in_app():
        assert db.session.get(WorkOrder, quoted.id).arrival_damage == damage
        assert db.session.get(WorkOrder, quoted.id).status is S.quoted
        assert db.session.get(WorkOrder, working.id).arrival_damage is None


def test_an_order_he_has_reached_late_shows_no_arrival_deadline(login, office):
    """Once he is there the 15 minutes are history: no red "arrive by", no "overdue"."""
    tech, order = office
    reached_late = order(
        status=S.in_progress,
        is_emergency=True,
        arrive_by=LOCAL_NOW - timedelta(hours=8),
        arrived_at=LOCAL_NOW - timedelta(hours=7),
    )
    quoted_late = order(
        status=S.quoted,
        appointment_at=LOCAL_NOW - timedelta(hours=3),
        arrived_at=LOCAL_NOW - timedelta(hours=2),
    )
    still_to_come = order(is_emergency=True, arrive_by=LOCAL_NOW - timedelta(hours=7))
    # Back for a booked visit: the visit's time is the deadline, not the old 15 minutes.
    next_visit = LOCAL_NOW + timedelta(hours=5)
    back = order(
        status=S.next_visit,
        is_emergency=True,
        arrive_by=LOCAL_NOW - timedelta(days=1),
        arrived_at=LOCAL_NOW - timedelta(days=1),
        appointment_at=next_visit,
        next_visit_at=next_visit,
    )
    page = login(tech).get("/tech/").get_data(as_text=True)
    for reached in (reached_late, quoted_late):
        text = card(page, reached.id)
        assert "Arrive by" not in text and "Overdue" not in text and "Appointment" not in text
        assert f'id="deadline-{reached.id}"' not in page
    text = card(page, still_to_come.id)
    assert "Arrive by" in text and "Overdue by 7 hours" in text
    text = card(page, back.id)
    assert "Arrive by" not in text and "Overdue" not in text
    assert f"Next visit {next_visit:%H:%M}" in text


@pytest.mark.parametrize(
    ("lang", "emergency", "next_visit"),
    [
        ("zh-CN", "紧急", "下次上门时间 12月8日 09:30"),
        ("en", "Emergency", "Next visit Dec 8 09:30"),
    ],
)
def test_a_card_says_emergency_where_in_the_flat_and_the_visit_to_keep(
    login, office, factories, lang, emergency, next_visit
):
    """Not a red border alone: the word. The spot the desk wrote down beside the flat. A
    booked next visit shows that visit, not the first appointment long past."""
    tech, order = office
    unit = factories.unit(tech.estates[0], building="1", entrance="1", room="801")
    leak = order(is_emergency=True, unit_id=unit.id, location="厨房水槽下")
    again = order(
        status=S.next_visit,
        appointment_at=datetime(2025, 12, 4, 9, 0),
        next_visit_at=datetime(2025, 12, 8, 9, 30),
    )
    page = login(tech, lang=lang).get("/tech/").get_data(as_text=True)
    text = card(page, leak.id)
    assert text.split(" ")[1] == emergency and "厨房水槽下" in text, text
    assert ("1栋1单元801室 · 厨房水槽下" if lang == "zh-CN" else " · 厨房水槽下") in text
    assert next_visit in card(page, again.id)
    assert "12月4日" not in card(page, again.id) and "Dec 4" not in card(page, again.id)


def test_after_a_step_he_is_back_at_his_card(login, office):
    tech, order = office
    dispatched = order()
    c = login(tech)
    page = c.get(f"/tech/act/arrive/{dispatched.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen"[^>]*value="([^"]*)"', page)
    data = {"csrf_token": token, **({"seen": seen.group(1)} if seen else {})}
    done = c.post(f"/tech/act/arrive/{dispatched.id}", data, csrf=False)
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    assert done.headers["Location"].endswith(f"/tech/#order-{dispatched.id}")
