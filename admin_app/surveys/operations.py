"""The survey's verbs: set one up, take a household's answers, send the residents' links."""

from __future__ import annotations

import random
import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import false
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AnswerChannel,
    Occupancy,
    Resident,
    ResidentRole,
    Satisfaction,
    Survey,
    SurveyAnswer,
    SurveyHousehold,
    Unit,
)
from admin_app.services import history, unit_reader
from admin_app.services.errors import ServiceError
from admin_app.services.reminders.channels import sms_provider
from admin_app.surveys.questionnaire import DEFAULT, QUESTIONS

MAX_COMMENT = 1000


def occupied_units(estate_id: int) -> list[Unit]:
    """The households: units someone lives in (owner-occupied or rented out)."""
    return (
        db.session.query(Unit)
        .filter(Unit.estate_id == estate_id, Unit.occupancy != Occupancy.vacant)
        .order_by(Unit.id)
        .all()
    )


def contact_phone(unit_id: int) -> str | None:
    """Whom the link goes to: the owner first, then anyone living there, still there."""
    residents = (
        db.session.query(Resident)
        .filter(Resident.unit_id == unit_id, Resident.phone.isnot(None))
        .filter(Resident.living_on(clock.today()))
        .order_by(Resident.id)
        .all()
    )
    residents.sort(key=lambda r: r.role is not ResidentRole.owner)
    return residents[0].phone if residents else None


HOUSEHOLDS_PAGE = 50


def households_page(
    survey: Survey, unit_text: str = "", page: int = 0, size: int = HOUSEHOLDS_PAGE
) -> tuple[list[SurveyHousehold], bool]:
    """One page of the survey's households, in the order they were drawn, with their units;
    only those of the units a text names ("3-1-601", "601") when given: the desk finds the
    household of the paper form in hand. And whether another page follows."""
    query = (
        db.session.query(SurveyHousehold)
        .join(Unit, SurveyHousehold.unit_id == Unit.id)
        .options(contains_eager(SurveyHousehold.unit).lazyload("*"))
        .filter(SurveyHousehold.survey_id == survey.id)
    )
    if unit_text.strip():
        named = unit_reader.condition(unit_text)
        query = query.filter(named if named is not None else false())
    rows = query.order_by(SurveyHousehold.id).offset(page * size).limit(size + 1).all()
    return rows[:size], len(rows) > size


def create(
    estate_id: int,
    year: int,
    closes_on: date,
    *,
    sample_size: int | None = None,
    questions=DEFAULT,
    actor=None,
    rng: random.Random | None = None,
) -> Survey:
    """A survey of the year with its households: every occupied unit, or a random sample."""
    if closes_on < clock.today():
        raise ServiceError(_l("The closing day has passed: choose a later one."))
    if db.session.query(Survey.id).filter_by(estate_id=estate_id, year=year).first():
        raise ServiceError(_l("This estate already has a survey for %(year)s.", year=year))
    unknown = [code for code in questions if code not in QUESTIONS]
    if unknown or not questions:
        raise ServiceError(_l("Choose the questions from the questionnaire."))
    units = occupied_units(estate_id)
    if not units:
        raise ServiceError(_l("The estate has no occupied units to ask."))
    if sample_size is not None:
        if sample_size < 1:
            raise ServiceError(_l("A sample has at least one household."))
        if sample_size < len(units):
            picked = (rng or random.SystemRandom()).sample(units, sample_size)
            units = sorted(picked, key=lambda u: u.id)
    with history.action("create_survey", actor=actor):
        survey = Survey(
            estate_id=estate_id,
            year=year,
            closes_on=closes_on,
            questions=",".join(questions),
            sample_size=sample_size,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(survey)
        db.session.flush()
        for unit in units:
            db.session.add(
                SurveyHousehold(
                    survey_id=survey.id,
                    unit_id=unit.id,
                    phone=contact_phone(unit.id),
                    nonce=secrets.token_hex(8),
                )
            )
        db.session.flush()
    return survey


def answer(
    household: SurveyHousehold,
    ratings: dict[str, Satisfaction | str],
    comment: str | None,
    channel: AnswerChannel,
    actor=None,
) -> SurveyHousehold:
    """The household's one answer: every question rated; a second answer is refused."""
    if household.answered_at is not None:
        raise ServiceError(_l("This household has answered already; one answer per household."))
    if clock.today() > household.survey.closes_on:
        raise ServiceError(_l("The survey has closed."))
    codes = household.survey.question_codes
    missing = [code for code in codes if not ratings.get(code)]
    if missing:
        raise ServiceError(_l("Rate every question."))
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    try:
        with history.action("answer_survey", actor=actor), db.session.begin_nested():
            for code in codes:
                rating = Satisfaction(ratings[code])
                db.session.add(
                    SurveyAnswer(household_id=household.id, question=code, rating=rating)
                )
            household.answered_at = clock.now()
            household.channel = channel
            household.entered_by_id = getattr(actor, "id", None)
            household.comment = comment
            db.session.flush()
    except IntegrityError:  # another answer for the household got in at the same moment
        raise ServiceError(
            _l("This household has answered already; one answer per household.")
        ) from None
    return household


def send_links(survey: Survey, link_for, actor=None) -> int:
    """A text message with its own link to each household not answered yet that has a phone
    (sent again to those sent before). `link_for(household)` makes the address."""
    provider = sms_provider()
    if provider is None:
        raise ServiceError(_l("No SMS provider is configured."))
    sent = 0
    with history.action("send_survey_links", actor=actor):
        for household in survey.households:
            if household.answered_at is not None or not household.phone:
                continue
            text = str(
                _l(
                    "%(estate)s satisfaction survey %(year)s: please tell us how we are doing, "
                    "by %(date)s: %(link)s",
                    estate=survey.estate.name,
                    year=survey.year,
                    date=survey.closes_on.isoformat(),
                    link=link_for(household),
                )
            )
            provider.send(household.phone, text)
            household.link_sent_at = clock.now()
            sent += 1
        db.session.flush()
    return sent
