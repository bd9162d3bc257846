"""The one reader of unit spellings, shared by every unit lookup and by the resident import.

It reads "3栋1单元601室", "3-1-601", "3#1-601", "3号楼601", "601室", "３栋" and the panel's own
label ("Bldg 3, Ent. 1, Rm 601"): a text gives one or two readings (building / entrance / room,
each found or not: "3-601" is building 3 and room 601, or building 3 and entrance 601). The
estate's units then say which unit it is, or what is ambiguous, in the reader's language.
Lookups ask the database with equality first (indexed), a typed-on prefix only after.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from admin_app.models.unit import Unit, unit_label
from admin_app.validation import UNIT_SUFFIXES, fold, unit_part

KINDS = ("building", "entrance", "room")
MAX_TEXT = 64  # longer than any unit's address: not read
MAX_OFFSET = 200  # a lookup pages 10 at a time; nobody scrolls 20 pages of units
SHOWN_CHOICES = 4

_SEPARATORS = r"\s,;/\\|_\-—–~·、"
_SUFFIX_KIND = {s: kind for kind in KINDS for s in UNIT_SUFFIXES[kind]}
_SUFFIXES = "|".join(re.escape(s) for s in sorted(_SUFFIX_KIND, key=len, reverse=True))
_ENGLISH = {
    "bldg": "building",
    "building": "building",
    "blk": "building",
    "block": "building",
    "ent": "entrance",
    "entrance": "entrance",
    "rm": "room",
    "room": "room",
}
_TOKEN = re.compile(
    rf"(?P<sep>[{_SEPARATORS}]+|#)"
    rf"|(?P<en>(?i:{'|'.join(sorted(_ENGLISH, key=len, reverse=True))}))(?=[.\s\d])\.?\s*"
    rf"(?P<en_value>[^{_SEPARATORS}#]+)"
    rf"|(?P<value>[^{_SEPARATORS}#]+?)(?P<suffix>{_SUFFIXES})"
    rf"|(?P<bare>[^{_SEPARATORS}#]+)"
)
_SPACE_BEFORE_SUFFIX = re.compile(rf"\s+(?=(?:{_SUFFIXES}))")


@dataclass(frozen=True)
class Reading:
    """What a text names; None where it says nothing. `open` is the part typed last without a
    suffix: it may be unfinished ("60" on the way to "601"), so a lookup also tries it as a
    prefix."""

    building: str | None = None
    entrance: str | None = None
    room: str | None = None
    open: str | None = None

    def parts(self) -> dict[str, str]:
        return {kind: getattr(self, kind) for kind in KINDS if getattr(self, kind) is not None}


@functools.lru_cache(maxsize=8192)  # an estate has few buildings, entrances and room numbers
def key(kind: str, text: str | None) -> str:
    """Two spellings of one part compare equal by their keys ("3栋" and "３", "s01" and "S01")."""
    return unit_part(kind, text).upper().replace(" ", "")


def _tokens(text: str) -> list[tuple[str | None, str, bool]] | None:
    """(kind or None when unmarked, value, typed without a suffix) for each part; None when the
    text is no unit's address."""
    text = _SPACE_BEFORE_SUFFIX.sub("", fold(text))
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        position = match.end()
        if match["en"]:
            tokens.append((_ENGLISH[match["en"].lower()], match["en_value"], True))
        elif match["suffix"]:
            kind = _SUFFIX_KIND[match["suffix"]]
            if match["suffix"] == "号" and position < len(text):
                kind = "building"  # "3号1单元601": 号 before more parts numbers the building
            tokens.append((kind, match["value"], False))
        elif match["bare"]:
            tokens.append((None, match["bare"], True))
    return tokens


def _assign(tokens, given: tuple[str, ...]) -> list[Reading]:
    known: dict[str, str] = {}
    bare: list[str] = []
    for kind, value, _ in tokens:
        if kind is None:
            bare.append(value)
        elif kind in known or kind in given:
            return []
        else:
            known[kind] = unit_part(kind, value)
    free = [kind for kind in KINDS if kind not in known and kind not in given]
    if len(bare) > len(free):
        return []
    last_kind, _, last_open = tokens[-1]
    if not bare:
        return [Reading(**known, open=last_kind if last_open else None)]
    # People end with the room ("3栋601", "3-601"); else the parts come in address order. A
    # lone number is a building first ("3"), then a room ("601": no building is called that).
    orders = [free[: len(bare)]]
    if "room" in free:
        ending_with_room = [kind for kind in free if kind != "room"][: len(bare) - 1] + ["room"]
        orders.insert(1 if len(bare) == 1 and not known else 0, ending_with_room)
    readings = []
    for order in orders:
        parts = dict(known, **dict(zip(order, bare, strict=True)))
        open_kind = (order[-1] if last_kind is None else last_kind) if last_open else None
        reading = Reading(**parts, open=open_kind)
        if reading not in readings:
            readings.append(reading)
    return readings


@functools.lru_cache(maxsize=8192)  # an import repeats the same few buildings and rooms
def read(text: str, given: tuple[str, ...] = ()) -> tuple[Reading, ...]:
    """The readings of a text, the likelier first; none when it is no unit's address. `given`
    names the parts known from elsewhere (the import's other columns)."""
    if not text or len(text) > MAX_TEXT:
        return ()
    tokens = _tokens(text)
    if not tokens or len(tokens) > len(KINDS):
        return ()
    return tuple(_assign(tokens, given))


def read_part(kind: str, text: str, given: tuple[str, ...] = ()) -> Reading | None:
    """A cell meant for one part, which may hold more ("1单元202室" in a room column): the
    reading that includes that part, or None."""
    for known in (given, ()) if given else ((),):
        for reading in read(text, known):
            if getattr(reading, kind) is not None:
                return reading
    return None


# -- The estate's units ---------------------------------------------------------------------------

# What to add, by the parts in which the candidates differ.
_MISSING = {
    ("building",): _l("the building"),
    ("entrance",): _l("the entrance"),
    ("room",): _l("the room"),
    ("building", "entrance"): _l("the building and the entrance"),
    ("building", "room"): _l("the building and the room"),
    ("entrance", "room"): _l("the entrance and the room"),
    ("building", "entrance", "room"): _l("the building, the entrance and the room"),
}


def ambiguity(text: str, choices: list[tuple[str, str, str]]) -> str:
    """Why a text names several units (`choices`: their building, entrance, room), in the
    current language."""
    shown = " / ".join(unit_label(*parts) for parts in choices[:SHOWN_CHOICES])
    if len(choices) > SHOWN_CHOICES:
        shown += " …"
    differ = tuple(
        kind
        for index, kind in enumerate(KINDS)
        if len({key(kind, parts[index]) for parts in choices}) > 1
    )
    if not differ:
        return gettext(
            "“%(text)s” matches %(units)s, written alike: rename one of them in the units list.",
            text=text,
            units=shown,
        )
    return gettext(
        "“%(text)s” could be %(units)s: give %(missing)s.",
        text=text,
        units=shown,
        missing=_MISSING[differ],
    )


@dataclass
class Found:
    """What a text names in the units a query can see: one unit, or why not."""

    text: str
    readings: tuple[Reading, ...]
    candidates: list[Unit] = field(default_factory=list)

    @property
    def unit(self) -> Unit | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def message(self) -> str | None:
        """None when one unit was found; else what is wrong, in the current language."""
        if self.unit is not None:
            return None
        if not self.readings:
            return gettext(
                "“%(text)s” is not a unit: write it like 3栋1单元601室 or 3-1-601.", text=self.text
            )
        if not self.candidates:
            return gettext("There is no unit “%(text)s”.", text=self.text)
        return ambiguity(self.text, [(u.building, u.entrance, u.room) for u in self.candidates])


def spellings(kind: str, value: str) -> list[str]:
    """The stored forms that name a part: "3" is also stored as "3栋", "3号楼"; "s01" as "S01"."""
    found = []
    for text in dict.fromkeys((value, value.upper())):
        for suffix in ("", *UNIT_SUFFIXES[kind]):
            found.append(text + suffix)
    return found


def _clause(reading: Reading, prefix: bool):
    clauses = []
    for kind, value in reading.parts().items():
        column = getattr(Unit, kind)
        if prefix and kind == reading.open:
            pattern = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(column.like(pattern + "%", escape="\\"))
            clauses.append(column.notin_(spellings(kind, value)))
        else:
            clauses.append(column.in_(spellings(kind, value)))
    return and_(*clauses)


def _tiers(readings: tuple[Reading, ...]) -> list:
    """Exact matches of every reading first, then the readings' unfinished parts as prefixes."""
    exact = [_clause(reading, prefix=False) for reading in readings]
    return exact + [_clause(reading, prefix=True) for reading in readings if reading.open]


# The order of a lookup's choices, as the units list and the register read: building, entrance,
# floor, room (rooms compared as text read "1001, 1002, 101", the entrances interleaved). A
# director's straight from ix_unit_building_register; a supervisor's matches (a room or a
# building of his estates) are read by the estate-led indexes and sorted, never a large part
# of the table.
ORDER = (Unit.building, Unit.entrance, Unit.floor, Unit.room, Unit.id)


def find(query, text: str) -> Found:
    """The unit a text names among those of `query` (the caller's scope, one estate)."""
    readings = read(fold(text))
    found = Found(text=text, readings=readings)
    if readings:
        exact = or_(*(_clause(reading, prefix=False) for reading in readings))
        found.candidates = query.filter(exact).order_by(*ORDER).limit(SHOWN_CHOICES + 1).all()
    return found


def search(query, text: str, offset: int = 0, limit: int = 10) -> list[Unit]:
    """Units for a lookup: what the text names exactly first (every 601 for "601", building 3
    for "3"), then what its last part may grow into ("60" -> 601, 602). Each step is an indexed
    query of at most offset + limit rows, asked only while the page is not full."""
    offset = max(0, min(offset, MAX_OFFSET))
    wanted = offset + limit
    readings = read(fold(text))
    if not readings:
        return []
    seen: dict[int, Unit] = {}
    for clause in _tiers(readings):
        for unit in query.filter(clause).order_by(*ORDER).limit(wanted).all():
            seen.setdefault(unit.id, unit)
        if len(seen) >= wanted:
            break
    return list(seen.values())[offset:wanted]


def exact_condition(text: str):
    """Every unit a text names exactly ("3-1-601"; "601": every room 601), as one filter;
    None when the text is no unit's address."""
    readings = read(fold(text))
    return or_(*(_clause(reading, prefix=False) for reading in readings)) if readings else None


def condition(text: str):
    """Every unit a text may name, exactly or typed on, as one filter (the units list's search);
    None when the text is no unit's address."""
    readings = read(fold(text))
    return or_(*_tiers(readings)) if readings else None
