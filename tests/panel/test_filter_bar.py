"""The list's filter bar (Flask-Admin's filter groups): its labels and choices are kept per
language, the estates it offers are worked out per request."""

from __future__ import annotations

import json
import re

from admin_app.models import Role

CJK = re.compile(r"[\u4e00-\u9fff]")


def filter_bar(c) -> dict:
    page = c.get("/admin/ticket/").get_data(as_text=True)
    return json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1))


def offered(groups: dict, label: str) -> list[str]:
    return [text for item in groups[label] for _, text in item["options"] or ()]


def test_the_filter_bar_is_in_each_pages_language_and_offers_each_user_his_estates(
    factories, login
):
    east, west = factories.estate(name="东苑"), factories.estate(name="西苑")
    chinese = login(factories.staff(Role.supervisor, estates=[east]), lang="zh-CN")
    english = login(factories.staff(Role.supervisor, estates=[west]), lang="en")
    for _ in range(2):  # each language again after the other: nothing kept from the last page
        zh = filter_bar(chinese)
        assert "类别" in zh and "Category" not in zh
        assert "投诉" in offered(zh, "类别")
        assert offered(zh, "小区") == ["东苑"]
        en = filter_bar(english)
        assert "Category" in en and "Complaint" in offered(en, "Category")
        assert offered(en, "Estate") == ["西苑"]
        words = json.dumps({k: v for k, v in en.items() if k != "Estate"}, ensure_ascii=False)
        assert not CJK.search(words), CJK.findall(words)[:10]


def test_the_estates_are_offered_by_name_to_a_supervisor_and_to_a_director(app, factories, login):
    from ..conftest import statements_run

    names = ["乙苑", "Zeta", "甲苑", "Alpha"]
    estates = [factories.estate(name=name) for name in names]
    supervisor = login(factories.staff(Role.supervisor, estates=estates[:3]), lang="en")
    director = login(factories.staff(Role.director, all_estates=True), lang="en")

    # The supervisor's estates come with him (the user's load): the page asks for no list.
    with statements_run(app) as sent:
        assert offered(filter_bar(supervisor), "Estate") == sorted(names[:3])
    assert not [s for s in sent if re.search(r"FROM estate\s+WHERE estate\.id IN", s)]
    everyone = offered(filter_bar(director), "Estate")
    assert [n for n in everyone if n in names] == sorted(names)
