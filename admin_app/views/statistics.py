"""Statistics for supervisors and directors: the month's complaints and revisits, work orders
by trade and estate, and the quarterly comparison charts against the office's targets."""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from admin_app import clock
from admin_app.auth.permissions import EXPORT, VIEW, allowed
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate
from admin_app.panel import export as exporting
from admin_app.panel.access import SecurePage
from admin_app.services import statistics as stats
from admin_app.services.errors import ServiceError
from admin_app.services.statistics import home_visits as home_visit_stats
from admin_app.surveys import results as survey_results

EXPORT_FORMATS = ("csv", "xlsx")
# Each table's Excel sheet named as its heading on the page.
SHEET_TITLES = {
    "complaint_categories": _l("Complaints by category"),
    "complaint_deadlines": _l("Handling against the deadlines"),
    "revisits": _l("Revisit statistics by technician"),
    "work_orders": _l("Work orders by trade and estate"),
    "quarterly": _l("Quarterly comparison"),
    "chases": _l("Residents' chases by technician"),
}


def percent(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _estates_part(chosen) -> str:
    """Which estates a file counts, in its name: files of two estates or months saved side by
    side must not overwrite each other ("complaint_categories-HY-2026-11.csv")."""
    if len(chosen) == 1:
        return chosen[0].code
    return f"{len(chosen)}estates"


class StatisticsView(SecurePage):
    resource = "statistics"

    def _selection(self):
        """The period and estates asked for; estates always within the user's own."""
        mine = scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()
        wanted = request.args.get("estate", "")
        if wanted:
            chosen = [e for e in mine if str(e.id) == wanted]
            if not chosen:
                abort(404)
        else:
            chosen = mine
        text = request.args.get("period") or clock.today().strftime("%Y-%m")
        try:
            period = stats.parse_period(text)
        except ServiceError:
            period = stats.parse_period(clock.today().strftime("%Y-%m"))
            error = gettext("Choose a month (2026-11), a quarter (2026-Q4) or a year (2026).")
        else:
            error = None
        return period, chosen, mine, error

    @expose("/")
    def index(self):
        period, chosen, mine, error = self._selection()
        ids = [e.id for e in chosen]
        names = {e.id: e.name for e in mine}
        return self.render(
            "admin/wuye/statistics.html",
            period=period,
            estates=mine,
            chosen=chosen,
            error=error,
            **stats.report(ids, period, fresh=request.args.get("fresh") == "1"),
            targets=stats.TARGETS,
            estate_names=names,
            percent=percent,
            can_export=allowed(current_user, self.resource, EXPORT),
            query={k: v for k, v in request.args.items() if k != "fresh"},
            # The tile counts repair revisits; the residents' yearly survey is shown apart.
            surveys=survey_results.of_year(ids, period.start.year),
            may_see_surveys=allowed(current_user, "survey", VIEW),
            home_visits=home_visit_stats.monthly(ids, period),
        )

    @expose("/reception/")
    def reception_view(self):
        """The reception register's figures (来电来访登记) for the period and estates chosen."""
        period, chosen, mine, error = self._selection()
        return self.render(
            "admin/wuye/reception_statistics.html",
            period=period,
            estates=mine,
            chosen=chosen,
            error=error,
            report=stats.reception.report([e.id for e in chosen], period),
            estate_names={e.id: e.name for e in mine},
            percent=percent,
            hours=stats.reception_sheets.hours,
            can_export=allowed(current_user, self.resource, EXPORT),
            query=dict(request.args),
        )

    @expose("/reception.xlsx")
    def reception_export(self):
        """The page's three tables as the sheets of one workbook (as the monthly e-mail)."""
        if not allowed(current_user, self.resource, EXPORT):
            abort(403)
        period, chosen, mine, _ = self._selection()
        report = stats.reception.report([e.id for e in chosen], period)
        data = exporting.xlsx_bytes(
            stats.reception_sheets.sheets(report, {e.id: e.name for e in mine})
        )
        filename = secure_filename(f"reception-{_estates_part(chosen)}-{period.label}.xlsx")
        return Response(
            data,
            headers={"Content-Disposition": f"attachment; filename={filename}"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @expose("/export/<table>.<fmt>")
    def export(self, table, fmt):
        if not allowed(current_user, self.resource, EXPORT):
            abort(403)
        if fmt not in EXPORT_FORMATS or table not in self.TABLES:
            abort(404)
        period, chosen, mine, _ = self._selection()
        header, rows = self.TABLES[table](
            self, [e.id for e in chosen], period, {e.id: e.name for e in mine}
        )
        filename = secure_filename(f"{table}-{_estates_part(chosen)}-{period.label}.{fmt}")
        headers = {"Content-Disposition": f"attachment; filename={filename}"}
        if fmt == "csv":
            return Response(
                stream_with_context(exporting.csv_stream(header, rows)),
                headers=headers,
                mimetype="text/csv; charset=utf-8",
            )
        return Response(
            exporting.xlsx_stream(header, rows, sheet_title=str(SHEET_TITLES[table])),
            headers=headers,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def _complaint_categories(self, ids, period, names):
        summary = stats.complaint_summary(ids, period)
        header = [gettext("Complaint category"), gettext("Complaints")]
        rows = [[str(c.label) if c else "—", n] for c, n in summary["by_category"]]
        return header, [*rows, [gettext("Total"), sum(n for _, n in rows)]]

    def _deadlines(self, ids, period, names):
        header = [
            gettext("Deadline"),
            gettext("Complaints"),
            gettext("Handled"),
            gettext("On time"),
            gettext("Late"),
            gettext("Still open"),
            gettext("On-time rate"),
        ]
        return header, [
            [
                str(r["label"]),
                r["total"],
                r["handled"],
                r["on_time"],
                r["late"],
                r["open"],
                percent(r["on_time_rate"]),
            ]
            for r in stats.deadline_table(ids, period)
        ]

    def _revisits(self, ids, period, names):
        header = [
            gettext("Technician"),
            gettext("Revisits"),
            gettext("Timeliness"),
            gettext("Quality"),
            gettext("Fee reasonableness"),
            gettext("Attitude"),
            gettext("Satisfaction rate"),
            gettext("Unsatisfied"),
        ]
        return header, [
            [
                r["technician"],
                r["revisits"],
                r["timeliness"],
                r["quality"],
                r["fee"],
                r["attitude"],
                percent(r["satisfaction_rate"]),
                r["unsatisfied"],
            ]
            for r in stats.revisit_table(ids, period)
        ]

    def _work_orders(self, ids, period, names):
        header = [
            gettext("Estate"),
            gettext("Trade"),
            gettext("Work orders"),
            gettext("Finished"),
            gettext("Emergencies"),
        ]
        return header, [
            [
                names.get(r["estate_id"], ""),
                str(r["trade"].label),
                r["total"],
                r["finished"],
                r["emergencies"],
            ]
            for r in stats.work_orders_by_trade(ids, period)
        ]

    def _quarterly(self, ids, period, names):
        header = [
            gettext("Quarter"),
            gettext("Complaints"),
            gettext("Complaint handling rate"),
            gettext("Complaint revisit rate"),
            gettext("Revisits"),
            gettext("Satisfaction rate"),
        ]
        return header, [
            [
                q["quarter"],
                q["complaints"],
                percent(q["handling_rate"]),
                percent(q["complaint_revisit_rate"]),
                q["revisits"],
                percent(q["satisfaction_rate"]),
            ]
            for q in stats.quarterly(ids, period)
        ]

    def _chases(self, ids, period, names):
        header = [gettext("Technician"), gettext("Chases"), gettext("Orders chased")]
        return header, [
            [r["technician"], r["chases"], r["orders"]] for r in stats.chase_table(ids, period)
        ]

    TABLES = {
        "complaint_categories": _complaint_categories,
        "complaint_deadlines": _deadlines,
        "revisits": _revisits,
        "work_orders": _work_orders,
        "quarterly": _quarterly,
        "chases": _chases,
    }
