"""The links in inbox entries, e-mails and texts lead to the record's details page, built
without a request (a job has none), under the application's root when it has one."""

from __future__ import annotations

import pytest
from flask import Flask, current_app

from admin_app.services.reminders import messages
from admin_app.services.reminders.rules import MODELS


def test_every_remindable_record_links_to_its_details_page(in_app):
    with in_app():
        adapter = current_app.url_map.bind("localhost", script_name="/")
        for kind in MODELS:
            for record_id in (7, 1234567):
                expected = adapter.build(f"{kind}.details_view", {"id": record_id})
                assert messages.record_path(kind, record_id) == expected
        assert messages.record_path("work_order", 12) == "/admin/work_order/details/?id=12"


@pytest.mark.parametrize("root", ["/", "/wuye"])
def test_a_link_is_built_under_the_applications_root(root):
    app = Flask(__name__)
    app.config["APPLICATION_ROOT"] = root
    app.add_url_rule("/admin/ticket/details/", "ticket.details_view", lambda: "")
    with app.app_context():
        first = messages.record_path("ticket", 3)
        second = messages.record_path("ticket", 4)
    prefix = "" if root == "/" else root
    assert (first, second) == (
        f"{prefix}/admin/ticket/details/?id=3",
        f"{prefix}/admin/ticket/details/?id=4",
    )
