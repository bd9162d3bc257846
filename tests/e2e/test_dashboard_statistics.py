"""The director's dashboard and statistics in a browser: today's queues link to their lists,
the statistics page draws its charts (no script errors: the screen fixture fails on any) and
switches period and estate. In Chinese and in English: the English pages keep nothing Chinese
but the records' own names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.models import (
    ComplaintCode,
    Role,
    Satisfaction,
    Severity,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    WorkOrderStatus,
)

from ..conftest import PASSWORD
from .conftest import chinese_left, submit

pytestmark = pytest.mark.browser

CHART_DRAWN = """id => {
    const canvas = document.getElementById(id);
    const chart = Chart.getChart(canvas);
    if (!chart || canvas.width === 0 || canvas.height === 0) return null;
    // Something was painted: not every pixel is transparent.
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
    return {labels: chart.data.datasets.map(d => d.label), painted};
}"""

# Every point of a rate, and the quarter's label under the last ones, drawn whole: each point's
# box (radius and border) inside the canvas, and the point's outline (its dataset's colour)
# painted on all four sides of its centre, not cut off at the edge of the plot (a rate of 100%
# lies on it). The problems found, as text.
POINTS_WHOLE = """id => {
    const canvas = document.getElementById(id);
    const chart = Chart.getChart(canvas);
    const width = canvas.clientWidth, height = canvas.clientHeight;
    const scale = canvas.width / width;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = Chart.helpers.color;
    const painted = (x, y, [r, g, b]) => {
        const i = (Math.round(y * scale) * canvas.width + Math.round(x * scale)) * 4;
        return pixels[i + 3] > 64
            && Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 90;
    };
    const problems = [];
    chart.data.datasets.forEach((dataset, d) => {
        chart.getDatasetMeta(d).data.forEach((point, n) => {
            const o = point.options;
            if (dataset.data[n] === null || !o.radius) return;
            const r = o.radius + o.borderWidth, {x, y} = point;
            const where = `${dataset.label} ${chart.data.labels[n]} (${x.toFixed(0)}, ${y.toFixed(0)})`;
            if (x - r < 0 || y - r < 0 || x + r > width || y + r > height) {
                problems.push(`${where}: outside the canvas ${width}×${height}`);
            }
            const colour = rgb(o.borderColor).rgb;
            const c = [colour.r, colour.g, colour.b];
            const sides = {
                above: [...Array(r).keys()].some(k => painted(x, y - r + k, c)),
                below: [...Array(r).keys()].some(k => painted(x, y + r - k, c)),
                left: [...Array(r).keys()].some(k => painted(x - r + k, y, c)),
                right: [...Array(r).keys()].some(k => painted(x + r - k, y, c)),
            };
            const cut = Object.keys(sides).filter(side => !sides[side]);
            if (cut.length) problems.push(`${where}: cut off ${cut.join(', ')}`);
        });
    });
    const axis = chart.scales.x;
    const last = axis.ticks.length - 1;
    const ctx = canvas.getContext('2d');
    ctx.font = Chart.helpers.toFont(axis.options.ticks.font).string;
    const half = ctx.measureText(chart.data.labels[last]).width / 2;
    const centre = axis.getPixelForTick(last);
    if (centre - half < 0 || centre + half > width) {
        problems.push(`label ${chart.data.labels[last]} outside the canvas`);
    }
    return problems;
}"""


UI = {
    "zh": {"locale": "zh-CN", "shots": "", "statistics": "统计报表", "none": "没有"},
    "en": {"locale": "en-US", "shots": "en-", "statistics": "Statistics", "none": "No revisits"},
}
# The records' own Chinese: estates, names, and the calls' descriptions the cards now show.
RECORDS = ("华苑小区", "锦绣花园", "赵主任", "张师傅", "厨房水龙头漏水", "更换灯泡")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_and_statistics(factories, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    other = factories.estate(code="JX", name="锦绣花园")
    factories.staff(Role.director, all_estates=True, username="chief", name="赵主任")
    tech = factories.staff(
        Role.technician, estates=[estate], name="张师傅", trades=[Trade.plumbing]
    )
    now = clock.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0)

    def ago(hours: int):
        """Earlier today, but never in last month: the statistics show this month."""
        return max(now - timedelta(hours=hours), month_start)

    complaint = dict(category=TicketCategory.complaint, validity=Validity.valid)
    factories.ticket(  # handled in time and revisited
        estate,
        **complaint,
        received_at=ago(5),
        status=TicketStatus.closed,
        severity=Severity.ordinary,
        complaint_code=ComplaintCode.fees,
        complaint_due_at=now + timedelta(days=2),
        reported_back_at=ago(2),
        revisited_at=ago(1),
    )
    overdue = factories.ticket(  # past its deadline: on the dashboard in red
        other,
        **complaint,
        received_at=ago(3),
        status=TicketStatus.in_progress,
        severity=Severity.serious,
        complaint_code=ComplaintCode.security,
        complaint_due_at=now - timedelta(minutes=30),
    )
    for satisfaction in (Satisfaction.satisfied, Satisfaction.unsatisfied):
        factories.work_order(
            estate,
            technician_id=tech.id,
            trade=Trade.plumbing,
            status=WorkOrderStatus.revisited,
            created_at=ago(4),
            closed_at=ago(3),
            revisited_at=ago(2),
            satisfaction=satisfaction,
            rating_timeliness=4,
            rating_quality=4,
            rating_fee=5,
            rating_attitude=5,
        )

    chief = screen("director", locale=ui["locale"]).login("chief", PASSWORD)
    page = chief.page

    def nothing_chinese_left():
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    overdue_card = page.locator("#queue-overdue_complaints")
    assert "border-danger" in overdue_card.get_attribute("class")
    assert overdue_card.locator(".queue-count").inner_text().strip() == "1"
    assert overdue.number in overdue_card.inner_text()
    nothing_chinese_left()
    chief.shot(f"{ui['shots']}dashboard-01-home")
    with page.expect_navigation():
        overdue_card.locator("a.queue-count").click()
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == 1 and overdue.number in rows.first.inner_text()
    nothing_chinese_left()

    with page.expect_navigation():
        page.click(f"a.nav-link:text-is('{ui['statistics']}')")
    for chart in ("chart-complaints", "chart-rates"):
        drawn = page.wait_for_function(CHART_DRAWN, arg=chart).json_value()
        assert drawn["painted"] > 1000, chart
        assert not any("%%" in label for label in drawn["labels"]), drawn["labels"]
    # The quarter's revisit rate of 100% on the top right corner, its satisfaction of 50%
    # on the right: whole, with their quarter's label.
    assert page.evaluate(POINTS_WHOLE, "chart-rates") == []
    assert "50.0%" in page.inner_text("#kpi-satisfaction")  # one of two satisfied
    assert "张师傅" in page.inner_text("#table-revisits")
    nothing_chinese_left()
    chief.shot(f"{ui['shots']}statistics-01-month")

    # The quarter, for one estate only.
    quarter = f"{now.year}-Q{(now.month - 1) // 3 + 1}"
    page.fill("#period", quarter)
    page.select_option("#estate", label="锦绣花园")
    submit(page, "#statistics-filter button")
    assert page.input_value("#period") == quarter
    assert ui["none"] in page.inner_text("#table-revisits")  # no revisits in that estate
    page.wait_for_function(CHART_DRAWN, arg="chart-complaints")
    nothing_chinese_left()
    chief.shot(f"{ui['shots']}statistics-02-quarter-one-estate")
