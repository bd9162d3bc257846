"""A supervisor's batch over a whole filter, in a browser: filter the ticket list, choose a step
from "Apply to all matching", read the server's confirmation page (what will change, what is
skipped and why), confirm, and watch the batch finish. In Chinese and in English: the English
pages keep nothing Chinese but the records' own content."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import BatchRun, BatchStatus, Role, Ticket, TicketCategory, TicketStatus

from ..conftest import PASSWORD
from .conftest import chinese_left, details_field, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser


UI = {
    "zh": {"locale": "zh-CN", "shots": "", "category": "类别", "finished_at": "完成时间"},
    "en": {"locale": "en-US", "shots": "en-", "category": "Category", "finished_at": "Finished at"},
}
RECORDS = ("华苑小区", "锦绣花园", "李主管", "王前台", "帮忙搬运快递", "厨房水龙头漏水")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_supervisor_assigns_every_filtered_ticket(factories, in_app, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    other = factories.estate(code="JX", name="锦绣花园")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    desk = factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    help_ids = [
        factories.ticket(estate, TicketCategory.help, description=f"帮忙搬运快递 {i}").id
        for i in range(5)
    ]
    closed = factories.ticket(estate, TicketCategory.help, status=TicketStatus.closed)
    repair = factories.ticket(estate, TicketCategory.repair)
    elsewhere = factories.ticket(other, TicketCategory.help)  # another office's: out of sight

    boss = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    page = boss.page

    def nothing_chinese_left():
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    page.goto("/admin/ticket/")
    # Filter: category is "help request", through the list's own filter menu.
    page.locator(".field-filters").locator("xpath=preceding-sibling::a").click()
    page.click(f".field-filters a.filter:text-is('{ui['category']}')")
    page.select_option("table.filters select.filter-val", "help", force=True)
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    assert "category" in page.url
    assert page.locator("table.model-list tbody tr").count() == 6
    nothing_chinese_left()
    boss.shot(f"{ui['shots']}batch-01-filtered-list")

    page.click("#filter-batch > a")
    with page.expect_navigation():
        page.click("#filter-batch-assign")
    assert "scope=filter" in page.url
    lead = page.inner_text("p.lead")
    assert "5" in lead and "1" in lead  # five will change, one (closed) is skipped
    assert page.locator(".alert-warning li").count() == 1
    assignee = page.locator("#assignee option", has_text="王前台").get_attribute("value")
    page.select_option("#assignee", assignee)
    nothing_chinese_left()
    boss.shot(f"{ui['shots']}batch-02-confirmation")
    submit(page)

    assert "/admin/action_batch/details/" in page.url
    page.wait_for_function("document.getElementById('batch-processed').textContent.trim() === '6'")
    assert page.inner_text("#batch-done").strip() == "5"
    assert page.inner_text("#batch-skipped").strip() == "1"
    # The record's facts in the panel's language, the skipped one with its reason as a list.
    assert details_field(page, ui["finished_at"])
    assert page.locator(".batch-problems li", has_text=closed.number).count() == 1
    nothing_chinese_left()
    # The record the supervisor lands on, read with a screen reader's eyes: its progress bar
    # has a name and its percentage can be read against the bar.
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the batch's record: {blocking}"
    boss.shot(f"{ui['shots']}batch-03-done")
    with in_app():
        batch = db.session.query(BatchRun).one()
        assert batch.status is BatchStatus.done
        assignees = {t.id: t.assignee_id for t in db.session.query(Ticket)}
    assert all(assignees[i] == desk.id for i in help_ids)
    assert assignees[closed.id] is None and assignees[repair.id] is None
    assert assignees[elsewhere.id] is None
