"""The supervisor chooses, on Property → Estate settings, which steps of a repair the estate's
households hear of by text — the same verb the CLI (`flask resident-texts events`) calls."""

from __future__ import annotations

from admin_app.models import NoticeEvent, Role
from admin_app.resident_notices import settings

SCREEN = "/admin/estate_settings/"
SAVE = "/admin/estate_settings/resident-texts/"


def test_the_supervisor_ticks_the_steps_and_unticks_them_all(login, in_app, factories):
    w = factories.two_estates()
    boss = login(factories.staff(Role.supervisor, estates=[w.a]), lang="zh-CN")
    page = boss.get(SCREEN).get_data(as_text=True)
    assert "短信" in page and f'id="texts-{w.a.id}-dispatched"' in page
    assert f'id="texts-{w.b.id}-dispatched"' not in page  # not an estate of theirs

    saved = boss.post(SAVE, {"estate": w.a.id, "events": ["dispatched", "rating"]})
    assert saved.status_code == 302
    with in_app():
        assert settings.estate_events(w.a.id) == {NoticeEvent.dispatched, NoticeEvent.rating}
    page = boss.get(SCREEN).get_data(as_text=True)
    assert f'id="texts-{w.a.id}-rating" checked' in page
    assert f'id="texts-{w.a.id}-arrived" checked' not in page

    boss.post(SAVE, {"estate": w.a.id})  # nothing ticked: no texts
    with in_app():
        assert settings.estate_events(w.a.id) == set()


def test_other_estates_and_other_roles_are_refused(login, in_app, factories):
    w = factories.two_estates()
    boss = login(factories.staff(Role.supervisor, estates=[w.a]))
    assert boss.post(SAVE, {"estate": w.b.id, "events": ["done"]}).status_code == 404
    desk = login(factories.staff(Role.receptionist, estates=[w.a]))
    assert desk.post(SAVE, {"estate": w.a.id, "events": ["done"]}).status_code == 403
    refused = boss.post(SAVE, {"estate": w.a.id, "events": ["everything"]}, follow_redirects=True)
    assert refused.status_code == 200
    with in_app():
        assert settings.estate_events(w.a.id) == set() == settings.estate_events(w.b.id)


def test_a_choice_counts_at_once_in_its_transaction_and_a_rollback_forgets_it(in_app, factories):
    # The estate's choice is read once per transaction (a batch asks per record); a change in
    # the same transaction and a rolled-back one are both seen as they are.
    from admin_app.extensions import db

    w = factories.two_estates()
    with in_app():
        estate = db.session.get(type(w.a), w.a.id)
        assert settings.estate_events(w.a.id) == set()
        settings.set_estate_events(estate, None, ["arrived"])
        assert settings.estate_events(w.a.id) == {NoticeEvent.arrived}
        db.session.rollback()
        assert settings.estate_events(w.a.id) == set()
        settings.set_estate_events(db.session.get(type(w.a), w.a.id), None, ["done"])
        db.session.commit()
    with in_app():
        assert settings.estate_events(w.a.id) == {NoticeEvent.done}
