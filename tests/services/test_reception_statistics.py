"""The reception register's statistics on a fixed dataset, against numbers counted by hand."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from admin_app.extensions import db
from admin_app.models import Channel, Role, Ticket, TicketCategory, TicketStatus
from admin_app.models.statistics_rollup import result_time_month
from admin_app.services import statistics as stats
from admin_app.services.statistics import rollups

C, T, CH = TicketCategory, TicketStatus, Channel


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute)


@pytest.fixture
def data(factories):
    w = factories.two_estates()
    a, b = w.a, w.b
    # 1 inquiry answered at once: 10 minutes to the result
    factories.ticket(
        a,
        category=C.inquiry,
        channel=CH.phone,
        status=T.closed,
        received_at=at(11, 2, 9),
        resolved_at=at(11, 2, 9, 10),
        resident_informed_at=at(11, 2, 9, 10),
    )
    # 2 callback promised for 10:00, kept at 09:00: 1 hour
    factories.ticket(
        a,
        category=C.inquiry,
        channel=CH.phone,
        status=T.closed,
        received_at=at(11, 3, 8),
        callback_due_at=at(11, 3, 10),
        resolved_at=at(11, 3, 9),
        resident_informed_at=at(11, 3, 9),
    )
    # 3 callback promised for 10:00, made at 12:00 (late): 4 hours
    factories.ticket(
        a,
        category=C.inquiry,
        channel=CH.visit,
        status=T.closed,
        received_at=at(11, 4, 8),
        callback_due_at=at(11, 4, 10),
        resolved_at=at(11, 4, 12),
        resident_informed_at=at(11, 4, 12),
    )
    # 4 callback promised, not yet made
    factories.ticket(
        a,
        category=C.inquiry,
        channel=CH.online,
        status=T.in_progress,
        received_at=at(11, 5, 9),
        callback_due_at=at(11, 5, 10),
    )
    # 5 help handled at 02:00, recorded after the fact at 08:00: 6 hours from the event
    factories.ticket(
        a,
        category=C.help,
        channel=CH.visit,
        status=T.closed,
        received_at=at(11, 10, 8),
        occurred_at=at(11, 10, 2),
        after_the_fact=True,
        resolved_at=at(11, 10, 8),
    )
    # 6 complaint, being handled
    factories.ticket(
        a, category=C.complaint, channel=CH.phone, status=T.in_progress, received_at=at(11, 12, 9)
    )
    # 7 cancelled: logged by mistake, not counted
    factories.ticket(
        a, category=C.help, channel=CH.phone, status=T.cancelled, received_at=at(11, 13, 9)
    )
    # 8 October (same quarter): 2 hours
    factories.ticket(
        a,
        category=C.help,
        channel=CH.phone,
        status=T.closed,
        received_at=at(10, 20, 10),
        resolved_at=at(10, 20, 12),
    )
    # 9 August (the quarter before)
    factories.ticket(a, category=C.suggestion, channel=CH.letter, received_at=at(8, 5, 10))
    # 10 estate B: an inquiry answered at once
    factories.ticket(
        b,
        category=C.inquiry,
        channel=CH.phone,
        status=T.closed,
        received_at=at(11, 2, 9),
        resolved_at=at(11, 2, 9, 30),
        resident_informed_at=at(11, 2, 9, 30),
    )
    return w


NOVEMBER = "2026-11"


def test_the_month_of_one_estate(in_app, data):
    with in_app():
        report = stats.reception.report([data.a.id], stats.parse_period(NOVEMBER))
    s = report["summary"]
    assert (s["contacts"], s["inquiries"], s["at_once"], s["by_callback"]) == (6, 4, 1, 3)
    assert s["callbacks_kept"] == 1 and s["kept_rate"] == pytest.approx(1 / 3)
    assert s["after_the_fact"] == 1
    assert s["median_hours"] == pytest.approx(2.5)  # of 1/6, 1, 4 and 6 hours
    by_category = {
        r["category"]: dict(zip(report["channels"], r["channels"], strict=True))
        for r in report["by_category"]
    }
    assert by_category[C.inquiry][CH.phone] == 2
    assert by_category[C.inquiry][CH.visit] == by_category[C.inquiry][CH.online] == 1
    assert by_category[C.help][CH.visit] == 1 and by_category[C.help][CH.phone] == 0
    assert by_category[C.complaint][CH.phone] == 1 and sum(by_category[C.suggestion].values()) == 0
    assert [(r["month"], r["contacts"]) for r in report["per_month"]] == [(NOVEMBER, 6)]


def test_the_quarters_compared(in_app, data):
    with in_app():
        quarters = stats.reception.report([data.a.id], stats.parse_period(NOVEMBER))["quarters"]
    assert [q["quarter"] for q in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [q["contacts"] for q in quarters] == [0, 0, 1, 7]
    assert quarters[3]["median_hours"] == pytest.approx(2)  # of 1/6, 1, 2, 4 and 6 hours
    assert quarters[2]["median_hours"] is None


def test_per_estate_rows_and_the_estates_asked(in_app, data):
    with in_app():
        both = stats.reception.report([data.a.id, data.b.id], stats.parse_period(NOVEMBER))
        only_b = stats.reception.report([data.b.id], stats.parse_period(NOVEMBER))
    assert [(r["estate_id"], r["contacts"]) for r in both["per_month"]] == [
        (data.a.id, 6),
        (data.b.id, 1),
    ]
    assert both["summary"]["at_once"] == 2
    assert only_b["summary"]["contacts"] == 1 and only_b["summary"]["median_hours"] == 0.5
    # Each estate's month has its own median: a's of 1/6, 1, 4 and 6 hours, b's one ticket.
    assert [r["median_hours"] for r in both["per_month"]] == [pytest.approx(2.5), 0.5]


@pytest.mark.parametrize("text", [NOVEMBER, "2026", "2026-Q4", "2026-10"])
def test_the_kept_figures_equal_a_recount_from_the_tickets(in_app, data, text):
    """The page sums the counts kept with the tickets; counted again from the tickets, every
    figure is the same, for one estate or both."""
    with in_app():
        period = stats.parse_period(text)
        for estates in ([data.a.id, data.b.id], [data.a.id], [data.b.id]):
            kept = stats.reception.report(estates, period)
            assert kept == stats.reception.report(estates, period, recount=True)
            if data.a.id in estates:
                assert kept["summary"]["contacts"] and kept["summary"]["median_hours"]


def test_a_median_counts_times_to_the_precision_shown(in_app, factories):
    """Times are counted down to a tenth of an hour below ten hours, to the hour below a
    hundred: 7 and 11 minutes are both 0.1 h; 30 h 40 min is 30 h."""
    estate = factories.estate()
    for minutes in (7, 11, 30 * 60 + 40):
        factories.ticket(
            estate,
            category=C.help,
            status=T.closed,
            received_at=at(11, 2, 9),
            resolved_at=at(11, 2, 9) + timedelta(minutes=minutes),
        )
    with in_app():
        report = stats.reception.report([estate.id], stats.parse_period(NOVEMBER))
    assert report["summary"]["median_hours"] == pytest.approx(0.1)
    assert [r["median_hours"] for r in report["per_month"]] == [pytest.approx(0.1)]
    assert [q["median_hours"] for q in report["quarters"]][-1] == pytest.approx(0.1)
    with in_app():  # the times counted as one estate-month's distribution: 0.1, 0.1 and 30 h
        rows = db.session.execute(
            select(result_time_month.c.minutes, result_time_month.c.tickets).where(
                result_time_month.c.estate_id == estate.id
            )
        ).all()
    assert sorted(rows) == [(6, 2), (30 * 60, 1)]


def test_the_page_and_its_workbook(login, factories, data):
    supervisor = login(factories.staff(Role.supervisor, estates=[data.a]))
    overview = supervisor.get(f"/admin/statistics/?period={NOVEMBER}").get_data(as_text=True)
    assert "/admin/statistics/reception/" in overview
    page = supervisor.get(f"/admin/statistics/reception/?period={NOVEMBER}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Reception register statistics" in html
    assert "33.3%" in html and "2.5" in html  # callbacks on time, median hours
    assert supervisor.get(f"/admin/statistics/reception/?estate={data.b.id}").status_code == 404
    response = supervisor.get(f"/admin/statistics/reception.xlsx?period={NOVEMBER}")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "By category and channel",
        "Per estate and month",
        "Quarterly comparison",
    ]
    rows = list(book["Per estate and month"].values)
    assert rows[1][:4] == (NOVEMBER, "甲小区", 6, 4)
    desk = login(factories.staff(Role.receptionist, estates=[data.a]))
    assert desk.get("/admin/statistics/reception/").status_code in (302, 403)


def test_tickets_reopened_between_the_two_reads_leave_the_page_whole(
    login, factories, data, monkeypatch
):
    """Where the medians lie and the times there are two reads; tickets reopened in between
    leave a span short of its middle tickets: the page shows what it read, never an error."""
    real = stats.reception._KeptMedians.cell_times

    def reopened_meanwhile(self, middles):
        db.session.execute(
            update(Ticket).where(Ticket.estate_id == data.a.id).values(status=T.in_progress)
        )
        rollups.rebuild()  # as the flush would have moved the kept times
        return real(self, middles)

    monkeypatch.setattr(stats.reception._KeptMedians, "cell_times", reopened_meanwhile)
    supervisor = login(factories.staff(Role.supervisor, estates=[data.a]))
    page = supervisor.get(f"/admin/statistics/reception/?period={NOVEMBER}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reception register statistics" in html and "—" in html


def test_a_callback_made_at_the_promised_minute_is_kept(in_app, factories):
    estate = factories.estate()
    factories.ticket(
        estate,
        category=C.inquiry,
        status=T.closed,
        received_at=at(11, 3, 8),
        callback_due_at=at(11, 3, 10),
        resolved_at=at(11, 3, 10),
        resident_informed_at=at(11, 3, 10),
    )
    with in_app():
        period = stats.parse_period(NOVEMBER)
        kept = stats.reception.report([estate.id], period)
        assert kept == stats.reception.report([estate.id], period, recount=True)
    assert (kept["summary"]["by_callback"], kept["summary"]["callbacks_kept"]) == (1, 1)
