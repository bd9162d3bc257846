"""The yearly satisfaction survey in a browser, in Chinese and in English: the supervisor sets
it up for the estate and sends the links; a resident opens the link from the text message on a
phone, with no login, answers with the keyboard alone and is thanked; the link then says it is
used; the supervisor's results show the answer and the satisfaction rate.

Every page seen speaks one language: no English left on the Chinese pages, no Chinese on the
English ones but the records' own content."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AnswerChannel,
    Occupancy,
    Role,
    SurveyAnswer,
    SurveyHousehold,
    Unit,
)
from admin_app.surveys import operations as surveys

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, english_left, flashes
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

QUESTIONS = ("reception", "repairs", "cleaning", "security", "greenery", "overall")
# How the resident answers each question, as the number of Arrow Down presses after choosing
# the first answer with Space: 0 satisfied, 1 basically satisfied, 2 unsatisfied.
PLAN = {"reception": 0, "repairs": 1, "cleaning": 0, "security": 0, "greenery": 2, "overall": 0}
RATING = ("satisfied", "basically", "unsatisfied")

UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "survey-",
        "html_lang": "zh-CN",
        "set_up": "调查已创建：需征询 2 户。",
        "sent": "已通过短信发送链接：2 条。",
        "cleaning": "公共区域保洁",
        "ratings": ["满意", "基本满意", "不满意"],
        "thanks": "谢谢！您的意见已收到。",
        "answered": "您家已答复过本次调查",
        "online": "住户手机填写（链接）",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-survey-",
        "html_lang": "en",
        "set_up": "Survey set up: 2 households to ask.",
        "sent": "Links sent by text message: 2.",
        "cleaning": "Cleaning of public areas",
        "ratings": ["Satisfied", "Basically satisfied", "Unsatisfied"],
        "thanks": "Thank you: your answers are received.",
        "answered": "answered this survey already",
        "online": "Resident's own phone (link)",
    },
}
# What the people in the test typed or are called: Chinese in both languages.
RECORDS = ("华苑小区", "李主管", "王丽", "赵刚", "保安很负责，绿化要加强")
LINK = re.compile(r"https?://[^\s，。]+/survey/[^\s，。]+")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_resident_answers_the_yearly_survey_on_a_phone(
    app, factories, in_app, screen, monkeypatch, lang
):
    ui = UI[lang]
    wrong_language: dict[str, list[str]] = {}

    def seen(session, what: str) -> None:
        """A page the person read: in Chinese no English left, in English no Chinese left,
        but the records' own content."""
        if lang == "zh":
            assert chinese_left(session.page, RECORDS), f"{what}: no Chinese interface text"
            left = english_left(session.page, RECORDS)
        else:
            left = chinese_left(session.page, RECORDS)
        if left:
            wrong_language[f"{what} ({session.page.url})"] = left

    # The text messages go to a fake provider, kept here to be read as the resident reads them.
    messages: list[tuple[str, str]] = []

    class Provider:
        def send(self, phone, text):
            messages.append((phone, text))

    monkeypatch.setitem(app.config, "SMS_PROVIDER", "tests.e2e:Provider")
    monkeypatch.setattr(surveys, "sms_provider", lambda: Provider())

    estate = factories.estate(code="HY", name="华苑小区")
    flat = factories.unit(estate, building="3", room="1201")
    other = factories.unit(estate, building="5", room="602")
    factories.unit(estate, building="6", room="101")  # vacant: not asked
    factories.resident(flat, name="王丽", phone="13800138000")
    factories.resident(other, name="赵刚", phone="13900139000")
    with in_app():
        for unit in (flat, other):
            db.session.get(Unit, unit.id).occupancy = Occupancy.occupied
        db.session.commit()
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")

    # The supervisor sets up this year's survey: every occupied unit, every question.
    office = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    desk = office.page
    desk.goto("/admin/surveys/")
    assert desk.locator("#surveys-empty").count() == 1
    desk.select_option("#estate", label="华苑小区")
    assert desk.input_value("#year") == str(clock.today().year)
    desk.fill("#closes_on", (clock.today() + timedelta(days=30)).isoformat())
    desk.keyboard.press("Tab")
    assert desk.locator("#survey-questions input[name=questions]:checked").count() == 6
    office.shot(ui["shots"] + "01-set-up")
    seen(office, "survey set-up")
    with desk.expect_navigation():
        desk.click("#survey-set-up button")
    assert flashes(desk) == [ui["set_up"]]
    survey_id = int(re.search(r"/admin/surveys/(\d+)/", desk.url).group(1))
    assert desk.inner_text("#survey-response-rate").strip() == "0.0%"
    seen(office, "new survey")

    # ... and sends each household its link by text message.
    with desk.expect_navigation():
        desk.click("#survey-send")
    assert flashes(desk) == [ui["sent"]]
    assert sorted(phone for phone, _ in messages) == ["13800138000", "13900139000"]
    text = next(text for phone, text in messages if phone == "13800138000")
    assert "华苑小区" in text
    link = LINK.search(text).group(0)
    assert "/survey/HY/" in link
    seen(office, "links sent")

    # 王丽 opens the link on her phone: no login, her phone's language, a legend per question.
    resident = screen("resident", viewport=PHONE, locale=ui["locale"])
    phone = resident.page
    opened = phone.goto(link)
    assert opened.status == 200
    assert "/login" not in phone.url
    assert phone.get_attribute("html", "lang") == ui["html_lang"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.locator("fieldset legend").count() == 6
    group = phone.get_by_role("group", name=ui["cleaning"], exact=True)
    assert group.get_by_role("radio").count() == 3
    for name in ui["ratings"]:
        assert group.get_by_role("radio", name=name, exact=True).count() == 1
    resident.shot(ui["shots"] + "02-phone-questions")
    seen(resident, "survey page")
    blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the survey page at phone size: {blocking}"

    # Answered with the keyboard only: Tab to each question, Space to choose, arrows to change.
    def focused() -> str:
        return phone.evaluate("document.activeElement && document.activeElement.id")

    for _ in range(3):  # from the top of the page to the first answer
        phone.keyboard.press("Tab")
        if focused() == "q_reception-0":
            break
    for code in QUESTIONS:
        assert focused() == f"q_{code}-0", f"Tab did not reach the question {code}"
        phone.keyboard.press("Space")
        for _ in range(PLAN[code]):
            phone.keyboard.press("ArrowDown")
        chosen = phone.locator(f"input[name=q_{code}]:checked")
        assert chosen.get_attribute("value") == RATING[PLAN[code]], code
        phone.keyboard.press("Tab")
    assert focused() == "comment"
    phone.keyboard.type("保安很负责，绿化要加强")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.form.id") == "survey-answer"
    resident.shot(ui["shots"] + "03-phone-answered")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.inner_text("#survey-notice").strip() == ui["thanks"]
    resident.shot(ui["shots"] + "04-phone-thanks")
    seen(resident, "thanks")

    # The link is used: opened again, it says so, and a second answer is not taken.
    again = phone.goto(link)
    assert again.status == 409
    refusal = phone.inner_text("#survey-notice").strip()
    assert ui["answered"] in refusal
    assert phone.locator("#survey-answer").count() == 0
    resident.shot(ui["shots"] + "05-phone-already-answered")
    seen(resident, "already answered")
    blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the used link's page at phone size: {blocking}"
    with in_app():
        household = db.session.query(SurveyHousehold).filter_by(phone="13800138000").one()
        assert household.channel is AnswerChannel.online
        assert household.comment == "保安很负责，绿化要加强"
        assert db.session.query(SurveyAnswer).count() == 6

    # The supervisor's results: one of two households (50.0%), 5 of 6 ratings satisfied or
    # basically satisfied (83.3%), greenery 0.0%, the answer shown against the flat.
    desk.goto(f"/admin/surveys/{survey_id}/")
    assert desk.inner_text("#survey-response-rate").strip() == "50.0%"
    assert desk.inner_text("#survey-satisfaction-rate").strip() == "83.3%"
    assert "5 / 6" in desk.inner_text("#survey-kpis")
    greenery = desk.locator("#survey-by-question tbody tr").nth(4)
    assert greenery.locator("td").nth(3).inner_text().strip() == "0.0%"
    # The charts draw their bars: a full one for reception (100%), none for greenery.
    track, drawn = (
        desk.locator("#survey-by-question tbody tr").first.locator(".survey-bar rect").all()
    )
    assert drawn.bounding_box()["width"] == pytest.approx(track.bounding_box()["width"], abs=1)
    assert greenery.locator(".survey-bar rect").nth(1).bounding_box()["width"] == 0
    answered = desk.locator("#survey-households tbody tr", has_text="1201")
    assert ui["online"] in answered.inner_text()
    assert desk.locator("#survey-households tbody tr", has_text="602").locator("a").count() == 1
    office.shot(ui["shots"] + "06-results")
    seen(office, "results")
    desk.goto("/admin/surveys/")
    row = desk.locator("#surveys tbody tr").first
    assert [c.strip() for c in row.locator("td").all_inner_texts()][-2:] == ["50.0%", "83.3%"]
    seen(office, "survey list")
    assert not wrong_language, f"Words left in the other language: {wrong_language}"
