"""A large-item release's list on its card: normal type, smaller type, or flagged as too long."""

from __future__ import annotations

from admin_app.passes.card_fit import items_fit, printed_lines


def test_short_lists_keep_the_normal_type():
    assert items_fit("冰箱一台\n洗衣机一台", "A6") == "normal"
    assert items_fit("冰箱一台", "A5") == "normal"


def test_a_long_list_gets_smaller_type_then_a_warning():
    lines = lambda n: "\n".join(f"第{i}件：实木衣柜一组" for i in range(n))  # noqa: E731
    assert items_fit(lines(10), "A6") == "small"
    assert items_fit(lines(13), "A6") == "too-long"
    assert items_fit(lines(13), "A5") == "small"  # the larger card holds it
    assert items_fit(lines(40), "A5") == "too-long"


def test_a_long_line_wraps_and_latin_letters_are_narrower():
    assert printed_lines("家" * 52, 26) == 2
    assert printed_lines("a" * 40, 26) == 1
    assert printed_lines("", 26) == 1
