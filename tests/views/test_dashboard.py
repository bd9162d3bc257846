"""The home page's queues: the right counts for the user's estates, and links that open the
list filtered to exactly those records."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.models import Role, TicketCategory, TicketStatus, WorkOrderStatus

T, S = TicketStatus, WorkOrderStatus
NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def office(factories):
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    hour = timedelta(hours=1)
    w.expected = {
        "overdue_callbacks": [
            factories.ticket(
                w.a,
                category=TicketCategory.inquiry,
                status=T.in_progress,
                callback_due_at=NOW - hour,
            ).id
        ],
        "overdue_complaints": [
            factories.ticket(
                w.a,
                category=TicketCategory.complaint,
                status=T.in_progress,
                complaint_due_at=NOW - hour,
            ).id
        ],
        "late_arrivals": [
            factories.work_order(w.a, status=S.dispatched, appointment_at=NOW - hour).id
        ],
        "emergencies": [factories.work_order(w.a, status=S.arrived, is_emergency=True).id],
        "revisits_due": [factories.work_order(w.a, status=S.closed, revisit_due_at=NOW + hour).id],
    }
    # Not due, or fixed, or someone else's:
    factories.ticket(
        w.a, category=TicketCategory.inquiry, status=T.in_progress, callback_due_at=NOW + hour
    )
    factories.ticket(
        w.a, category=TicketCategory.inquiry, status=T.closed, callback_due_at=NOW - hour
    )
    factories.ticket(
        w.b, category=TicketCategory.inquiry, status=T.in_progress, callback_due_at=NOW - hour
    )
    factories.work_order(w.a, status=S.closed, revisit_due_at=NOW + timedelta(days=1, hours=2))
    factories.work_order(w.b, status=S.arrived, is_emergency=True)
    return w


def test_queue_counts_and_links(office, login):
    with time_machine.travel(NOW.replace(tzinfo=clock.office_zone()), tick=False):
        c = login(office.supervisor)
        home = c.get("/admin/").get_data(as_text=True)
        for name, ids in office.expected.items():
            card = re.search(rf'id="queue-{name}".*?queue-count[^>]*>(\d+)', home, re.S)
            assert card and int(card.group(1)) == len(ids), name
            resource = "ticket" if "callback" in name or "complaint" in name else "work_order"
            listing = c.get(f"/admin/{resource}/?flt0_queue={name}").get_data(as_text=True)
            shown = {int(i) for i in re.findall(r"details/\?id=(\d+)&", listing)}
            assert shown == set(ids), name


def test_each_role_sees_only_its_queues(office, login, factories):
    guard = factories.staff(Role.guard, estates=[office.a])
    home = login(guard).get("/admin/").get_data(as_text=True)
    assert 'id="queue-' not in home
    tech_home = login(factories.staff(Role.technician, estates=[office.a])).get("/admin/")
    assert 'id="queue-overdue_callbacks"' not in tech_home.get_data(as_text=True)


def test_unknown_queue_shows_nothing(office, login):
    listing = (
        login(office.supervisor).get("/admin/ticket/?flt0_queue=nonsense").get_data(as_text=True)
    )
    assert "details/?id=" not in listing


def test_open_complaints_card_lists_the_nearest_deadline_first_and_the_unclassified_last(
    factories, login
):
    w = factories.two_estates()
    supervisor = factories.staff(Role.supervisor, estates=[w.a])

    def complaint(due):
        return factories.ticket(
            w.a, category=TicketCategory.complaint, status=T.open, complaint_due_at=due
        ).id

    no_deadline_yet = complaint(None)
    later, sooner = complaint(NOW + timedelta(days=2)), complaint(NOW + timedelta(hours=3))
    with time_machine.travel(NOW.replace(tzinfo=clock.office_zone()), tick=False):
        home = login(supervisor).get("/admin/").get_data(as_text=True)
    card = re.search(r'id="queue-open_complaints".*?</ul>', home, re.S).group(0)
    listed = [int(i) for i in re.findall(r"details/\?id=(\d+)", card)]
    assert listed == [sooner, later, no_deadline_yet]


@pytest.mark.parametrize(("complaints", "more"), [(5, None), (6, 1), (9, 4)])
def test_a_card_lists_what_it_counts_or_says_how_many_more(factories, login, complaints, more):
    w = factories.two_estates()
    supervisor = factories.staff(Role.supervisor, estates=[w.a])
    for _ in range(complaints):
        factories.ticket(w.a, category=TicketCategory.complaint, status=T.open)
    home = login(supervisor).get("/admin/").get_data(as_text=True)
    card = re.search(r'id="queue-open_complaints".*?</ul>', home, re.S).group(0)
    assert re.search(r"queue-count[^>]*>(\d+)", card).group(1) == str(complaints)
    assert len(re.findall(r"details/\?id=(\d+)", card)) == min(complaints, 5)
    shown_more = re.search(r'class="queue-more"><a href="([^"]+)">and (\d+) more</a>', card)
    if more is None:
        assert shown_more is None
    else:
        assert shown_more.group(2) == str(more)
        assert shown_more.group(1) == "/admin/ticket/?flt0_queue=open_complaints"


def test_the_director_sees_the_serious_complaints_he_answers_for(factories, login):
    """Classified serious, a complaint becomes the director's, 48 hours: his card lists his
    own, the nearest deadline first, red with 已逾期 once one is past it; not another
    director's, not a closed one; first among his cards. The front desk has no such card."""
    w = factories.two_estates()
    director = factories.staff(Role.director, all_estates=True, name="刘经理")
    other = factories.staff(Role.director, all_estates=True)
    desk = factories.staff(Role.receptionist, estates=[w.a])

    def serious(owner, due, status=T.in_progress):
        return factories.ticket(
            w.b,
            category=TicketCategory.complaint,
            status=status,
            owner_id=owner.id,
            complaint_due_at=due,
        ).id

    late = serious(director, NOW - timedelta(hours=2))
    reported = serious(director, NOW - timedelta(hours=1), status=T.resolved)  # in time
    soon = serious(director, NOW + timedelta(hours=20))
    serious(other, NOW - timedelta(hours=5))
    serious(director, NOW - timedelta(hours=9), status=T.closed)
    with time_machine.travel(NOW.replace(tzinfo=clock.office_zone()), tick=False):
        home = login(director, lang="zh-CN").get("/admin/").get_data(as_text=True)
        card = re.search(r'<div class="([^"]*)" id="queue-complaints_you_own".*?</ul>', home, re.S)
        assert "border-danger" in card.group(1)
        card = card.group(0)
        assert "您负责的投诉" in card
        assert re.search(r'id="queue-([a-z_]+)"', home).group(1) == "complaints_you_own"
        listed = [int(i) for i in re.findall(r"details/\?id=(\d+)", card)]
        assert listed == [late, reported, soon]
        assert card.count("已逾期") == 1  # the one reported back waits only for its revisit
        listing = login(director).get("/admin/ticket/?flt0_queue=complaints_you_own")
        shown = {int(i) for i in re.findall(r"details/\?id=(\d+)&", listing.get_data(True))}
        assert shown == {late, reported, soon}
    assert 'id="queue-complaints_you_own"' not in login(desk).get("/admin/").get_data(True)


def test_a_card_says_what_each_record_is_about(factories, login):
    """A number alone does not tell the desk which call it is: each line carries the first
    words of its description (one line, cut with an ellipsis, escaped), or a corrective
    action's task."""
    w = factories.two_estates()
    supervisor = factories.staff(Role.supervisor, estates=[w.a])
    long = factories.ticket(
        w.a,
        category=TicketCategory.complaint,
        status=T.open,
        description="楼上装修\n噪音太大，晚上十点以后还在电钻，已经连续三天了",
    )
    marked_up = factories.ticket(
        w.a, category=TicketCategory.complaint, status=T.open, description="<b>门锁</b>坏了"
    )
    factories.corrective_action(w.a)
    home = login(supervisor, lang="zh-CN").get("/admin/").get_data(as_text=True)
    card = re.search(r'id="queue-open_complaints".*?</ul>', home, re.S).group(0)
    lines = dict(
        re.findall(r'details/\?id=(\d+)">[^<]*</a>\s*<span class="queue-gist">([^<]*)<', card)
    )
    assert lines[str(long.id)] == "楼上装修 噪音太大，晚上十点以…"
    assert lines[str(marked_up.id)] == "&lt;b&gt;门锁&lt;/b&gt;坏了"
    actions = re.search(r'id="queue-unverified_actions".*?</ul>', home, re.S).group(0)
    assert '<span class="queue-gist">更换灯具</span>' in actions


def test_lists_with_nothing_waiting_sit_on_one_line_below_the_cards(office, login):
    """The first cards are work to do: a list with nothing in it is a name and a 0 on the
    "nothing waiting" line under them, still a link to its list; in zh and en."""
    with time_machine.travel(NOW.replace(tzinfo=clock.office_zone()), tick=False):
        home = login(office.supervisor, lang="zh-CN").get("/admin/").get_data(as_text=True)
        english = login(office.supervisor).get("/admin/").get_data(as_text=True)
    cards = re.search(r'id="queues">.*?id="queues-clear"', home, re.S).group(0)
    clear = re.search(r'<p[^>]*id="queues-clear">(.*?)</p>', home, re.S).group(1)
    counted = set(office.expected)
    in_cards = set(re.findall(r'class="card[^"]*queue-card[^"]*" id="queue-(\w+)"', cards))
    in_clear = set(re.findall(r'id="queue-(\w+)"', clear))
    assert counted <= in_cards and in_cards.isdisjoint(in_clear)
    card_counts = re.findall(r'class="queue-count h3[^"]*">(\d+)', cards)
    assert len(card_counts) == len(in_cards) and "0" not in card_counts
    assert in_clear, "the supervisor has lists with nothing in them (e.g. messages for him)"
    assert re.findall(r'class="queue-count">(\d+)<', clear) == ["0"] * len(in_clear)
    assert home.index('id="queues-clear"') > home.index('id="queues"')
    assert "暂无待办：" in clear
    name = next(iter(in_clear))
    link = re.search(rf'id="queue-{name}"><a href="([^"]+)">', clear).group(1)
    assert link.endswith(f"?flt0_queue={name}")
    assert "Nothing waiting:" in english and "暂无" not in english
