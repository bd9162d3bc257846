"""The yearly satisfaction survey (业主满意度调查): the households asked and their answers."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admin_app.extensions import db
from admin_app.models.base import Choice, EstateScoped, TimestampMixin, choice_column
from admin_app.models.work_order import Satisfaction


class AnswerChannel(Choice):
    phone = "phone", _l("By phone")
    paper = "paper", _l("Paper form")
    online = "online", _l("Resident's own phone (link)")


class Survey(EstateScoped, TimestampMixin, db.Model):
    """One estate's survey of one year (001 二(二)2: at least once a year)."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("estate_id", "year", name="uq_survey_estate_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    # The questionnaire's question codes, comma-separated, in order (surveys/questionnaire.py).
    questions: Mapped[str] = mapped_column(String(200))
    # The last day answers are taken; the residents' links stop working the day after.
    closes_on: Mapped[date] = mapped_column(Date)
    # None: every occupied unit; else the size of the random sample drawn.
    sample_size: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    households = relationship(
        "SurveyHousehold", back_populates="survey", order_by="SurveyHousehold.id"
    )

    @property
    def question_codes(self) -> list[str]:
        return [code for code in self.questions.split(",") if code]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.year}" if self.estate else str(self.year)


class SurveyHousehold(TimestampMixin, db.Model):
    """A unit picked for the survey: at most one answer, by staff or through its own link."""

    __tablename__ = "survey_household"
    __audit_exclude__ = frozenset({"nonce"})  # the history must not reprint a working link
    __table_args__ = (UniqueConstraint("survey_id", "unit_id", name="uq_survey_household_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by uq_survey_household_unit, which leads with it.
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    survey = relationship("Survey", back_populates="households")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined", innerjoin=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    # Part of the signed link: a new nonce voids the links sent before.
    nonce: Mapped[str] = mapped_column(String(32))
    link_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    channel: Mapped[AnswerChannel | None] = mapped_column(choice_column(AnswerChannel))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    answers = relationship("SurveyAnswer", back_populates="household", order_by="SurveyAnswer.id")


class SurveyAnswer(db.Model):
    """One question's rating by one household."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        # The second answer of a household (a double click, two phones) ends here.
        UniqueConstraint("household_id", "question", name="uq_survey_answer_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by uq_survey_answer_question, which leads with it.
    household_id: Mapped[int] = mapped_column(ForeignKey("survey_household.id"))
    household = relationship("SurveyHousehold", back_populates="answers")
    question: Mapped[str] = mapped_column(String(32))
    rating: Mapped[Satisfaction] = mapped_column(choice_column(Satisfaction))
