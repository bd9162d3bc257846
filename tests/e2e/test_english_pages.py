"""Every page of the panel in English, as an administrator opens it from the menu: the list
(with records in it), the new-record form and a record's details. Nothing Chinese is left on
them but the records' own content."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from .conftest import chinese_left
from .office_pages import seed_every_page, words_left

pytestmark = pytest.mark.browser


def test_every_page_in_english(factories, screen):
    details = seed_every_page(factories)

    admin = screen("admin", locale="en-US").login("root", PASSWORD)
    untranslated = words_left(admin, details, chinese_left)
    assert not untranslated, f"Chinese left on English pages: {untranslated}"
