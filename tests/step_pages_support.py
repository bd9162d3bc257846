"""Reading a step's page as a person does: its text, the record's summary above the form
(`action_summary_template`), and the messages flashed."""

from __future__ import annotations

import html
import re


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def summary(page: str) -> str:
    found = re.search(r'id="record-summary".*?</table>', page, re.S)
    return text_of(found.group(0)) if found else ""


def messages(page: str) -> list[str]:
    """The flashed messages, as read."""
    found = re.findall(
        r'class="alert alert-\w+ alert-dismissable">.*?</button>(.*?)</div>', page, re.S
    )
    return [text_of(m).strip() for m in found]
