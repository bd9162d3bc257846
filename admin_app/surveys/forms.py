"""The survey's forms: setting one up, and one household's answers (staff or resident)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin_app.models import AnswerChannel
from admin_app.panel.forms import CleanForm
from admin_app.surveys.operations import MAX_COMMENT
from admin_app.surveys.questionnaire import DEFAULT, QUESTIONS, RATINGS, label


class SetUpForm(CleanForm):
    estate = SelectField(_l("Estate"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])
    closes_on = DateField(_l("Answers taken until"), validators=[DataRequired()])
    sample_size = IntegerField(
        _l("Sample size"),
        description=_l("Leave empty to ask every occupied unit; else this many, drawn at random."),
        validators=[Optional(), NumberRange(1, 100000)],
    )
    # The default questionnaire's areas; an office may leave some out (never add its own here).
    questions = SelectMultipleField(
        _l("Questions"),
        choices=list(QUESTIONS.items()),
        default=list(DEFAULT),
        validators=[DataRequired(message=_l("Choose at least one question."))],
    )


def answer_form(codes: list[str], staff: bool):
    """A form with one required rating per question, the comment, and (staff) the channel."""

    class AnswerForm(CleanForm):
        comment = TextAreaField(
            _l("Anything you would like to tell us"), validators=[Length(max=MAX_COMMENT)]
        )

    for code in codes:
        field = RadioField(
            label(code),
            choices=[(r.value, r.label) for r in RATINGS],
            validators=[DataRequired(message=_l("Choose one answer."))],
        )
        setattr(AnswerForm, f"q_{code}", field)
    if staff:
        AnswerForm.channel = RadioField(
            _l("Answer taken"),
            choices=[(c.value, c.label) for c in (AnswerChannel.phone, AnswerChannel.paper)],
            default=AnswerChannel.phone.value,
            validators=[DataRequired()],
        )
    return AnswerForm


def ratings_of(form, codes: list[str]) -> dict[str, str]:
    return {code: form[f"q_{code}"].data for code in codes}
