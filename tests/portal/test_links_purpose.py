"""One-purpose links sent by text: "rate this repair" and "answer this survey" open their page
without signing in, once, until they expire, for the one household and record they were made
for; a forged, expired, used or misdirected link gets a clear page in the reader's language,
and a link opens nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AnswerChannel,
    LinkPurpose,
    Occupancy,
    RevisitChannel,
    Survey,
    SurveyHousehold,
    Unit,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.resident_notices import links
from admin_app.surveys import operations as surveys
from admin_app.surveys.questionnaire import DEFAULT

from .conftest import ResidentClient

S = WorkOrderStatus
RATING = {
    "rating_timeliness": "4",
    "rating_quality": "5",
    "rating_fee": "3",
    "rating_attitude": "5",
    "satisfaction": "basically",
}
NOT_VALID_ZH = "此链接无效。请使用短信中的原始链接。"


@pytest.fixture
def orders(factories, two_estates):
    w = two_estates

    def closed(estate, unit, resident):
        return factories.work_order(
            estate,
            unit_id=unit.id,
            resident_id=resident.id,
            status=S.closed,
            closed_at=clock.now() - timedelta(hours=2),
            revisit_due_at=clock.now() + timedelta(hours=20),
        )

    w.ours = closed(w.a, w.unit_a, w.resident_a)
    w.theirs = closed(w.b, w.unit_b, w.resident_b)
    return w


def rate_link(in_app, estate, unit, order) -> str:
    with in_app():
        token = links.issue(
            LinkPurpose.rate, estate_id=estate.id, unit_id=unit.id, record_id=order.id
        )
        db.session.commit()
    return links.path_for(token)


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_link_opens_the_rating_and_records_the_revisit_without_a_sign_in(
    orders, portal_client, in_app
):
    url = rate_link(in_app, orders.a, orders.unit_a, orders.ours)
    assert url.startswith("/r/l/")
    shown = portal_client.get(url)
    assert shown.status_code == 200 and 'id="rating-form"' in page(shown)
    sent = portal_client.post(url, RATING)
    assert sent.status_code == 200 and "your rating is recorded" in page(sent)
    with in_app():
        order = db.session.get(WorkOrder, orders.ours.id)
        assert order.status is S.revisited
        assert order.revisit_channel is RevisitChannel.online
        assert order.rating_fee == 3
    # The link granted that page only: the household's pages still ask for a sign-in.
    assert portal_client.get("/r/").status_code == 302
    assert portal_client.get("/r/passes").status_code == 302


def test_a_used_link_is_refused(orders, portal_client, in_app):
    url = rate_link(in_app, orders.a, orders.unit_a, orders.ours)
    portal_client.post(url, RATING)
    again = portal_client.get(url)
    assert again.status_code == 409 and "used already" in page(again)
    assert portal_client.post(url, RATING).status_code == 409


def test_a_forged_link_is_refused_in_the_readers_language(orders, app, in_app):
    url = rate_link(in_app, orders.a, orders.unit_a, orders.ours)
    # A character in the middle of the signature: every one of its bits counts (the last
    # base64 character carries unused bits, so changing it may leave the signature intact).
    middle = len(url) - 10
    forged = url[:middle] + ("A" if url[middle] != "A" else "B") + url[middle + 1 :]
    reader = ResidentClient(app, lang="zh-CN")
    refused = reader.get(forged)
    assert refused.status_code == 404 and NOT_VALID_ZH in page(refused)
    made_up = reader.get("/r/l/1.0123456789abcdef0123.notasignature")
    assert made_up.status_code == 404 and NOT_VALID_ZH in page(made_up)
    english = ResidentClient(app).get(forged)
    assert "This link is not valid" in page(english) and NOT_VALID_ZH not in page(english)
    with in_app():
        assert db.session.get(WorkOrder, orders.ours.id).status is S.closed


def test_an_expired_link_is_refused(orders, portal_client, in_app):
    url = rate_link(in_app, orders.a, orders.unit_a, orders.ours)
    later = clock.to_utc(clock.now() + timedelta(days=8))
    with time_machine.travel(later, tick=False):
        refused = portal_client.get(url)
        assert refused.status_code == 410 and "expired" in page(refused)
        assert portal_client.post(url, RATING).status_code == 410
    with in_app():
        assert db.session.get(WorkOrder, orders.ours.id).status is S.closed


def test_a_link_naming_another_households_record_is_refused(orders, portal_client, in_app):
    # A correctly signed link whose record is not its household's: refused as not valid.
    url = rate_link(in_app, orders.a, orders.unit_a, orders.theirs)
    refused = portal_client.get(url)
    assert refused.status_code == 404 and "This link is not valid" in page(refused)
    assert portal_client.post(url, RATING).status_code == 404
    with in_app():
        assert db.session.get(WorkOrder, orders.theirs.id).status is S.closed


def test_a_rating_link_is_not_a_survey_link(orders, portal_client, in_app):
    url = rate_link(in_app, orders.a, orders.unit_a, orders.ours)
    with in_app():
        state, _ = links.read(url.rsplit("/", 1)[1], LinkPurpose.survey)
    assert state is links.LinkState.forged


@pytest.fixture
def survey(two_estates, in_app):
    with in_app():
        db.session.get(Unit, two_estates.unit_a.id).occupancy = Occupancy.occupied
        made = surveys.create(two_estates.a.id, clock.today().year, clock.today() + timedelta(30))
        db.session.commit()
        household = db.session.query(SurveyHousehold).filter_by(survey_id=made.id).one()
        return household.id


ANSWERS = {f"q_{code}": "satisfied" for code in DEFAULT}


def test_the_survey_link_takes_the_households_one_answer(
    two_estates, survey, portal_client, in_app
):
    with in_app():
        token = links.issue(
            LinkPurpose.survey,
            estate_id=two_estates.a.id,
            unit_id=two_estates.unit_a.id,
            record_id=survey,
        )
        db.session.commit()
    url = links.path_for(token)
    assert 'id="survey-answer"' in page(portal_client.get(url))
    done = portal_client.post(url, {**ANSWERS, "comment": "很好"})
    assert done.status_code == 200 and "answers are received" in page(done)
    with in_app():
        household = db.session.get(SurveyHousehold, survey)
        assert household.channel is AnswerChannel.online and household.comment == "很好"
    assert portal_client.get(url).status_code == 409


def test_a_signed_in_resident_answers_the_open_survey(two_estates, survey, resident_client, in_app):
    resident = resident_client(two_estates.resident_a)
    assert 'id="survey-answer"' in page(resident.get("/r/survey"))
    assert resident.post("/r/survey", ANSWERS).status_code == 302
    with in_app():
        assert db.session.get(SurveyHousehold, survey).answered_at is not None
        assert db.session.query(Survey).count() == 1
    assert "No survey is open." in page(resident.get("/r/survey"))
    other = resident_client(two_estates.resident_b)
    assert "No survey is open." in page(other.get("/r/survey"))
