"""The yearly satisfaction survey on the resident's own pages: the household's open survey,
answered through the same verb as the signed link and the desk (surveys.answer, online)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AnswerChannel, Survey, SurveyHousehold
from admin_app.portal.actor import ResidentActor
from admin_app.portal.blueprint import bp
from admin_app.portal.session import current_resident, household_filter, resident_required
from admin_app.services.errors import ServiceError
from admin_app.surveys import operations as surveys
from admin_app.surveys.forms import answer_form, ratings_of


def open_survey(resident) -> SurveyHousehold | None:
    """The household's survey still open and not answered (the newest, if several)."""
    return (
        db.session.query(SurveyHousehold)
        .join(Survey, Survey.id == SurveyHousehold.survey_id)
        .filter(household_filter(SurveyHousehold.unit_id, resident))
        .filter(SurveyHousehold.answered_at.is_(None), Survey.closes_on >= clock.today())
        .order_by(Survey.year.desc(), SurveyHousehold.id.desc())
        .first()
    )


@bp.route("/survey", methods=("GET", "POST"))
@resident_required
def survey():
    resident = current_resident()
    household = open_survey(resident)
    if household is None:
        return render_template("portal/link_notice.html", message=gettext("No survey is open."))
    questionnaire = household.survey
    form = answer_form(questionnaire.question_codes, staff=False)()
    if form.validate_on_submit():
        try:
            surveys.answer(
                household,
                ratings_of(form, questionnaire.question_codes),
                form.comment.data,
                AnswerChannel.online,
                actor=ResidentActor(resident),
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(gettext("Thank you: your answers are received."), "success")
            return redirect(url_for("portal.home"))
    return render_template(
        "portal/survey.html",
        survey=questionnaire,
        form=form,
        estate=questionnaire.estate,
        action=None,
    )
