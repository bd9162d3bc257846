"""The resident's survey page at /survey/<estate>/<token>: no login, phone-sized, in the
browser's language; one answer per household, until the survey closes, rate-limited."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext
from flask_limiter import RequestLimit

from admin_app.extensions import db
from admin_app.models import AnswerChannel, Estate
from admin_app.services.errors import ServiceError
from admin_app.surveys import links
from admin_app.surveys import operations as surveys
from admin_app.surveys.forms import answer_form, ratings_of
from admin_app.surveys.links import LinkState

bp = Blueprint("survey_public", __name__, url_prefix="/survey")

# The status each refusal answers with: a link that never was, one that is gone, one used.
STATUS = {
    LinkState.forged: 404,
    LinkState.other_estate: 404,
    LinkState.expired: 410,
    LinkState.answered: 409,
}


def refusal(state: LinkState) -> str:
    """The refusal in the reader's language (msgids listed here, translated when shown)."""
    messages = {
        LinkState.forged: gettext(
            "This link is not valid. Please use the link in the text message exactly as it came."
        ),
        LinkState.other_estate: gettext("This link belongs to another estate's survey."),
        LinkState.expired: gettext("This survey has closed. Thank you for your interest."),
        LinkState.answered: gettext(
            "Your household has answered this survey already. Only one answer per household "
            "is counted; thank you."
        ),
    }
    return messages[state]


def notice(message: str, status: int):
    return render_template("survey/notice.html", message=message), status


@bp.route("/<estate_code>/<token>", methods=("GET", "POST"))
def answer(estate_code: str, token: str):
    estate = db.session.query(Estate).filter_by(code=estate_code[:16]).one_or_none()
    state, household = links.read(token, estate)
    if state is not LinkState.open:
        return notice(refusal(state), STATUS[state])
    survey = household.survey
    form = answer_form(survey.question_codes, staff=False)()
    if form.validate_on_submit():
        try:
            surveys.answer(
                household,
                ratings_of(form, survey.question_codes),
                form.comment.data,
                AnswerChannel.online,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            return notice(str(error), 409)
        return notice(gettext("Thank you: your answers are received."), 200)
    return render_template("survey/answer.html", survey=survey, form=form, estate=estate)


def too_many(limit: RequestLimit):
    page, status = notice(
        gettext("Too many tries from this address. Please wait a few minutes and try again."),
        429,
    )
    return current_app.make_response((page, status, {"Retry-After": "60"}))


def limit_per_address(app, limiter) -> None:
    """Links that are not valid count hard against the address (guessing is slow); every
    request counts too, loosely, since many phones share a carrier's address."""
    from admin_app.auth.throttle import client_address

    def setting(name: str, default: str):
        return lambda: current_app.config.get(name, default)

    view = app.view_functions["survey_public.answer"]
    for name, default, counted in (
        ("SURVEY_BAD_LINK_LIMIT", "20 per 10 minutes", lambda r: r.status_code == 404),
        ("SURVEY_LIMIT_PER_ADDRESS", "120 per 10 minutes", None),
    ):
        view = limiter.limit(
            setting(name, default),
            key_func=lambda name=name: f"{name}/{client_address()}",
            deduct_when=counted,
            on_breach=too_many,
        )(view)
    app.view_functions["survey_public.answer"] = view
