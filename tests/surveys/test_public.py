"""The resident's own survey page: a signed link answers once per household, until the survey
closes; forged links and another estate's links are refused; too many tries are slowed; the
page speaks the browser's language and has a legend for every question."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AnswerChannel, SurveyAnswer, SurveyHousehold
from admin_app.surveys import links

from .conftest import household_ids

QUESTIONS = ("reception", "repairs", "cleaning", "security", "greenery", "overall")


@pytest.fixture
def link(world, make_survey, app):
    """link(estate_code=None) -> the public address of the first household's link."""
    survey_id = make_survey(world.a, days=10)
    household_id = household_ids(app, survey_id)[0]

    def make(estate_code="AA", household=household_id):
        with app.test_request_context():
            token = links.token_for(db.session.get(SurveyHousehold, household))
        return f"/survey/{estate_code}/{token}"

    make.household_id = household_id
    return make


def answers(client, **overrides):
    data = {f"q_{code}": "satisfied" for code in QUESTIONS}
    data["comment"] = "保安很好"
    data.update(overrides)
    return data


def test_a_resident_answers_once_through_the_link(client, link, app):
    url = link()
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cleaning of public areas" in html
    response = client.post(url, answers(client, q_repairs="unsatisfied"))
    assert response.status_code == 200
    assert "your answers are received" in response.get_data(as_text=True)
    with app.app_context():
        household = db.session.get(SurveyHousehold, link.household_id)
        assert household.channel is AnswerChannel.online
        assert household.comment == "保安很好"
        assert {a.question: a.rating.value for a in household.answers}["repairs"] == "unsatisfied"


def test_a_reused_link_is_refused_clearly_and_the_first_answer_stands(client, link, app):
    url = link()
    client.post(url, answers(client))
    again = client.get(url)
    assert again.status_code == 409
    assert "answered this survey already" in again.get_data(as_text=True)
    second = client.post(url, answers(client, q_overall="unsatisfied"))
    assert second.status_code == 409
    with app.app_context():
        assert db.session.query(SurveyAnswer).count() == 6  # one household's six ratings
        assert db.session.query(SurveyAnswer).filter_by(rating="unsatisfied").count() == 0


def test_a_link_expires_when_the_survey_closes(client, link):
    url = link()
    with time_machine.travel(clock.now() + timedelta(days=12)):
        page = client.get(url)
    assert page.status_code == 410
    assert "survey has closed" in page.get_data(as_text=True)


def test_a_forged_or_damaged_link_is_refused(client, link):
    url = link()
    prefix, household_id, rest = re.match(r"^(/survey/AA/)(\d+)(\..*)$", url).groups()
    other_household = f"{prefix}{int(household_id) + 1}{rest}"
    damaged = url[:-3] + ("xyz" if not url.endswith("xyz") else "abc")
    for bad in (damaged, other_household, "/survey/AA/1.abc"):
        page = client.get(bad)
        assert page.status_code == 404, bad
        assert "not valid" in page.get_data(as_text=True)
        assert client.post(bad, answers(client)).status_code == 404


def test_another_estates_address_refuses_the_link(client, link, app):
    page = client.get(link(estate_code="BB"))
    assert page.status_code == 404
    assert "another estate" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SurveyHousehold, link.household_id).answered_at is None


def test_a_new_nonce_voids_the_links_sent_before(client, link, app):
    url = link()
    with app.app_context():
        db.session.get(SurveyHousehold, link.household_id).nonce = "0123456789abcdef"
        db.session.commit()
    assert client.get(url).status_code == 404


def test_an_unanswered_question_is_asked_again(client, link, app):
    url = link()
    data = answers(client)
    del data["q_greenery"]
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Please answer every question" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SurveyHousehold, link.household_id).answered_at is None


def test_the_form_needs_its_csrf_token(client, link):
    assert client.post(link(), answers(client), csrf=False).status_code == 400


def test_guessing_links_from_one_address_is_stopped(client, link, app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_BAD_LINK_LIMIT", "3 per minute")
    good = link()
    assert client.get(good).status_code == 200  # valid opens do not count here
    for _ in range(3):
        assert client.get("/survey/AA/1.abc").status_code == 404
    refused = client.get(good)
    assert refused.status_code == 429
    assert "Too many tries" in refused.get_data(as_text=True)
    other = app.test_client()
    page = other.get(good, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert page.status_code == 200  # another address is not slowed


def test_every_request_counts_loosely_against_the_address(client, link, app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_LIMIT_PER_ADDRESS", "4 per minute")
    good = link()
    for _ in range(4):
        assert client.get(good).status_code == 200
    assert client.get(good).status_code == 429


def test_the_page_is_phone_sized_with_a_legend_per_question(client, link):
    html = client.get(link()).get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in html
    assert html.count("<legend") == 6
    assert html.count("<fieldset") == 6
    for code in QUESTIONS:
        for i, rating in enumerate(("satisfied", "basically", "unsatisfied")):
            assert re.search(rf'id="q_{code}-{i}"[^>]*value="{rating}"', html) or re.search(
                rf'value="{rating}"[^>]*id="q_{code}-{i}"', html
            )
            assert f'<label class="custom-control-label" for="q_{code}-{i}">' in html
    assert '<label for="comment"' in html
    assert 'lang="en"' in html
    assert "logout" not in html.lower()


def test_the_page_speaks_chinese_to_a_chinese_browser(app, link):
    from tests.conftest import Client

    chinese = Client(app, lang="zh-CN,zh;q=0.9")
    html = chinese.get(link()).get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    for rating in ("满意", "基本满意", "不满意"):
        assert f">{rating}</label>" in html
