"""Setting a survey up (every occupied unit or a random sample), taking one answer per
household, and the results checked against counts made by hand."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AnswerChannel, Survey, SurveyHousehold
from admin_app.services.errors import ServiceError
from admin_app.surveys import operations as surveys
from admin_app.surveys import results

from .conftest import household_ids

S, B, U = "satisfied", "basically", "unsatisfied"
QUESTIONS = ("reception", "repairs", "cleaning", "security", "greenery", "overall")


def answer_all(household, rating_list, channel=AnswerChannel.phone, comment=None):
    ratings = dict(zip(QUESTIONS, rating_list, strict=True))
    return surveys.answer(household, ratings, comment, channel)


def test_a_survey_asks_every_occupied_unit_and_not_the_vacant_one(world, make_survey, app):
    survey_id = make_survey(world.a)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        asked = sorted(h.unit_id for h in survey.households)
        assert asked == sorted(u.id for u in world.units_a)
        assert world.vacant.id not in asked
        assert survey.question_codes == list(QUESTIONS)
        first = next(h for h in survey.households if h.unit_id == world.unit_a.id)
        assert first.phone == "13800000001"  # the owner's phone, to send the link to


def test_a_sample_draws_that_many_households_at_random(world, make_survey, app):
    survey_id = make_survey(world.a, sample_size=3, rng=random.Random(7))
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert len(survey.households) == 3
        assert {h.unit_id for h in survey.households} <= {u.id for u in world.units_a}
        assert survey.sample_size == 3


def test_a_sample_larger_than_the_estate_asks_everyone(world, make_survey, app):
    survey_id = make_survey(world.a, sample_size=50)
    assert len(household_ids(app, survey_id)) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": -1}, "closing day has passed"),
        ({"sample_size": 0}, "at least one household"),
        ({"questions": ("weather",)}, "Choose the questions"),
    ],
)
def test_a_survey_is_refused_with_a_reason(world, in_app, kwargs, message):
    days = kwargs.pop("days", 30)
    with in_app(), pytest.raises(ServiceError, match=message):
        surveys.create(world.a.id, 2026, clock.today() + timedelta(days=days), **kwargs)


def test_one_survey_per_estate_and_year(world, make_survey, in_app):
    make_survey(world.a, year=2025)
    with in_app(), pytest.raises(ServiceError, match="already has a survey for 2025"):
        surveys.create(world.a.id, 2025, clock.today() + timedelta(days=5))


def test_staff_enter_one_answer_per_household(world, make_survey, app, in_app):
    survey_id = make_survey(world.a)
    first = household_ids(app, survey_id)[0]
    with in_app():
        household = db.session.get(SurveyHousehold, first)
        answer_all(household, [S, S, B, U, S, B], comment="电梯常坏")
        db.session.commit()
        assert household.channel is AnswerChannel.phone
        assert household.comment == "电梯常坏"
        with pytest.raises(ServiceError, match="answered already"):
            answer_all(household, [S] * 6)


def test_every_question_must_be_rated(world, make_survey, app, in_app):
    survey_id = make_survey(world.a)
    with in_app():
        household = db.session.get(SurveyHousehold, household_ids(app, survey_id)[0])
        with pytest.raises(ServiceError, match="Rate every question"):
            surveys.answer(household, {"reception": S}, None, AnswerChannel.paper)
        assert household.answered_at is None


def test_results_match_the_hand_count(world, make_survey, app, in_app):
    """Five households; four answer (two in building 1, two in building 2).

    building 1: [S,S,B,U,S,B] and [S,B,B,S,S,S]  -> 12 ratings, 1 unsatisfied
    building 2: [U,U,S,B,S,U] and [S,S,S,S,S,S]  -> 12 ratings, 3 unsatisfied
    overall 24 ratings, 20 satisfied or basically: 20/24 = 83.3%; response 4/5 = 80%.
    repairs: S,B,U,S -> 3/4; reception: S,S,U,S -> 3/4; overall: B,S,U,S -> 3/4;
    cleaning: B,B,S,S -> 4/4.
    """
    survey_id = make_survey(world.a)
    plan = {
        world.unit_a.id: [S, S, B, U, S, B],
        world.units_a[1].id: [S, B, B, S, S, S],
        world.units_a[2].id: [U, U, S, B, S, U],
        world.units_a[3].id: [S, S, S, S, S, S],
    }
    with in_app():
        survey = db.session.get(Survey, survey_id)
        for household in survey.households:
            if household.unit_id in plan:
                answer_all(household, plan[household.unit_id])
        db.session.commit()
        figures = results.results(survey)
        assert (figures.households, figures.answered) == (5, 4)
        assert figures.response_rate == pytest.approx(0.8)
        assert (figures.overall.answered, figures.overall.satisfied) == (24, 20)
        assert figures.overall.rate == pytest.approx(20 / 24)
        by_question = {t.name: (t.satisfied, t.answered) for t in figures.by_question}
        assert by_question["Repairs (speed, quality, fees, attitude)"] == (3, 4)
        assert by_question["Cleaning of public areas"] == (4, 4)
        assert by_question["Overall, the property management service"] == (3, 4)
        by_building = {t.name: (t.satisfied, t.answered) for t in figures.by_building}
        assert by_building == {"1": (11, 12), "2": (9, 12)}


def test_years_compare_newest_first(world, make_survey, app, in_app):
    make_survey(world.a, year=2025)
    make_survey(world.a, year=2026)
    make_survey(world.b, year=2026)
    with in_app():
        assert [r.survey.year for r in results.years(world.a.id)] == [2026, 2025]


def test_links_go_by_text_message_to_households_not_answered(
    world, make_survey, app, in_app, monkeypatch
):
    sent = []

    class Provider:
        def send(self, phone, text):
            sent.append((phone, text))

    monkeypatch.setattr(surveys, "sms_provider", lambda: Provider())
    survey_id = make_survey(world.a)
    with in_app():
        survey = db.session.get(Survey, survey_id)
        answer_all(survey.households[0], [S] * 6)
        count = surveys.send_links(survey, lambda h: f"https://x/survey/{h.id}")
        assert count == 4
        assert len(sent) == 4
        assert all("https://x/survey/" in text for _, text in sent)
        assert survey.households[0].phone not in [phone for phone, _ in sent]


def test_without_an_sms_provider_no_link_is_sent(world, make_survey, app, in_app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "")
    survey_id = make_survey(world.a)
    with in_app(), pytest.raises(ServiceError, match="No SMS provider"):
        surveys.send_links(db.session.get(Survey, survey_id), str)


def test_no_answer_is_taken_after_the_survey_closes(world, make_survey, app, in_app):
    import time_machine

    survey_id = make_survey(world.a, days=3)
    with in_app(), time_machine.travel(clock.now() + timedelta(days=5)):
        household = db.session.get(SurveyHousehold, household_ids(app, survey_id)[0])
        with pytest.raises(ServiceError, match="survey has closed"):
            answer_all(household, [S] * 6, channel=AnswerChannel.paper)
