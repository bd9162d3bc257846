"""What a printed receipt (收费凭证) needs beyond the record: the amount in capital numerals."""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿")


def _section(number: int) -> str:
    """0-9999 in capitals, zeros between digits read once (1005: 壹仟零伍)."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += DIGITS[0]
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def amount_in_words(amount: Decimal) -> str:
    """The amount as written on a Chinese receipt (大写): 85.50 → 捌拾伍元伍角整."""
    cents = int((Decimal(amount) * 100).quantize(Decimal(1)))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    # lower: the section below, once one is written; lower_gap: a zero section since.
    parts, index, lower, lower_gap = [], 0, None, False
    while yuan:
        section = yuan % 10000
        if section:
            words = _section(section) + BIG_UNITS[index]
            # 壹万零伍 (10005), 壹仟壹佰万零伍佰 (11000500): a gap below is read as one zero.
            if lower is not None and (lower < 1000 or lower_gap):
                words += DIGITS[0]
            parts.insert(0, words)
            lower, lower_gap = section, False
        elif lower is not None:
            lower_gap = True
        yuan //= 10000
        index += 1
    text = "".join(parts)
    if text:
        text += "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and text:
        text += DIGITS[0]
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return text if cents else "零元整"
