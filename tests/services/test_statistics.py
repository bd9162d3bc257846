"""Statistics on a fixed dataset, against numbers worked out by hand (see the comments)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from admin_app.models import (
    ComplaintCode,
    Role,
    Satisfaction,
    Severity,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    WorkOrderStatus,
)
from admin_app.services import statistics as stats

T, S = TicketStatus, WorkOrderStatus


def at(day: int, hour: int = 10, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0)


@pytest.fixture
def data(factories):
    w = factories.two_estates()
    complaint = dict(category=TicketCategory.complaint)
    # c1 valid ordinary, reported in time (due 10-06), revisited
    factories.ticket(
        w.a,
        **complaint,
        received_at=at(3),
        status=T.closed,
        severity=Severity.ordinary,
        validity=Validity.valid,
        complaint_code=ComplaintCode.fees,
        complaint_due_at=at(6),
        reported_back_at=at(5),
        revisited_at=at(7),
    )
    # c2 invalid, reported late (due 10-11), not revisited
    factories.ticket(
        w.a,
        **complaint,
        received_at=at(10),
        status=T.resolved,
        severity=Severity.ordinary,
        validity=Validity.invalid,
        complaint_code=ComplaintCode.fees,
        complaint_due_at=at(11),
        reported_back_at=at(12),
    )
    # c3 serious, in time (due 10-17), revisited
    factories.ticket(
        w.a,
        **complaint,
        received_at=at(15),
        status=T.closed,
        severity=Severity.serious,
        validity=Validity.valid,
        complaint_code=ComplaintCode.security,
        complaint_due_at=at(17),
        reported_back_at=at(16),
        revisited_at=at(18),
    )
    # c4 valid ordinary, still being handled
    factories.ticket(
        w.a,
        **complaint,
        received_at=at(20),
        status=T.in_progress,
        severity=Severity.ordinary,
        validity=Validity.valid,
        complaint_code=ComplaintCode.neighbours,
        complaint_due_at=at(23),
    )
    # c5 just received, not classified
    factories.ticket(w.a, **complaint, received_at=at(25), status=T.open, validity=Validity.pending)
    # outside: September, another estate, not a complaint
    factories.ticket(w.a, **complaint, received_at=at(30, month=9), status=T.closed)
    factories.ticket(w.b, **complaint, received_at=at(5), status=T.closed)
    factories.ticket(w.a, category=TicketCategory.inquiry, received_at=at(5), status=T.closed)

    zhang = factories.staff(Role.technician, estates=[w.a], name="张师傅", trades=[Trade.plumbing])
    li = factories.staff(Role.technician, estates=[w.a], name="李师傅", trades=[Trade.electrical])

    def revisited(tech, ratings, satisfaction, day, estate=w.a, trade=Trade.plumbing, month=10):
        factories.work_order(
            estate,
            technician_id=tech.id,
            trade=trade,
            status=S.revisited,
            closed_at=at(day - 1, month=month),
            revisited_at=at(day, month=month),
            created_at=at(day - 2, month=month),
            satisfaction=satisfaction,
            rating_timeliness=ratings[0],
            rating_quality=ratings[1],
            rating_fee=ratings[2],
            rating_attitude=ratings[3],
        )

    revisited(zhang, (5, 4, 4, 5), Satisfaction.satisfied, 5)
    revisited(zhang, (3, 3, 2, 4), Satisfaction.basically, 8)
    revisited(zhang, (1, 2, 1, 2), Satisfaction.unsatisfied, 12)
    revisited(li, (5, 5, 5, 5), Satisfaction.satisfied, 14, trade=Trade.electrical)
    revisited(li, (1, 1, 1, 1), Satisfaction.unsatisfied, 14, month=9, trade=Trade.electrical)
    revisited(zhang, (1, 1, 1, 1), Satisfaction.unsatisfied, 14, estate=w.b)
    # closed in October but not revisited yet; and an emergency still open
    factories.work_order(
        w.a,
        technician_id=zhang.id,
        trade=Trade.plumbing,
        status=S.closed,
        closed_at=at(28),
        created_at=at(27),
    )
    factories.work_order(
        w.a, trade=Trade.electrical, status=S.new, is_emergency=True, created_at=at(29)
    )
    w.zhang, w.li = zhang, li
    return w


OCTOBER = stats.parse_period("2026-10")


def test_complaint_summary(data, in_app):
    with in_app():
        s = stats.complaint_summary([data.a.id], OCTOBER)
    # received c1..c5; handled c1 c2 c3; revisited c1 c3; in time c1 c3
    assert (s["total"], s["handled"], s["revisited"], s["on_time"]) == (5, 3, 2, 2)
    assert s["handling_rate"] == pytest.approx(3 / 5) and s["revisit_rate"] == pytest.approx(2 / 3)
    by_category = {c: n for c, n in s["by_category"] if n}
    assert by_category == {
        ComplaintCode.fees: 2,
        ComplaintCode.security: 1,
        ComplaintCode.neighbours: 1,
        None: 1,
    }
    assert {v: n for v, n in s["by_validity"] if n} == {
        Validity.valid: 3,
        Validity.invalid: 1,
        Validity.pending: 1,
    }
    assert {v: n for v, n in s["by_severity"] if n} == {
        Severity.ordinary: 3,
        Severity.serious: 1,
        None: 1,
    }


def test_deadlines(data, in_app):
    with in_app():
        rows = {r["key"]: r for r in stats.deadline_table([data.a.id], OCTOBER)}
    assert [rows["invalid"][k] for k in ("total", "handled", "on_time", "late", "open")] == [
        1,
        1,
        0,
        1,
        0,
    ]
    assert [rows["valid"][k] for k in ("total", "handled", "on_time", "late", "open")] == [
        2,
        1,
        1,
        0,
        1,
    ]
    assert [rows["serious"][k] for k in ("total", "handled", "on_time", "late", "open")] == [
        1,
        1,
        1,
        0,
        0,
    ]


def test_revisit_table_per_technician(data, in_app):
    with in_app():
        table = {r["technician"]: r for r in stats.revisit_table([data.a.id], OCTOBER)}
    zhang = table["张师傅"]
    assert zhang["revisits"] == 3
    assert (zhang["timeliness"], zhang["quality"], zhang["fee"], zhang["attitude"]) == (
        3.0,
        3.0,
        2.33,
        3.67,
    )
    assert (zhang["satisfied"], zhang["unsatisfied"]) == (2, 1)
    assert zhang["satisfaction_rate"] == pytest.approx(2 / 3)
    li = table["李师傅"]
    assert (li["revisits"], li["satisfaction_rate"], li["unsatisfied"]) == (1, 1.0, 0)


def test_work_order_revisit_rate_and_trades(data, in_app):
    with in_app():
        rate = stats.work_order_revisit_rate([data.a.id], OCTOBER)
        trades = stats.work_orders_by_trade([data.a.id], OCTOBER)
    assert (rate["closed"], rate["revisited"]) == (5, 4) and rate["rate"] == pytest.approx(0.8)
    rows = {r["trade"]: (r["total"], r["finished"], r["emergencies"]) for r in trades}
    assert rows == {Trade.plumbing: (4, 4, 0), Trade.electrical: (2, 1, 1)}


def test_quarterly_comparison(data, in_app):
    with in_app():
        quarters = stats.quarterly([data.a.id], OCTOBER)
    assert [q["quarter"] for q in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q3, q4 = quarters[2], quarters[3]
    assert q3["complaints"] == 1 and q3["revisits"] == 1 and q3["satisfaction_rate"] == 0
    assert q4["complaints"] == 5 and q4["handling_rate"] == pytest.approx(0.6)
    assert q4["revisits"] == 4 and q4["satisfaction_rate"] == pytest.approx(3 / 4)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", datetime(2026, 10, 1), datetime(2026, 11, 1)),
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("2026-q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("2026", datetime(2026, 1, 1), datetime(2027, 1, 1)),
    ],
)
def test_periods(text, start, end):
    period = stats.parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_statistics_page(data, login, factories):
    supervisor = factories.staff(Role.supervisor, estates=[data.a])
    c = login(supervisor)
    page = c.get("/admin/statistics/?period=2026-10").get_data(as_text=True)
    assert "60.0%" in page and "3 / 5" in page and "张师傅" in page and "66.7%" in page
    assert 'id="chart-complaints"' in page and "chart.umd.min.js" in page
    rows = list(
        csv.reader(
            io.StringIO(
                c.get("/admin/statistics/export/revisits.csv?period=2026-10")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[1][:2] == ["张师傅", "3"] and rows[2][:2] == ["李师傅", "1"]
    sheet = c.get("/admin/statistics/export/revisits.xlsx?period=2026-10")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    # Counts are numbers a spreadsheet sums, not text.
    assert rows[1][:2] == ("张师傅", 3) and rows[2][:2] == ("李师傅", 1)
    assert c.get(f"/admin/statistics/?estate={data.b.id}").status_code == 404
    assert "请选择" not in c.get("/admin/statistics/?period=bogus").get_data(as_text=True)
    assert "Choose a month" in c.get("/admin/statistics/?period=bogus").get_data(as_text=True)


def test_statistics_rights(data, login, factories):
    assert (
        login(factories.staff(Role.receptionist, estates=[data.a]))
        .get("/admin/statistics/")
        .status_code
        == 403
    )
    director = login(factories.staff(Role.director, estates=[], all_estates=True))
    page = director.get("/admin/statistics/?period=2026-10").get_data(as_text=True)
    assert "4 / 6" in page  # both estates: A handled 3 of 5, B 1 of 1


@pytest.mark.parametrize("text", ["2026-10", "2026-Q4", "2026"])
def test_the_page_adds_up_months_to_the_same_figures_as_each_table(data, in_app, text):
    period = stats.parse_period(text)
    with in_app():
        page = stats.report([data.a.id], period)
        assert page["complaints"] == stats.complaint_summary([data.a.id], period)
        assert page["revisits"] == stats.revisit_table([data.a.id], period)
        assert page["order_revisits"] == stats.work_order_revisit_rate([data.a.id], period)
        assert page["quarters"] == stats.quarterly([data.a.id], period)
        assert page["by_trade"] == stats.work_orders_by_trade([data.a.id], period)
    assert page["quarters"][-1]["quarter"] == "2026-Q4"


def test_a_year_compares_its_own_four_quarters(data, in_app):
    with in_app():
        quarters = stats.quarterly([data.a.id], stats.parse_period("2026"))
    assert [q["quarter"] for q in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarters[3]["complaints"] == 5


def test_kept_figures_are_dated_and_counted_again_on_request(data, login, factories, app):
    supervisor = factories.staff(Role.supervisor, estates=[data.a])
    c = login(supervisor)
    app.config["STATISTICS_CACHE_SECONDS"] = 300
    try:
        # fresh=1: counted now and kept, whatever an earlier run left in a shared Redis
        first = c.get("/admin/statistics/?period=2026-10&fresh=1").get_data(as_text=True)
        assert "3 / 5" in first and 'id="statistics-as-of"' in first
        factories.ticket(
            data.a,
            category=TicketCategory.complaint,
            received_at=at(20),
            status=T.closed,
        )
        kept = c.get("/admin/statistics/?period=2026-10").get_data(as_text=True)
        assert "3 / 5" in kept  # the figures of a moment ago, as the page says
        refresh = re.search(r'href="([^"]+)" id="statistics-refresh"', kept).group(1)
        counted = c.get(refresh.replace("&amp;", "&")).get_data(as_text=True)
        assert "4 / 6" in counted
        assert "4 / 6" in c.get("/admin/statistics/?period=2026-10").get_data(as_text=True)
    finally:
        app.config["STATISTICS_CACHE_SECONDS"] = 0


def _connection_id():
    from sqlalchemy import text

    from admin_app.extensions import db

    if db.engine.dialect.name == "postgresql":
        return db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return id(db.session.connection().connection.dbapi_connection)


def test_the_page_passes_run_at_once_on_postgresql_and_in_turn_on_sqlite(in_app):
    import threading

    from admin_app.extensions import db
    from admin_app.services.statistics.at_once import all_at_once

    def where():
        return threading.get_ident(), _connection_id()

    with in_app():
        here = where()
        found = all_at_once({"a": where, "b": where, "c": where})
        if db.engine.dialect.name == "postgresql":
            # each pass on its own backend, none on the request's own
            backends = {connection for _, connection in found.values()}
            assert len(backends) == 3 and here[1] not in backends
        else:  # one file in this process: the request's own thread and connection
            assert set(found.values()) == {here}


def test_a_failing_pass_fails_the_page_rather_than_leaving_a_figure_out(in_app):
    from admin_app.services.statistics.at_once import all_at_once

    def broken():
        raise ValueError("the grouping failed")

    with in_app(), pytest.raises(ValueError, match="the grouping failed"):
        all_at_once({"fine": lambda: 1, "broken": broken})


def test_an_export_names_its_estates_and_period_and_totals_the_categories(data, login, factories):
    """Files of two estates saved side by side don't overwrite each other, and the complaints
    by category add up as on the page."""
    director = factories.staff(Role.director, estates=[data.a, data.b])
    c = login(director)
    one = c.get(
        f"/admin/statistics/export/complaint_categories.csv?period=2026-10&estate={data.a.id}"
    )
    assert f"complaint_categories-{data.a.code}-2026-10.csv" in one.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(one.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][0] == "Total"
    assert int(rows[-1][1]) == sum(int(r[1]) for r in rows[1:-1]) > 0
    both = c.get("/admin/statistics/export/complaint_categories.xlsx?period=2026-10")
    assert "complaint_categories-2estates-2026-10.xlsx" in both.headers["Content-Disposition"]
