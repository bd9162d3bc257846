"""The survey screens: the list and set-up, one survey's results and households, the staff's
quick entry of a household's answers, and the results as XLSX."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from admin_app import clock
from admin_app.auth.permissions import EXPORT, allowed, may
from admin_app.auth.scope import estate_allowed, scoped
from admin_app.extensions import db
from admin_app.models import AnswerChannel, Estate, Survey, SurveyHousehold
from admin_app.panel.access import SecurePage
from admin_app.panel.export import xlsx_stream
from admin_app.services import unit_reader
from admin_app.services.errors import ServiceError
from admin_app.services.reminders.channels import mask_phone, sms_enabled
from admin_app.surveys import links, results
from admin_app.surveys import operations as surveys
from admin_app.surveys.forms import SetUpForm, answer_form, ratings_of
from admin_app.surveys.questionnaire import NATIONAL, QUESTIONS, RATINGS, TARGET


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


MAX_PAGE = 1000  # a page number past any survey's households (50 a page) is not asked for


class SurveyView(SecurePage):
    resource = "survey"

    def _survey(self, survey_id: int) -> Survey:
        """The survey, if it is in the user's estates; else it does not exist for them."""
        survey = db.session.get(Survey, survey_id)
        if survey is None or not estate_allowed(current_user, survey.estate_id):
            abort(404)
        return survey

    def _set_up_form(self) -> SetUpForm:
        form = SetUpForm()
        estates = scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name)
        form.estate.choices = [(e.id, e.name) for e in estates]
        if request.method == "GET":
            form.year.data = clock.today().year
        return form

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = self._set_up_form() if may(current_user, "survey.create") else None
        if form is not None and form.validate_on_submit():
            try:
                survey = surveys.create(
                    form.estate.data,
                    form.year.data,
                    form.closes_on.data,
                    sample_size=form.sample_size.data,
                    questions=tuple(c for c in QUESTIONS if c in form.questions.data),
                    actor=current_user,
                )
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                flash(
                    gettext(
                        "Survey set up: %(count)d households to ask.",
                        count=len(survey.households),
                    ),
                    "success",
                )
                return redirect(url_for(".survey", survey_id=survey.id))
        elif request.method == "POST":
            if form is None:
                abort(403)
            flash(gettext("The survey was not set up: check the fields marked."), "error")
        found = scoped(db.session.query(Survey), Survey, current_user).order_by(
            Survey.year.desc(), Survey.id
        )
        rows = results.results_of(found)
        return self.render(
            "admin/wuye/surveys.html", form=form, rows=rows, percent=percent, target=TARGET
        )

    @expose("/<int:survey_id>/")
    def survey(self, survey_id: int):
        survey = self._survey(survey_id)
        unit_text = request.args.get("unit", "")[: unit_reader.MAX_TEXT]
        page = min(max(request.args.get("page", 0, type=int), 0), MAX_PAGE)
        households, more = surveys.households_page(survey, unit_text, page)
        years = results.years(survey.estate_id)  # this survey's figures among them
        figures = next(y for y in years if y.survey.id == survey.id)
        return self.render(
            "admin/wuye/survey.html",
            survey=survey,
            households=households,
            unit_text=unit_text,
            page=page,
            more=more,
            figures=figures,
            years=years,
            ratings=RATINGS,
            percent=percent,
            target=TARGET,
            national=NATIONAL,
            mask_phone=mask_phone,
            may_enter=may(current_user, "survey.enter"),
            may_send=may(current_user, "survey.send_links") and sms_enabled(),
            may_export=allowed(current_user, self.resource, EXPORT),
        )

    @expose("/<int:survey_id>/households/<int:household_id>/", methods=("GET", "POST"))
    def enter(self, survey_id: int, household_id: int):
        survey = self._survey(survey_id)
        if not may(current_user, "survey.enter"):
            abort(403)
        household = db.session.get(SurveyHousehold, household_id)
        if household is None or household.survey_id != survey.id:
            abort(404)
        form = answer_form(survey.question_codes, staff=True)()
        if household.answered_at is None and form.validate_on_submit():
            try:
                surveys.answer(
                    household,
                    ratings_of(form, survey.question_codes),
                    form.comment.data,
                    AnswerChannel(form.channel.data),
                    actor=current_user,
                )
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                flash(gettext("Answers saved for %(unit)s.", unit=household.unit.label), "success")
                return redirect(url_for(".survey", survey_id=survey.id, entered=1))
        elif request.method == "POST" and household.answered_at is not None:
            flash(
                gettext("This household has answered already; one answer per household."), "error"
            )
        return self.render(
            "admin/wuye/survey_entry.html", survey=survey, household=household, form=form
        )

    @expose("/<int:survey_id>/send/", methods=("POST",))
    def send(self, survey_id: int):
        survey = self._survey(survey_id)
        if not may(current_user, "survey.send_links"):
            abort(403)
        from flask_wtf.csrf import validate_csrf  # the button's form is a plain one

        validate_csrf(request.form.get("csrf_token"))
        try:
            sent = surveys.send_links(survey, public_link, actor=current_user)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(gettext("Links sent by text message: %(count)d.", count=sent), "success")
        return redirect(url_for(".survey", survey_id=survey.id))

    @expose("/<int:survey_id>/export.xlsx")
    def export(self, survey_id: int):
        survey = self._survey(survey_id)
        if not allowed(current_user, self.resource, EXPORT):
            abort(403)
        figures = results.results(survey)
        header = [
            gettext("Part"),
            gettext("Name"),
            *(str(r) for r in RATINGS),
            gettext("Ratings"),
            gettext("Satisfaction rate"),
        ]
        rows = [
            [part, tally.name or gettext("All questions"), *(tally.count(r) for r in RATINGS)]
            + [tally.answered, percent(tally.rate)]
            for part, tallies in (
                (gettext("Overall"), [figures.overall]),
                (gettext("Question"), figures.by_question),
                (gettext("Building"), figures.by_building),
            )
            for tally in tallies
        ]
        rows.append(
            [gettext("Response rate"), f"{figures.answered} / {figures.households}", "", "", ""]
            + ["", percent(figures.response_rate)]
        )
        filename = f"survey-{survey.estate.code}-{survey.year}.xlsx"
        return Response(
            xlsx_stream(header, rows, sheet_title=gettext("Satisfaction survey")),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def public_link(household: SurveyHousehold) -> str:
    return url_for(
        "survey_public.answer",
        estate_code=household.survey.estate.code,
        token=links.token_for(household),
        _external=True,
    )
