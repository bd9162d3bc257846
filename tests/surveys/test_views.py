"""The survey screens per role and estate: supervisors set surveys up and send links, the
desk enters answers taken by phone or on paper, directors read; another estate's survey does
not exist; the results page and its XLSX show the hand-counted figures, formulas neutralised."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Occupancy, Role, Survey, SurveyHousehold, Unit
from admin_app.surveys import operations as surveys

from ..conftest import statements_run
from .conftest import household_ids

QUESTIONS = ("reception", "repairs", "cleaning", "security", "greenery", "overall")

# Written out independently of auth/permissions.py: (sees the list, sets up, enters, exports)
ROLES = {
    Role.supervisor: (200, True, True, True),
    Role.director: (200, True, True, True),
    Role.admin: (200, True, True, True),
    Role.receptionist: (200, False, True, False),
    Role.technician: (403, False, False, False),
    Role.guard: (403, False, False, False),
}


def entry(channel="phone", **overrides):
    data = {f"q_{code}": "satisfied" for code in QUESTIONS}
    data.update(channel=channel, comment="", **overrides)
    return data


@pytest.mark.parametrize("role", list(ROLES))
def test_who_sees_sets_up_enters_and_exports(factories, login, world, make_survey, app, role):
    sees, sets_up, enters, exports = ROLES[role]
    survey_id = make_survey(world.a)
    household = household_ids(app, survey_id)[0]
    client = login(factories.staff(role, estates=[world.a], all_estates=role is Role.admin))
    page = client.get("/admin/surveys/")
    assert page.status_code == sees
    if sees != 200:
        assert client.get(f"/admin/surveys/{survey_id}/").status_code == 403
        return
    assert ('id="survey-set-up"' in page.get_data(as_text=True)) is sets_up
    survey_page = client.get(f"/admin/surveys/{survey_id}/")
    assert survey_page.status_code == 200
    assert ("Enter answers" in survey_page.get_data(as_text=True)) is enters
    entered = client.post(f"/admin/surveys/{survey_id}/households/{household}/", entry())
    assert entered.status_code == (302 if enters else 403)
    exported = client.get(f"/admin/surveys/{survey_id}/export.xlsx")
    assert exported.status_code == (200 if exports else 403)


def test_a_supervisor_sets_up_a_sampled_survey_on_the_page(factories, login, world, app):
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    closes = (clock.today() + timedelta(days=20)).isoformat()
    response = client.post(
        "/admin/surveys/",
        {
            "estate": str(world.a.id),
            "year": "2026",
            "closes_on": closes,
            "sample_size": "3",
            "questions": ["repairs", "overall"],
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Survey set up: 3 households to ask." in page
    with app.app_context():
        survey = db.session.query(Survey).one()
        assert (survey.estate_id, survey.year, len(survey.households)) == (world.a.id, 2026, 3)
        assert survey.question_codes == ["repairs", "overall"]


def test_a_supervisor_cannot_set_up_a_survey_for_another_estate(factories, login, world, app):
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    closes = (clock.today() + timedelta(days=20)).isoformat()
    response = client.post(
        "/admin/surveys/",
        {"estate": str(world.b.id), "year": "2026", "closes_on": closes, "questions": "overall"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "was not set up" in html
    assert "Not a valid choice" in html  # the estate: not one of the supervisor's
    with app.app_context():
        assert db.session.query(Survey).count() == 0


def test_another_estates_survey_does_not_exist(factories, login, world, make_survey, app):
    survey_b = make_survey(world.b)
    household_b = household_ids(app, survey_b)[0]
    make_survey(world.a)
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    assert "乙小区" not in client.get("/admin/surveys/").get_data(as_text=True)
    assert client.get(f"/admin/surveys/{survey_b}/").status_code == 404
    assert client.get(f"/admin/surveys/{survey_b}/export.xlsx").status_code == 404
    assert (
        client.post(f"/admin/surveys/{survey_b}/households/{household_b}/", entry()).status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(SurveyHousehold, household_b).answered_at is None


def test_the_desk_enters_a_paper_form_once(factories, login, world, make_survey, app):
    survey_id = make_survey(world.a)
    household = household_ids(app, survey_id)[0]
    client = login(factories.staff(Role.receptionist, estates=[world.a]))
    url = f"/admin/surveys/{survey_id}/households/{household}/"
    form = client.get(url).get_data(as_text=True)
    assert form.count("<legend") == 7  # the channel and six questions
    incomplete = client.post(url, {k: v for k, v in entry().items() if k != "q_overall"})
    assert incomplete.status_code == 200
    assert "Choose one answer." in incomplete.get_data(as_text=True)
    assert client.post(url, entry("paper", q_repairs="unsatisfied")).status_code == 302
    again = client.post(url, entry())
    assert "answered already" in again.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(SurveyHousehold, household)
        assert row.channel.value == "paper"
        assert sum(a.rating.value == "unsatisfied" for a in row.answers) == 1


def fill(app, survey_id, plans):
    """plans: one list of six ratings per household, in order."""
    from admin_app.models import AnswerChannel

    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for household, plan in zip(survey.households, plans, strict=False):
            ratings = dict(zip(QUESTIONS, plan, strict=True))
            surveys.answer(household, ratings, None, AnswerChannel.phone)
        db.session.commit()


S, B, U = "satisfied", "basically", "unsatisfied"


def test_the_results_page_shows_the_hand_counted_rates(factories, login, world, make_survey, app):
    # 3 of 5 answer: 18 ratings, 2 unsatisfied -> 16/18 = 88.9%; response 60.0%.
    survey_id = make_survey(world.a)
    fill(app, survey_id, [[S, S, S, S, S, S], [B, U, S, S, S, S], [S, S, B, U, S, B]])
    client = login(factories.staff(Role.director, estates=[world.a]))
    html = client.get(f"/admin/surveys/{survey_id}/").get_data(as_text=True)
    assert 'id="survey-response-rate">60.0%' in html
    assert 'id="survey-satisfaction-rate">88.9%' in html
    assert "16 / 18" in html
    assert "below target, above the national standard" in html
    assert html.count('class="survey-bar"') >= 6 + 2 + 1  # questions, buildings, years


def test_the_export_holds_the_figures_and_no_formula(factories, login, world, make_survey, app):
    survey_id = make_survey(world.a)
    with app.app_context():
        from admin_app.models import Unit

        db.session.get(Unit, world.unit_a.id).building = "=HYPERLINK(1)"
        db.session.commit()
    fill(app, survey_id, [[S, S, S, S, S, U]])
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    response = client.get(f"/admin/surveys/{survey_id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # The counts are numbers a spreadsheet sums; the rate stays as the page shows it.
    assert rows[1][1:] == ["All questions", 5, 0, 1, 6, "83.3%"]
    buildings = [row[1] for row in rows if row[0] == "Building"]
    assert "'=HYPERLINK(1)" in buildings
    assert rows[-1][-1] == "20.0%"


def test_a_supervisor_sends_the_links_by_text_message(
    factories, login, world, make_survey, app, monkeypatch
):
    sent = []

    class Provider:
        def send(self, phone, text):
            sent.append((phone, text))

    monkeypatch.setitem(app.config, "SMS_PROVIDER", "tests.surveys:Provider")
    monkeypatch.setattr(surveys, "sms_provider", lambda: Provider())
    survey_id = make_survey(world.a)
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    response = client.post(f"/admin/surveys/{survey_id}/send/")
    assert response.status_code == 302
    assert len(sent) == 5
    phone, text = sent[0]
    link = text.rsplit(" ", 1)[-1]
    assert "/survey/AA/" in link
    assert client.http.get(link.split("localhost", 1)[-1]).status_code == 200


def test_the_desk_may_not_send_links(factories, login, world, make_survey, app):
    survey_id = make_survey(world.a)
    client = login(factories.staff(Role.receptionist, estates=[world.a]))
    assert client.post(f"/admin/surveys/{survey_id}/send/").status_code == 403


def test_the_statistics_tile_says_its_source_and_shows_the_survey(
    factories, login, world, make_survey, app
):
    survey_id = make_survey(world.a, year=clock.today().year)
    fill(app, survey_id, [[S, S, S, S, S, U]])
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    html = client.get(f"/admin/statistics/?period={clock.today().year}").get_data(as_text=True)
    assert "Source: revisits after repairs, not the yearly residents survey." in html
    assert f"Yearly survey {clock.today().year}, 甲小区: 83.3%" in html
    assert f'href="/admin/surveys/{survey_id}/"' in html


def _flats(app, estate, building: str, rooms: int) -> None:
    with app.app_context():
        db.session.execute(
            insert(Unit),
            [
                {
                    "estate_id": estate.id,
                    "building": building,
                    "entrance": "1",
                    "floor": 1,
                    "room": str(101 + n),
                    "occupancy": Occupancy.occupied,
                }
                for n in range(rooms)
            ],
        )
        db.session.commit()


def test_the_desk_finds_a_paper_forms_flat_among_many_households(
    factories, login, app, make_survey
):
    """A survey of every occupied flat lists them a page at a time at the same cost, and the
    desk finds the flat of the form in hand by typing it; back from entering its answers, the
    cursor is in the box for the next one."""
    small, large = factories.estate(), factories.estate()
    _flats(app, small, "5", 3)
    _flats(app, large, "5", 60)
    desk = login(factories.staff(Role.receptionist, estates=[small, large]))

    def read(url: str) -> tuple[str, int]:
        with statements_run(app) as run:
            page = desk.get(url).get_data(as_text=True)
        return page, len(run)

    small_url = f"/admin/surveys/{make_survey(small)}/"
    url = f"/admin/surveys/{make_survey(large)}/"
    desk.get(small_url)
    _, few = read(small_url)
    first, many = read(url)
    assert many == few
    assert first.count("Enter answers<span") == 50 and 'id="households-next"' in first
    rest = desk.get(url + "?page=1").get_data(as_text=True)
    assert rest.count("Enter answers<span") == 10 and 'id="households-previous"' in rest
    assert 'id="households-next"' not in rest
    found = desk.get(url + "?unit=5-1-137").get_data(as_text=True)
    assert found.count("Enter answers<span") == 1
    household = found.split("/households/")[1].split("/")[0]
    missing = desk.get(url + "?unit=9-9-909").get_data(as_text=True)
    assert "No household of this survey is in that unit." in missing
    entered = desk.post(f"{url}households/{household}/", entry())
    assert entered.status_code == 302
    back = desk.get(entered.headers["Location"]).get_data(as_text=True)
    assert 'id="household-unit"' in back and "autofocus" in back.split('id="household-unit"')[1]


def test_the_survey_list_costs_the_same_for_one_survey_or_many(
    factories, login, world, app, make_survey
):
    director = login(factories.staff(Role.director, all_estates=True))
    make_survey(world.a, year=2026)
    director.get("/admin/surveys/")
    with statements_run(app) as run:
        director.get("/admin/surveys/")
    one = len(run)
    for year in (2023, 2024, 2025):
        make_survey(world.a, year=year)
    make_survey(world.b, year=2026)
    with statements_run(app) as run:
        page = director.get("/admin/surveys/").get_data(as_text=True)
    assert len(run) == one
    assert all(str(year) in page for year in (2023, 2024, 2025, 2026))
