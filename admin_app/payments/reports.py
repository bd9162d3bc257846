"""The money pages: an estate's daily cash table, and the fee statistics per month; both
exportable (CSV, XLSX) through the panel's formula-safe export."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, request, stream_with_context
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from admin_app import clock
from admin_app.auth.permissions import EXPORT, allowed
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate
from admin_app.panel import export as exporting
from admin_app.panel.access import SecurePage
from admin_app.payments import ledger
from admin_app.services.errors import ServiceError
from admin_app.services.statistics import fees
from admin_app.services.statistics.periods import parse_period

EXPORT_FORMATS = ("csv", "xlsx")


def download(name: str, fmt: str, header, rows, sheet_title: str) -> Response:
    filename = secure_filename(f"{name}.{fmt}")
    headers = {"Content-Disposition": f"attachment; filename={filename}"}
    if fmt == "csv":
        return Response(
            stream_with_context(exporting.csv_stream(header, rows)),
            headers=headers,
            mimetype="text/csv; charset=utf-8",
        )
    return Response(
        exporting.xlsx_stream(header, rows, sheet_title=sheet_title),
        headers=headers,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class _MoneyPage(SecurePage):
    def my_estates(self) -> list[Estate]:
        return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()

    def can_export(self) -> bool:
        return allowed(current_user, self.resource, EXPORT)

    def check_export(self, fmt: str) -> None:
        if not self.can_export():
            abort(403)
        if fmt not in EXPORT_FORMATS:
            abort(404)


class CashDailyView(_MoneyPage):
    """One estate, one day: per collector what was taken, handed in, confirmed, the
    differences finance found, and what each still holds at the end of the day."""

    resource = "cash_report"
    COLUMNS = ("held_before", "collected", "handed_in", "confirmed", "difference", "held")
    HEADINGS = {
        "held_before": _l("Held at the start"),
        "collected": _l("Collected"),
        "handed_in": _l("Handed in"),
        "confirmed": _l("Confirmed by finance"),
        "difference": _l("Difference"),
        "held": _l("Still held"),
    }

    def _selection(self):
        mine = self.my_estates()
        if not mine:
            abort(404)
        wanted = request.args.get("estate", "")
        estate = next((e for e in mine if str(e.id) == wanted), None) if wanted else mine[0]
        if estate is None:
            abort(404)
        try:
            day = date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            day = clock.today()
        return estate, day, mine

    @expose("/")
    def index(self):
        estate, day, mine = self._selection()
        rows, total = ledger.daily_table(estate.id, day)
        return self.render(
            "payments/cash_daily.html",
            estate=estate,
            estates=mine,
            day=day,
            rows=rows,
            total=total,
            columns=self.COLUMNS,
            headings=self.HEADINGS,
            can_export=self.can_export(),
        )

    @expose("/export.<fmt>")
    def export(self, fmt):
        self.check_export(fmt)
        estate, day, _ = self._selection()
        rows, total = ledger.daily_table(estate.id, day)
        header = [gettext("Collector"), *(str(self.HEADINGS[c]) for c in self.COLUMNS)]
        body = [[r.name, *(f"{getattr(r, c):.2f}" for c in self.COLUMNS)] for r in [*rows, total]]
        body[-1][0] = gettext("Total")
        name = f"cash-{estate.code}-{day.isoformat()}"
        return download(name, fmt, header, body, str(_l("Daily cash table")))


class FeeStatisticsView(_MoneyPage):
    """Fees per month by trade, technician and kind of work order; unpaid and held money."""

    resource = "statistics"
    TABLES = {
        "trade": _l("Fees by trade"),
        "technician": _l("Fees by technician"),
        "kind": _l("Fees by kind of work order"),
        "item": _l("Quoted amounts by price-list item"),
        "unpaid": _l("Fees to pay at the office"),
        "held": _l("Money held by collectors"),
    }

    def _selection(self):
        mine = self.my_estates()
        wanted = request.args.get("estate", "")
        chosen = [e for e in mine if str(e.id) == wanted] if wanted else mine
        if wanted and not chosen:
            abort(404)
        error = None
        try:
            period = parse_period(request.args.get("period") or clock.today().strftime("%Y-%m"))
        except ServiceError as refused:
            period, error = parse_period(clock.today().strftime("%Y-%m")), str(refused)
        return period, chosen, mine, error

    def table(self, name: str, ids, period, names) -> tuple[list, list]:
        money_header = [gettext("Orders"), gettext("Charged"), gettext("Paid"), gettext("Unpaid")]
        if name in fees.DIMENSIONS:
            heading = {
                "trade": gettext("Trade"),
                "technician": gettext("Technician"),
                "kind": gettext("Kind"),
            }[name]
            return [gettext("Month"), heading, *money_header], [
                [
                    r["month"],
                    r["label"] if r["label"] is not None else "—",
                    r["orders"],
                    f"{r['charged']:.2f}",
                    f"{r['paid']:.2f}",
                    f"{r['unpaid']:.2f}",
                ]
                for r in fees.fee_rows(ids, period, name)
            ]
        if name == "item":
            return [
                gettext("Month"),
                gettext("Item"),
                gettext("Orders"),
                gettext("Quantity"),
                # Not "Quoted": that is an order's state (已报价), this the amount.
                gettext("Quoted amount"),
            ], [
                [
                    r["month"],
                    r["label"],
                    r["orders"],
                    f"{r['quantity'].normalize():f}",
                    f"{r['amount']:.2f}",
                ]
                for r in fees.item_rows(ids, period)
            ]
        if name == "unpaid":
            return [gettext("Estate"), gettext("Fees"), gettext("Amount"), gettext("Oldest")], [
                [
                    names.get(r["estate_id"], ""),
                    r["count"],
                    f"{r['amount']:.2f}",
                    r["oldest"].strftime("%Y-%m-%d"),
                ]
                for r in fees.unpaid_rows(ids)
            ]
        return [
            gettext("Estate"),
            gettext("Collector"),
            gettext("Payments"),
            gettext("Amount"),
            gettext("Held since"),
            gettext("Past the hand-in time"),
        ], [
            [
                names.get(r["estate_id"], ""),
                r["collector"],
                r["count"],
                f"{r['amount']:.2f}",
                r["since"].strftime("%Y-%m-%d %H:%M"),
                r["overdue"],
            ]
            for r in fees.held_rows(ids)
        ]

    @expose("/")
    def index(self):
        period, chosen, mine, error = self._selection()
        ids, names = [e.id for e in chosen], {e.id: e.name for e in mine}
        return self.render(
            "payments/fee_statistics.html",
            period=period,
            estates=mine,
            chosen=chosen,
            error=error,
            tables=[(n, t, *self.table(n, ids, period, names)) for n, t in self.TABLES.items()],
            can_export=self.can_export(),
            query=dict(request.args),
        )

    @expose("/export/<table>.<fmt>")
    def export(self, table, fmt):
        self.check_export(fmt)
        if table not in self.TABLES:
            abort(404)
        period, chosen, mine, _ = self._selection()
        header, rows = self.table(
            table, [e.id for e in chosen], period, {e.id: e.name for e in mine}
        )
        name = f"fees-{table}-{period.label}"
        return download(name, fmt, header, rows, str(self.TABLES[table]))
