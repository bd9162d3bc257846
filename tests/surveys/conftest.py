"""An estate of five occupied households in two buildings and one vacant unit, and another
estate with one household; a survey helper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Occupancy, Unit
from admin_app.surveys import operations as surveys


@pytest.fixture
def world(factories, app):
    w = factories.two_estates()
    extra = [
        factories.unit(w.a, building="1", room="102"),
        factories.unit(w.a, building="2", room="201"),
        factories.unit(w.a, building="2", room="202"),
        factories.unit(w.a, building="2", room="203"),
    ]
    w.vacant = factories.unit(w.a, building="3", room="301")
    for i, unit in enumerate(extra):
        factories.resident(unit, name=f"住户{i}", phone=f"1370000000{i}")
    with app.app_context():
        for unit in (w.unit_a, *extra, w.unit_b):
            db.session.get(Unit, unit.id).occupancy = Occupancy.occupied
        db.session.commit()
    w.units_a = [w.unit_a, *extra]
    return w


@pytest.fixture
def make_survey(app):
    """make_survey(estate, **kw) -> the survey's id, set up and committed."""

    def make(estate, year=2026, days=30, **kw):
        with app.app_context():
            survey = surveys.create(estate.id, year, clock.today() + timedelta(days=days), **kw)
            db.session.commit()
            return survey.id

    return make


def household_ids(app, survey_id) -> list[int]:
    from admin_app.models import Survey

    with app.app_context():
        return [h.id for h in db.session.get(Survey, survey_id).households]
