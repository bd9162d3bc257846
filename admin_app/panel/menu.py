"""The menu's sections, in the order the office works; each domain adds its screens to them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FRONT_DESK = _l("Front desk")
FEES = _l("Fees and cash")
PASSES = _l("Passes")
PROPERTY = _l("Property")
RECORDS = _l("Records")
