"""The page a one-purpose link opens (/r/l/<token>): rate this repair, or answer this survey,
without signing in. The link grants that page only — nobody is signed in, nothing else opens —
and is refused, with a page in the reader's language, when forged, expired, used, or when its
record is not (or no longer) its household's."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AnswerChannel, LinkPurpose, Resident, ResidentRole
from admin_app.portal.actor import ResidentActor
from admin_app.portal.blueprint import bp
from admin_app.portal.rating import RatingForm, rate, thanks
from admin_app.portal.session import lives_here
from admin_app.resident_notices import links
from admin_app.resident_notices.links import LinkState
from admin_app.services.errors import ServiceError
from admin_app.surveys import operations as surveys
from admin_app.surveys.forms import answer_form, ratings_of

# Forged and another household's both read "not valid": a guesser learns nothing.
STATUS = {
    LinkState.forged: 404,
    LinkState.other_household: 404,
    LinkState.expired: 410,
    LinkState.used: 409,
}


def refusal(state: LinkState) -> str:
    messages = {
        LinkState.forged: gettext(
            "This link is not valid. Please use the link in the text message exactly as it came."
        ),
        LinkState.other_household: gettext(
            "This link is not valid. Please use the link in the text message exactly as it came."
        ),
        LinkState.expired: gettext(
            "This link has expired. Please call the management office, or sign in to your "
            "home services."
        ),
        LinkState.used: gettext("This link has been used already. Thank you."),
    }
    return messages[state]


def notice(message: str, status: int):
    return render_template("portal/link_notice.html", message=message), status


def household_resident(link, record) -> Resident | None:
    """Who acts for the household: the resident the record names, if still living there, else
    the household's owner (then anyone) living there."""
    named = getattr(record, "resident", None)
    if named is not None and named.unit_id == link.unit_id and lives_here(named, clock.today()):
        return named
    living = [
        r
        for r in db.session.query(Resident).filter(Resident.unit_id == link.unit_id)
        if lives_here(r, clock.today())
    ]
    living.sort(key=lambda r: (r.role is not ResidentRole.owner, r.id))
    return living[0] if living else None


@bp.route("/l/<token>", methods=("GET", "POST"))
def purpose_link(token: str):
    state, link = links.read(token)
    if state is not LinkState.open:
        return notice(refusal(state), STATUS[state])
    record = links.record_of(link)
    resident = household_resident(link, record)
    if resident is None:
        return notice(refusal(LinkState.other_household), 404)
    if link.purpose is LinkPurpose.rate:
        return _rate(link, record, resident)
    return _survey(link, record, resident)


def _spent_or_refused(link) -> bool:
    if links.spend(link):
        return False
    db.session.rollback()
    return True


def _rate(link, order, resident):
    form = RatingForm()
    if form.validate_on_submit():
        if _spent_or_refused(link):
            return notice(refusal(LinkState.used), 409)
        try:
            followup = rate(order, resident, form)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            return notice(str(error), 409)
        return notice(thanks(followup), 200)
    return render_template("portal/rate.html", order=order, form=form, action=None)


def _survey(link, household, resident):
    survey = household.survey
    form = answer_form(survey.question_codes, staff=False)()
    if form.validate_on_submit():
        if _spent_or_refused(link):
            return notice(refusal(LinkState.used), 409)
        try:
            surveys.answer(
                household,
                ratings_of(form, survey.question_codes),
                form.comment.data,
                AnswerChannel.online,
                actor=ResidentActor(resident),
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            return notice(str(error), 409)
        return notice(gettext("Thank you: your answers are received."), 200)
    return render_template(
        "portal/survey.html", survey=survey, form=form, estate=survey.estate, action=None
    )
