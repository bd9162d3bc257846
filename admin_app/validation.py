"""Checks and normalisation of the facts people type: phones, ID numbers, plates, text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from admin_app.services.errors import ServiceError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(body: str) -> str:
    """The check character of the first 17 digits of a mainland resident ID."""
    if len(body) != 17 or not body.isdigit():
        raise ValueError(body)
    # The weights are 2**(17 - i) mod 11 and 13 = 2 (mod 11), so the weighted sum is
    # 2 * int(body, 13) modulo 11: one C call instead of 17 Python steps (the import checks
    # 100,000 numbers at a time). Same result as the table _ID_WEIGHTS, which the tests use.
    return _ID_CHECK[2 * int(body, 13) % 11]


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Ordinary plates: 京A12345 (5 letters/digits, no I/O; trailer, coach, police, Hong Kong,
# Macau and consulate plates end in 挂学警港澳领). New-energy plates have 8 characters:
# small vehicles 京AD12345 / 京AF12345 (D/F, and since 2021 A-E for pure electric and G-K for
# hybrids, then a letter or digit, then four digits); large vehicles 京A12345D (D or F only).
_PLATE = re.compile(
    rf"^[{_PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳领]"
    rf"|[A-HJK][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DF])$"
)


def fold(text: str | None) -> str:
    """Trim and fold full-width letters, digits and punctuation to their ASCII forms."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return " ".join(folded.split())


# What people write after each part of a unit's address ("3栋1单元601室", "3号楼", "3#"), longest
# first: "号楼" is a building, "号" alone a room.
UNIT_SUFFIXES = {
    "building": ("号楼", "栋", "幢", "座", "#", "楼"),
    "entrance": ("单元",),
    "room": ("室", "房", "号"),
}
# The panel's label adds 栋, 单元 and 室 (models/unit.py) and drops these before doing so; "3楼"
# may be a floor and "12号" a house number, so a label keeps 楼 and 号.
_KEPT_IN_LABELS = ("楼", "号")


def unit_part(kind: str, text: str | None, *, label: bool = False) -> str:
    """One part of a unit without its suffix, folded: '３栋' -> '3', '1单元' -> '1',
    '0301室' -> '0301'; a text that is only a suffix stays as it is."""
    text = fold(text)
    for suffix in UNIT_SUFFIXES[kind]:
        if label and suffix in _KEPT_IN_LABELS:
            continue
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)].rstrip()
    return text


_PHONE_NOISE = str.maketrans("", "", " -().")  # after fold() every space is a plain " "


def normalise_phone(raw: str | None) -> str:
    """'+86 138-0013-8000' -> '13800138000'; landlines keep their area code."""
    digits = fold(raw).translate(_PHONE_NOISE)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def one_line(text: str | None, limit: int) -> str:
    """Typed text on one line (runs of spaces and line breaks as one space), cut to `limit`."""
    return " ".join((text or "").split())[:limit]


def checked_phone(raw: str | None) -> str | None:
    """A phone number typed, normalised; None when none was typed. Refused, echoing what was
    typed, when it is no phone number."""
    phone = normalise_phone(raw)
    if not phone:
        return None
    if not is_phone(phone):
        raise ServiceError(_l("“%(phone)s” is not a phone number."), phone=one_line(raw, 20))
    return phone


# Record ids are PostgreSQL INTEGER: anything else names no record (and must not reach SQL).
MAX_RECORD_ID = 2**31 - 1


def record_id(value) -> int | None:
    """The record id a request names, or None when it cannot name one (not a number, zero,
    negative, or beyond the column's range)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_RECORD_ID else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(text: str) -> bool:
    """A plausible e-mail address (one @, a dot in the domain, no spaces): what the office
    can check without asking the mail server."""
    return bool(_EMAIL.match(text or ""))


def is_mobile(phone: str) -> bool:
    return bool(_MOBILE.match(phone or ""))


def is_phone(phone: str) -> bool:
    return is_mobile(phone) or bool(_LANDLINE.match(phone or ""))


def id_checksum_ok(number: str) -> bool:
    """Mainland resident ID (18 characters, ISO 7064 MOD 11-2 check character)."""
    number = fold(number).upper()
    if not re.match(r"^\d{17}[\dX]$", number):
        return False
    return id_check_char(number[:17]) == number[17]


# The first two digits of a mainland ID: the province (GB/T 2260), Taiwan, Hong Kong, Macau.
_PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


def first_generation_id_ok(number: str) -> bool:
    """A first-generation (1984-2004) mainland ID: 15 digits, a 6-digit region, the birth date
    as YYMMDD of the 1900s and a 3-digit sequence. It has no check digit, so the region and the
    date are what can be checked."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in _PROVINCE_CODES:
        return False
    if number[2:6] == "0000":
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def is_valid_id_document(number: str) -> bool:
    """A mainland ID with a correct check character, a first-generation 15-digit one with a
    possible region and birth date, or another document (passport, HK/Macau/Taiwan permits) of
    6-20 letters and digits: those have no public checksum."""
    number = fold(number).upper().replace(" ", "")
    if re.match(r"^\d{17}[\dX]$", number):
        return id_checksum_ok(number)
    if len(number) == 15 and number.isdigit():
        return first_generation_id_ok(number)
    if re.match(r"^\d{15,18}$", number):
        return False
    return bool(re.match(r"^[A-Z0-9]{6,20}$", number))


def normalise_plate(raw: str | None) -> str:
    return fold(raw).upper().replace(" ", "").replace("·", "").replace("-", "")


def is_plate(plate: str) -> bool:
    return bool(_PLATE.match(plate or ""))


def plates_without_province(plate: str) -> list[str]:
    """The plates a plate typed without its province character may be ("BD12345" →
    粤BD12345, 京BD12345, …): a guard's phone keyboard has no 粤 without switching."""
    if not plate or plate[0] in _PROVINCES:
        return []
    return [p + plate for p in _PROVINCES if _PLATE.match(p + plate)]


def is_new_energy_plate(plate: str) -> bool:
    return is_plate(plate) and len(plate) == 8
