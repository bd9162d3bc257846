"""The default questionnaire (业主满意度调查表): the seed's service areas, each rated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin_app.models import Satisfaction

# code -> the question as the resident reads it; the order is the form's.
QUESTIONS = {
    "reception": _l("Reception and service centre (front desk, phone, complaints)"),
    "repairs": _l("Repairs (speed, quality, fees, attitude)"),
    "cleaning": _l("Cleaning of public areas"),
    "security": _l("Security and order (gates, patrols, parking)"),
    "greenery": _l("Greenery and landscaping"),
    "overall": _l("Overall, the property management service"),
}
DEFAULT = tuple(QUESTIONS)
RATINGS = tuple(Satisfaction)
SATISFIED = (Satisfaction.satisfied, Satisfaction.basically)
# 001 二(二)2: 满意率75%以上 nationally; the office's own target is 95%.
TARGET = 0.95
NATIONAL = 0.75


def label(code: str) -> str:
    return str(QUESTIONS.get(code, code))
