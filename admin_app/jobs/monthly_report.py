"""The reception register's monthly report, e-mailed to each estate's director and supervisors
with its tables as an XLSX attachment (cron.py runs it on the 1st for the month before)."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale, gettext
from werkzeug.utils import secure_filename

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs.queue import job
from admin_app.models import Estate, Role, Staff
from admin_app.services.reminders.channels import email_configured, mailer
from admin_app.services.spreadsheets import xlsx_bytes
from admin_app.services.statistics import parse_period, reception, reception_sheets

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READERS = (Role.director, Role.supervisor)


def recipients(estate: Estate) -> list[Staff]:
    """Active directors and supervisors of the estate with an e-mail address.
    Hook: when departments are records (issue 18 item 3), add each department's head here."""
    staff = (
        db.session.query(Staff)
        .filter(Staff.role.in_(READERS), Staff.active.is_(True), Staff.email.isnot(None))
        .order_by(Staff.id)
        .all()
    )
    return [s for s in staff if s.email.strip() and (s.all_estates or estate.id in s.estate_ids)]


def _body(estate: Estate, month: str, figures: dict) -> str:
    lines = [
        gettext("Reception register of %(estate)s, %(month)s", estate=estate.name, month=month),
        "",
        f"{gettext('Contacts')}: {figures['contacts']}",
        f"{gettext('Answered at once')}: {figures['at_once']}",
        f"{gettext('Answered by callback')}: {figures['by_callback']}",
        f"{gettext('Callbacks on-time rate')}: {reception_sheets.percent(figures['kept_rate'])}",
        f"{gettext('Recorded after handling')}: {figures['after_the_fact']}",
        f"{gettext('Median hours to a result')}: {reception_sheets.hours(figures['median_hours'])}",
        "",
        gettext("The tables are attached."),
    ]
    return "\n".join(lines)


def send_for(month: str) -> int:
    """Send every estate's report for `month` ('2026-11'); returns the e-mails sent."""
    if not email_configured():
        log.info("monthly report for %s not sent: no MAIL_SERVER", month)
        return 0
    period = parse_period(month)
    sent = 0
    for estate in db.session.query(Estate).order_by(Estate.id):
        people = recipients(estate)
        if not people:
            continue
        report = reception.report([estate.id], period)
        for person in people:
            with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                subject = gettext(
                    "Reception register %(month)s: %(estate)s", month=month, estate=estate.name
                )
                body = _body(estate, month, report["summary"])
                workbook = xlsx_bytes(reception_sheets.sheets(report, {estate.id: estate.name}))
            name = secure_filename(f"reception-{estate.code}-{month}.xlsx")
            mailer.send(person.email, subject, body, attachments=[(name, workbook, XLSX)])
            sent += 1
    return sent


@job
def send_monthly_reports(month: str | None = None) -> int:
    return send_for(month or reception.previous_month(clock.today()))
