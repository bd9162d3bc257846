"""The renovation's printed forms (001 五 二): the renovation permit (装修许可证) handed to a
qualified application, and the rectification notice (整改通知单) for an unqualified one, a
violation that stopped the work, or a failed completion inspection. A4, the complaint forms'
sheet; printed from the renovation's details page."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.models import InspectionResult, Renovation, RenovationStatus

S = RenovationStatus
# Why the notice is issued, by the state the renovation is in.
NOTICE_REASONS = {
    S.rectification: _l("The renovation application did not pass the review."),
    S.stopped: _l("A violation was found on patrol; the work is stopped until it is corrected."),
    S.failed: _l("The completion inspection was not passed."),
}


def may_print_permit(renovation: Renovation) -> bool:
    return bool(renovation.permit_number) and renovation.status is not S.cancelled


def may_print_notice(renovation: Renovation) -> bool:
    return renovation.status in NOTICE_REASONS


def to_correct(renovation: Renovation) -> str:
    """What the applicant must correct: the latest review note, the stop order's reason or the
    failed inspection's notes."""
    if renovation.status is S.stopped:
        return renovation.stop_reason or ""
    if renovation.status is S.failed:
        failed = [i for i in renovation.inspections if i.result is InspectionResult.failed]
        return (failed[-1].notes or "") if failed else ""
    lines = (renovation.review_notes or "").strip().splitlines()
    return lines[-1] if lines else ""


class RenovationPrintsMixin:
    """On the renovation view: each form only for a renovation the user may see (get_one)."""

    def may_print_permit(self, model) -> bool:
        return may_print_permit(model)

    def may_print_notice(self, model) -> bool:
        return may_print_notice(model)

    def _printed(self, template: str, **context):
        return self.render(template, printed_at=clock.now().strftime("%Y-%m-%d %H:%M"), **context)

    @expose("/print/permit/")
    def permit_view(self):
        renovation = self.get_one(request.args.get("id"))
        if not may_print_permit(renovation):
            flash(gettext("The permit prints once it has been issued."), "error")
            return redirect(self.get_url(".details_view", id=renovation.id))
        return self._printed("renovation/permit.html", renovation=renovation)

    @expose("/print/notice/")
    def notice_view(self):
        renovation = self.get_one(request.args.get("id"))
        if not may_print_notice(renovation):
            flash(
                gettext("A rectification notice prints only while something is to be corrected."),
                "error",
            )
            return redirect(self.get_url(".details_view", id=renovation.id))
        return self._printed(
            "renovation/notice.html",
            renovation=renovation,
            reason=NOTICE_REASONS[renovation.status],
            to_correct=to_correct(renovation),
        )
