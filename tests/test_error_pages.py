"""Every error page in the reader's language, all of it: the message, the title, the link
home; marked as Chinese or English for the browser's fonts and screen readers."""

from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import default_exceptions

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
STATUSES = (400, 403, 404, 405, 413, 429, 500)
# What each page says, in a few words of each language.
SAYS = {
    400: ("could not be understood", "无法"),
    403: ("permission", "权限"),
    404: ("does not exist", "不存在"),
    405: ("not allowed", "不允许"),
    413: ("too large", "太大"),
    429: ("Too many requests", "请求过于频繁"),
    500: ("Something went wrong", "出错"),
}


def error_page(app, status: int, lang: str) -> str:
    with app.test_request_context("/admin/", headers={"Accept-Language": lang}):
        response = app.make_response(app.handle_http_exception(default_exceptions[status]()))
    assert response.status_code == status
    return response.get_data(as_text=True)


def readable_text(html: str) -> str:
    """The page's text without its markup, head links and code attributes."""
    html = re.sub(r"<link[^>]*>|<meta[^>]*>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("status", STATUSES)
def test_error_page_in_chinese(app, status):
    page = error_page(app, status, "zh-CN")
    assert '<html lang="zh-CN">' in page
    text = readable_text(page)
    assert SAYS[status][1] in text
    assert ENGLISH_WORD.findall(text) == []


@pytest.mark.parametrize("status", STATUSES)
def test_error_page_in_english(app, status):
    page = error_page(app, status, "en")
    assert '<html lang="en">' in page
    text = readable_text(page)
    assert SAYS[status][0] in text
    assert not CJK.search(text)


def test_a_page_that_does_not_exist_answers_in_chinese(client):
    response = client.http.get("/admin/no-such-page/", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert "不存在" in response.get_data(as_text=True)
