"""A work order's details page reads in sections, next steps first, empty sections left out."""

from __future__ import annotations

import re

from admin_app.models import Role


def test_a_new_orders_details_show_its_sections_and_leave_the_empty_ones_out(factories, login):
    w = factories.two_estates()
    order = factories.work_order(w.a)
    page = login(factories.staff(Role.supervisor, estates=[w.a]), lang="en")
    html = page.get(f"/admin/work_order/details/?id={order.id}").get_data(as_text=True)
    titles = re.findall(r'details-section-title">([^<]+)<', html)
    assert titles[0] == "Work order"
    assert "Revisit" not in titles and "Signature and fee" not in titles
    assert html.index('id="record-actions"') < html.index("details-section")
