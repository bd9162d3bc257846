"""The complaint's forms and the day's register, printed as the offices file them (A4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload

from admin_app import clock
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Channel, Estate, Ticket, TicketCategory
from admin_app.services.reminders.channels import mask_phone
from admin_app.tickets import complaints


def day_of(text: str | None) -> date:
    """The day asked for (YYYY-MM-DD), today when none or unreadable."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return clock.today()


def register_rows(estate_id: int, day: date) -> list[Ticket]:
    """The estate's tickets received that day, in the order they came."""
    start = datetime.combine(day, datetime.min.time())
    return (
        db.session.query(Ticket)
        .options(
            lazyload("*"),
            joinedload(Ticket.unit).lazyload("*"),
            joinedload(Ticket.received_by).lazyload("*"),
            joinedload(Ticket.assignee).lazyload("*"),
        )
        .filter(
            Ticket.estate_id == estate_id,
            Ticket.received_at >= start,
            Ticket.received_at < start + timedelta(days=1),
        )
        .order_by(Ticket.received_at, Ticket.id)
        .all()
    )


class PrintFormsMixin:
    """On the ticket view: each page shows only what the user may see (get_one and the estate
    scope answer 404 for another estate's record)."""

    def _complaint(self) -> Ticket:
        ticket = self.get_one(request.args.get("id"))
        if ticket.category is not TicketCategory.complaint:
            abort(404)
        complaints.load_records(ticket)
        return ticket

    def _printed(self, template: str, **context):
        return self.render(template, printed_at=clock.now().strftime("%Y-%m-%d %H:%M"), **context)

    @expose("/print/complaint/")
    def complaint_record_view(self):
        """客户投诉处理表: the whole record, with the signature lines."""
        return self._printed("ticket/complaint_record.html", ticket=self._complaint())

    @expose("/print/slip/")
    def complaint_slip_view(self):
        """客户投诉处理单: what the department is to do, by when, and who received it.
        A department picked from the estate's records is named with its head."""
        return self._printed("ticket/complaint_slip.html", ticket=self._complaint())

    @expose("/print/company-report/")
    def company_report_view(self):
        """处理结果书面报告: a call the company forwarded, its result as the company is to read it
        (a complaint goes back on its own form, the complaint record)."""
        ticket = self.get_one(request.args.get("id"))
        if ticket.channel is not Channel.company:
            abort(404)
        orders = sorted(ticket.work_orders, key=lambda order: order.id)
        return self._printed(
            "ticket/company_report.html", ticket=ticket, orders=orders, mask_phone=mask_phone
        )

    @expose("/print/register/")
    def register_view(self):
        """客户来电来访登记表: one estate's tickets of one day."""
        estates = scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()
        wanted = request.args.get("estate", "")
        if wanted:
            chosen = next((e for e in estates if str(e.id) == wanted), None)
            if chosen is None:
                abort(404)
        else:
            chosen = estates[0] if estates else None
        day = day_of(request.args.get("date"))
        return self._printed(
            "ticket/register.html",
            estates=estates,
            estate=chosen,
            day=day,
            tickets=register_rows(chosen.id, day) if chosen else [],
        )
