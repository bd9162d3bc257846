"""Every date and time field of the panel is the same typeable picker field, shown and read in
the format the panel prints (2026-11-23, 2026-11-23 14:00), with quick choices worked out on
the office clock where the task has them: a callback due this afternoon or tomorrow morning, a
pass valid for a week or a month."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, Ticket, TicketCategory, TicketStatus
from admin_app.panel.dates import add_months
from admin_app.panel.fields import TYPE_FORMATTERS
from admin_app.passes.forms import RenewForm
from admin_app.tickets.forms import CallbackForm

from ..conftest import page_messages

printed_moment = TYPE_FORMATTERS[dt.datetime]
printed_day = TYPE_FORMATTERS[dt.date]


def office_time(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=clock.office_zone()), tick=False)


def input_of(page: str, name: str) -> dict:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


@pytest.fixture
def desk(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.receptionist, estates=[estate], username="front")
    return estate


@pytest.mark.parametrize(
    "typed",
    ["2026-11-23 14:00", "2026-11-23T14:00", "2026-11-23 14:00:00"],
    ids=["as printed", "a browser's datetime-local", "with seconds"],
)
def test_a_moment_is_read_as_printed_and_as_older_pages_sent_it(app, typed):
    with app.test_request_context(method="POST"):
        form = CallbackForm(MultiDict({"callback_due_at": typed}), meta={"csrf": False})
        form.validate()
        assert form.callback_due_at.data == dt.datetime(2026, 11, 23, 14, 0)


def test_a_moment_in_another_spelling_is_a_field_error(app):
    with app.test_request_context(method="POST"):
        form = CallbackForm(MultiDict({"callback_due_at": "23/11/2026 2pm"}), meta={"csrf": False})
        assert not form.validate()
        assert form.callback_due_at.errors


def test_a_step_forms_moment_is_the_panels_picker_in_the_printed_format(app):
    with app.test_request_context():
        form = CallbackForm(meta={"csrf": False})
        form.callback_due_at.data = dt.datetime(2026, 11, 23, 14, 5)
        field = input_of(str(form.callback_due_at()), "callback_due_at")
    assert field["type"] == "text"  # not the browser's own datetime-local control
    assert field["data-role"] == "datetimepicker"
    assert field["data-date-format"] == "YYYY-MM-DD HH:mm"
    assert field["value"] == printed_moment(None, dt.datetime(2026, 11, 23, 14, 5))
    assert field["autocomplete"] == "off"


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh_Hans_CN", ["今天下午", "明天上午", "明天下午"]),
        ("en", ["This afternoon", "Tomorrow morning", "Tomorrow afternoon"]),
    ],
)
def test_a_callbacks_quick_choices_are_the_half_days_ahead_in_the_pages_language(app, lang, labels):
    from flask_babel import force_locale

    with office_time(2026, 11, 23, 10, 30), app.test_request_context(), force_locale(lang):
        field = input_of(
            str(CallbackForm(meta={"csrf": False}).callback_due_at()), "callback_due_at"
        )
    assert json.loads(field["data-quick"]) == [
        [labels[0], "2026-11-23 17:00"],
        [labels[1], "2026-11-24 12:00"],
        [labels[2], "2026-11-24 17:00"],
    ]


def test_this_afternoon_is_no_choice_once_the_afternoon_is_over(app):
    with office_time(2026, 11, 23, 17, 30), app.test_request_context():
        field = input_of(
            str(CallbackForm(meta={"csrf": False}).callback_due_at()), "callback_due_at"
        )
    assert [value for _, value in json.loads(field["data-quick"])] == [
        "2026-11-24 12:00",
        "2026-11-24 17:00",
    ]


def test_a_renewals_quick_choices_are_a_week_and_a_month_from_today(app):
    with office_time(2026, 1, 31, 9, 0), app.test_request_context():
        field = input_of(str(RenewForm(meta={"csrf": False}).valid_until()), "valid_until")
    assert field["data-role"] == "datepicker"
    assert field["data-date-format"] == "YYYY-MM-DD"
    values = [value for _, value in json.loads(field["data-quick"])]
    assert values == ["2026-02-07", "2026-02-28"]  # February has no 31st


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 23), 1, dt.date(2026, 12, 23)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
    ],
)
def test_a_month_on_is_the_same_day_or_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_a_records_form_shows_its_moment_as_printed_without_seconds(desk, factories, login):
    ticket = factories.ticket(
        desk,
        TicketCategory.inquiry,
        occurred_at=dt.datetime(2026, 11, 23, 9, 5, 41),
        status=TicketStatus.open,
    )
    page = login("front").get(f"/admin/ticket/edit/?id={ticket.id}").get_data(as_text=True)
    field = input_of(page, "occurred_at")
    assert field["data-date-format"] == "YYYY-MM-DD HH:mm"
    assert (
        field["value"]
        == printed_moment(None, dt.datetime(2026, 11, 23, 9, 5))
        == ("2026-11-23 09:05")
    )


def test_a_records_moment_typed_as_printed_is_saved(desk, login, in_app):
    response = login("front").post(
        "/admin/ticket/new/",
        {
            "estate": str(desk.id),
            "category": "inquiry",
            "channel": "phone",
            "reporter_name": "李女士",
            "reporter_phone": "13900001111",
            "description": "询问停车月卡",
            "occurred_at": "2026-11-23 09:05",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with in_app():
        assert db.session.query(Ticket).one().occurred_at == dt.datetime(2026, 11, 23, 9, 5)


def test_a_records_day_is_the_panels_picker_in_the_printed_format(factories, login):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.receptionist, estates=[estate], username="front")
    page = login("front").get("/admin/renovation/new/").get_data(as_text=True)
    field = input_of(page, "planned_start")
    assert field["data-role"] == "datepicker"
    assert field["data-date-format"] == "YYYY-MM-DD"
    assert printed_day(None, dt.date(2026, 11, 3)) == "2026-11-03"  # what the picker writes


@pytest.mark.parametrize(
    "query",
    [
        "flt0_received_at_between=2026-11-01+00:00+to+2026-11-30+23:59",
        "flt0_received_at_between=2026-11-01+00:00:00+to+2026-11-30+23:59:59",  # older links
        "flt0_received_at_greater_than=2026-11-01+00:00",
    ],
    ids=["between, as printed", "between, with seconds", "after, as printed"],
)
def test_a_lists_moment_filter_reads_the_printed_format(desk, factories, login, query):
    factories.ticket(desk, TicketCategory.inquiry, received_at=dt.datetime(2026, 11, 23, 9, 0))
    factories.ticket(desk, TicketCategory.inquiry, received_at=dt.datetime(2026, 10, 23, 9, 0))
    page = login("front").get(f"/admin/ticket/?{query}").get_data(as_text=True)
    assert not page_messages(page), page_messages(page)  # no "invalid filter value"
    assert "2026-11-23 09:00" in page
    assert "2026-10-23 09:00" not in page


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # A Friday morning: this afternoon, then Monday's half days, not Saturday's.
        (
            (2026, 12, 11, 10, 30),
            [
                ["今天下午", "2026-12-11 14:00"],
                ["周一 12-14 上午", "2026-12-14 09:00"],
                ["周一 12-14 下午", "2026-12-14 14:00"],
            ],
        ),
        # A Saturday: no afternoon today, Monday's.
        (
            (2026, 12, 12, 10, 30),
            [["周一 12-14 上午", "2026-12-14 09:00"], ["周一 12-14 下午", "2026-12-14 14:00"]],
        ),
        # A Sunday: Monday is tomorrow.
        (
            (2026, 12, 13, 10, 30),
            [["明天上午", "2026-12-14 09:00"], ["明天下午", "2026-12-14 14:00"]],
        ),
    ],
)
def test_a_home_visits_quick_choices_are_working_days(app, now, expected):
    from flask_babel import force_locale

    from admin_app.home_visits.forms import AgreeForm

    with office_time(*now), app.test_request_context(), force_locale("zh_Hans_CN"):
        form = AgreeForm(meta={"csrf": False})
        field = input_of(str(form.appointment_at()), "appointment_at")
    assert json.loads(field["data-quick"]) == expected
