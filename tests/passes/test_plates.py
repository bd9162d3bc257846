"""Chinese plate numbers: ordinary 7-character plates and 8-character new-energy plates."""

from __future__ import annotations

import pytest

from admin_app.validation import is_new_energy_plate, is_plate, normalise_plate

# (as typed, normalised, valid, new-energy)
PLATES = [
    ("粤B12345", "粤B12345", True, False),
    ("京A9X27K", "京A9X27K", True, False),  # letters may appear in the serial
    ("粤B1234学", "粤B1234学", True, False),  # driving-school car
    ("沪A1234领", "沪A1234领", True, False),  # consulate
    ("粤Z1234港", "粤Z1234港", True, False),  # Hong Kong car entering the mainland
    ("粤BI2345", "粤BI2345", False, False),  # I and O are never used (they read as 1 and 0)
    ("粤BO2345", "粤BO2345", False, False),
    ("粤B1234", "粤B1234", False, False),  # too short
    ("粤B123456", "粤B123456", False, False),  # 8 characters but no new-energy letter
    ("粤12345", "粤12345", False, False),  # no city letter
    ("AB12345", "AB12345", False, False),  # no province
    ("使A12345", "使A12345", False, False),  # 使 is not a province
    # Small new-energy: D (pure electric) / F (hybrid) in third place, then a letter or digit,
    # then four digits; since 2021 also A-E (electric) and G-K (hybrid).
    ("粤BD12345", "粤BD12345", True, True),
    ("粤BF12345", "粤BF12345", True, True),
    ("粤BDA1234", "粤BDA1234", True, True),
    ("粤BA12345", "粤BA12345", True, True),
    ("粤BK12345", "粤BK12345", True, True),
    ("粤BD1234A", "粤BD1234A", False, False),  # the last four are digits
    ("粤BDI1234", "粤BDI1234", False, False),
    ("粤BL12345", "粤BL12345", False, False),  # L is not a new-energy letter
    # Large new-energy: five digits, then D or F.
    ("粤B12345D", "粤B12345D", True, True),
    ("粤B12345F", "粤B12345F", True, True),
    ("粤B12345A", "粤B12345A", False, False),  # large vehicles use D or F only
    ("粤B1234DD", "粤B1234DD", False, False),
    # What people type: lower case, spaces, the dot on the plate, full-width characters.
    ("粤b d12345", "粤BD12345", True, True),
    ("粤B·12345", "粤B12345", True, False),
    ("粤Ｂ１２３４５", "粤B12345", True, False),
    ("  粤B-D1234-5 ", "粤BD12345", True, True),
]


@pytest.mark.parametrize(("typed", "normalised", "valid", "new_energy"), PLATES)
def test_plates(typed, normalised, valid, new_energy):
    plate = normalise_plate(typed)
    assert plate == normalised
    assert is_plate(plate) is valid
    assert is_new_energy_plate(plate) is new_energy
