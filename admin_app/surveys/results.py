"""The survey's figures: response rate, and the satisfaction rate (satisfied + basically
satisfied over the ratings given) by question, by building and over the years."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func

from admin_app.extensions import db
from admin_app.models import Satisfaction, Survey, SurveyAnswer, SurveyHousehold, Unit
from admin_app.surveys.questionnaire import SATISFIED, label


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Tally:
    """Ratings counted: satisfied, basically satisfied, unsatisfied."""

    name: str
    counts: Counter = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(self.counts[r] for r in SATISFIED)

    @property
    def rate(self) -> float | None:
        return rate(self.satisfied, self.answered)

    def count(self, rating: Satisfaction) -> int:
        return self.counts[rating]


@dataclass
class Results:
    survey: Survey
    households: int
    answered: int
    overall: Tally
    by_question: list[Tally]
    by_building: list[Tally]

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.households)


def _building_key(name: str):
    return (0, int(name), name) if name.isdigit() else (1, 0, name)


def results(survey: Survey) -> Results:
    return results_of([survey])[0]


def results_of(surveys) -> list[Results]:
    """Each survey's figures, in the order given: two queries for all of them (the survey
    list, the year-on-year table and the statistics show one per estate and year)."""
    surveys = list(surveys)
    ids = [s.id for s in surveys]
    if not ids:
        return []
    answered_at = SurveyHousehold.answered_at
    counts = {
        survey_id: (households, answered or 0)
        for survey_id, households, answered in db.session.query(
            SurveyHousehold.survey_id,
            func.count(SurveyHousehold.id),
            func.sum(case((answered_at.isnot(None), 1), else_=0)),
        )
        .filter(SurveyHousehold.survey_id.in_(ids))
        .group_by(SurveyHousehold.survey_id)
    }
    rows = (
        db.session.query(
            SurveyHousehold.survey_id,
            Unit.building,
            SurveyAnswer.question,
            SurveyAnswer.rating,
            func.count(),
        )
        .join(SurveyHousehold, SurveyAnswer.household_id == SurveyHousehold.id)
        .join(Unit, SurveyHousehold.unit_id == Unit.id)
        .filter(SurveyHousehold.survey_id.in_(ids))
        .group_by(
            SurveyHousehold.survey_id, Unit.building, SurveyAnswer.question, SurveyAnswer.rating
        )
    )
    ratings: dict[int, list] = {pk: [] for pk in ids}
    for survey_id, *row in rows:
        ratings[survey_id].append(row)
    return [_figures(s, *counts.get(s.id, (0, 0)), ratings[s.id]) for s in surveys]


def _figures(survey: Survey, households: int, answered: int, rows) -> Results:
    overall = Tally("")
    questions = {code: Tally(label(code)) for code in survey.question_codes}
    buildings: dict[str, Tally] = {}
    for building, question, rating, count in rows:
        overall.counts[rating] += count
        if question in questions:
            questions[question].counts[rating] += count
        buildings.setdefault(building, Tally(building)).counts[rating] += count
    return Results(
        survey=survey,
        households=households,
        answered=answered,
        overall=overall,
        by_question=list(questions.values()),
        by_building=[buildings[b] for b in sorted(buildings, key=_building_key)],
    )


def years(estate_id: int) -> list[Results]:
    """Every survey of the estate, newest first, for comparing year on year."""
    surveys = (
        db.session.query(Survey).filter(Survey.estate_id == estate_id).order_by(Survey.year.desc())
    )
    return results_of(surveys)


def of_year(estate_ids: list[int], year: int) -> list[Results]:
    """The estates' surveys of the year (the statistics' tile shows them beside the revisits)."""
    if not estate_ids:
        return []
    surveys = (
        db.session.query(Survey)
        .filter(Survey.estate_id.in_(estate_ids), Survey.year == year)
        .order_by(Survey.estate_id)
    )
    return results_of(surveys)
