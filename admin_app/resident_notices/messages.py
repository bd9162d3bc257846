"""Each event's text to the household, written in the household's language (the caller sets
it with force_locale). Short: one text message, no personal data beyond the first name."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from admin_app.models import NoticeEvent, WorkOrder


def _when(at: datetime | None) -> str:
    return at.strftime("%m-%d %H:%M") if at else "—"


def text_for(event: NoticeEvent, order: WorkOrder, link: str | None = None) -> str:
    estate = order.estate.name if order.estate else ""
    technician = order.technician.name if order.technician else ""
    if event is NoticeEvent.dispatched:
        if order.is_emergency:
            return gettext(
                "%(estate)s: your repair %(number)s is urgent; %(name)s is on the way and "
                "will be there by %(time)s.",
                estate=estate,
                number=order.number,
                name=technician,
                time=_when(order.arrive_by),
            )
        return gettext(
            "%(estate)s: your repair %(number)s goes to %(name)s, who comes at %(time)s.",
            estate=estate,
            number=order.number,
            name=technician,
            time=_when(order.appointment_at),
        )
    if event is NoticeEvent.arrived:
        return gettext(
            "%(estate)s: %(name)s has arrived for your repair %(number)s.",
            estate=estate,
            name=technician,
            number=order.number,
        )
    if event is NoticeEvent.done:
        return gettext(
            "%(estate)s: the work on your repair %(number)s is done. Please check it before "
            "you sign.",
            estate=estate,
            number=order.number,
        )
    return gettext(
        "%(estate)s: how was the repair %(number)s? Rate it in a minute: %(link)s",
        estate=estate,
        number=order.number,
        link=link or "",
    )
