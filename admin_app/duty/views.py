"""The duty pages (/duty/), made for a phone.

Who and what: the person on duty tonight (a night guard, the receptionist on the weekend
phone) opens /duty/ and sees their shift — its times, whether they hold the duty phone, the
hand-over left by the shift before (one tap: "Read, I take over"), the log so far and the calls
the desk logged meanwhile. One step adds a log line (type, send; the time is now unless given).
At the end one step hands over with a note to the next person, who is told at once. A coming
shift can be offered to a colleague: the supervisor approves or refuses it.

The supervisor opens /duty/rota/: the estate's week (who, when, the duty phone), the public
holidays with whether their duty is fixed yet, and the swap requests to decide — each one step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_app import clock
from admin_app.auth.permissions import VIEW, allowed, may
from admin_app.auth.scope import scoped
from admin_app.auth.views import HOMES
from admin_app.duty import operations as duty
from admin_app.duty.forms import (
    EntryForm,
    HandOverForm,
    HolidayForm,
    RefuseForm,
    ShiftForm,
    SwapForm,
)
from admin_app.duty.gate_events import gate_events
from admin_app.extensions import db
from admin_app.models import DutyHoliday, Estate
from admin_app.panel.access import refuse
from admin_app.panel.saves import saved

bp = Blueprint("duty", __name__, url_prefix="/duty")
# What reminders and hand-offs link to (`<record type>.details_view`, reminders/messages.py).
shift_links = Blueprint("duty_shift", __name__, url_prefix="/duty/shifts")
swap_links = Blueprint("duty_swap", __name__, url_prefix="/duty/swaps")
holiday_links = Blueprint("duty_holiday", __name__, url_prefix="/duty/holidays")
BLUEPRINTS = (bp, shift_links, swap_links, holiday_links)


def staff_only():
    # Not signed in: to the login page and back; signed in without the right: 403.
    return None if allowed(current_user, "duty_shift", VIEW) else refuse()


# The way back from the duty pages, to where each person's work starts (auth.views.HOMES).
WAY_HOME_LABELS = {"gate.index": _l("Gate check"), "tech.my_orders": _l("My work orders")}


def way_home() -> dict:
    endpoint = HOMES.get(current_user.role.value, "admin.index")
    return {
        "way_home": SimpleNamespace(
            url=url_for(endpoint), label=WAY_HOME_LABELS.get(endpoint, _l("Home"))
        )
    }


for _bp in BLUEPRINTS:
    _bp.before_request(staff_only)
    _bp.context_processor(way_home)


def _done(call, success: str, target: str):
    """Run a verb (saved, or refused and said); then go to `target`."""
    saved(call, success)
    return redirect(target)


def _form_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(gettext("%(field)s: %(error)s", field=field.label.text, error=error), "error")


def _shift_or_404(shift_id: int):
    shift = duty.visible_shift(current_user, shift_id)
    if shift is None:
        abort(404)
    return shift


# ---- the person on duty ---------------------------------------------------------------------
@bp.route("/")
def my_duty(entry_form=None):
    shift = duty.current_shift(current_user)
    coming = [s for s in duty.my_shifts(current_user) if shift is None or s.id != shift.id]
    coming = [s for s in coming if s.starts_at > clock.now()]
    return render_template(
        "duty/my_duty.html",
        coming=coming,
        swaps=duty.involved_swaps(current_user),
        **_log_context(shift, entry_form),
    )


@bp.route("/shift/<int:shift_id>")
def shift_log(shift_id: int):
    return render_template("duty/shift.html", **_log_context(_shift_or_404(shift_id)))


def _log_context(shift, entry_form=None) -> dict:
    if shift is None:
        return {"shift": None}
    duty.load_entries(shift)
    mine = shift.staff_id == current_user.id
    writes = mine or may(current_user, "duty_shift.plan")
    following = duty.next_shift(shift)
    return {
        "shift": shift,
        "mine": mine,
        "writes": writes and shift.handed_over_at is None and shift.starts_at <= clock.now(),
        "entry_form": entry_form or EntryForm(formdata=None),
        "handover_form": HandOverForm(formdata=None),
        "tickets": duty.tickets_in_shift(shift),
        "gate_sections": gate_events(shift),
        "gate_link": _gate_link,
        "ticket_links": allowed(current_user, "ticket", VIEW),
        "waiting": duty.handed_to(current_user.id, shift),
        "following": following,
        "acknowledges": (
            following is not None
            and following.staff_id == current_user.id
            and shift.handed_over_at is not None
            and shift.acknowledged_at is None
        ),
    }


def _gate_link(line) -> str | None:
    """Where the reader may open what the gate recorded: a check on the gate's own page for
    those who check passes, otherwise the record's page in the panel if their role reads it."""
    if line.kind == "gate_check" and may(current_user, "gate.check"):
        return url_for("gate.index", check=line.record_id)
    if allowed(current_user, line.kind, VIEW):
        return url_for(f"{line.kind}.details_view", id=line.record_id)
    return None


def _back_to(shift) -> str:
    if shift.staff_id == current_user.id and duty.current_shift(current_user) == shift:
        return url_for("duty.my_duty")
    return url_for("duty.shift_log", shift_id=shift.id)


@bp.route("/shift/<int:shift_id>/entry", methods=["POST"])
def add_entry(shift_id: int):
    shift = _shift_or_404(shift_id)
    form = EntryForm()
    if not form.validate():
        _form_errors(form)
        return _entry_again(shift, form)
    at = None
    if form.at.data is not None:
        at = duty.time_in_shift(shift, form.at.data)
        if at is None:
            flash(gettext("The time must fall within the shift, and not in the future."), "error")
            return _entry_again(shift, form)
    written = saved(
        lambda: duty.add_entry(current_user, shift, text=form.text.data, at=at),
        gettext("Written in the duty log."),
    )
    if not written:
        return _entry_again(shift, form)
    return redirect(_back_to(shift) + "#log")


def _entry_again(shift, form):
    """A refused log line: the page it was typed on again, with what was typed (a guard at
    night does not write it twice)."""
    if _back_to(shift) == url_for("duty.my_duty"):
        return my_duty(entry_form=form)
    return render_template("duty/shift.html", **_log_context(shift, form))


@bp.route("/shift/<int:shift_id>/hand-over", methods=["POST"])
def hand_over(shift_id: int):
    shift = _shift_or_404(shift_id)
    form = HandOverForm()
    target = _back_to(shift)
    if not form.validate():
        _form_errors(form)
        return redirect(target)
    return _done(
        lambda: duty.hand_over(current_user, shift, note=form.note.data),
        gettext("Handed over: the next shift is told."),
        target,
    )


@bp.route("/shift/<int:shift_id>/acknowledge", methods=["POST"])
def acknowledge(shift_id: int):
    shift = _shift_or_404(shift_id)
    return _done(
        lambda: duty.acknowledge(current_user, shift),
        gettext("Hand-over acknowledged: the shift is yours."),
        url_for("duty.my_duty"),
    )


@bp.route("/shift/<int:shift_id>/swap", methods=["GET", "POST"])
def request_swap(shift_id: int):
    shift = _shift_or_404(shift_id)
    form = SwapForm()
    # Those who do the same work first: a guard's night goes to a guard before anyone else.
    colleagues = [p for p in duty.duty_staff(shift.estate_id) if p.id != shift.staff_id]
    colleagues.sort(key=lambda p: p.role is not shift.staff.role)
    form.colleague.choices = [(p.id, f"{p.name} ({p.role.label})") for p in colleagues]
    if request.method == "POST":
        if not form.validate():
            _form_errors(form)
        else:
            requested = saved(
                lambda: duty.request_swap(
                    current_user, shift, colleague_id=form.colleague.data, reason=form.reason.data
                ),
                gettext("Swap requested: the supervisor decides."),
            )
            if requested:
                return redirect(url_for("duty.my_duty"))
    return render_template("duty/swap_request.html", shift=shift, form=form)


# ---- the supervisor's rota ------------------------------------------------------------------
def _estates() -> list[Estate]:
    return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()


def _estate_from(value) -> Estate:
    estates = _estates()
    if not estates:
        abort(404)
    if value in (None, ""):
        return estates[0]
    estate = next((e for e in estates if str(e.id) == str(value)), None)
    if estate is None:
        abort(404)
    return estate


def _rota_url(estate_id: int, start: date | None = None) -> str:
    if start is None:
        return url_for("duty.rota", estate=estate_id)
    return url_for("duty.rota", estate=estate_id, start=start.isoformat())


@bp.route("/rota/")
def rota():
    estate = _estate_from(request.args.get("estate"))
    try:
        start = date.fromisoformat(request.args.get("start") or "")
    except ValueError:
        start = clock.today()
    if abs(start - clock.today()) > duty.MAX_AHEAD * 3:  # a typed URL far off: this week
        start = clock.today()
    shifts = duty.rota(current_user, estate.id, start)
    plans = may(current_user, "duty_shift.plan")
    shift_form = ShiftForm(formdata=None)
    shift_form.staff.choices = [
        (p.id, f"{p.name} ({p.role.label})") for p in duty.duty_staff(estate.id)
    ]
    week_begins = datetime.combine(start, datetime.min.time())
    week_ends = week_begins + timedelta(days=7)
    now = clock.now()
    evening = week_begins + timedelta(hours=18)
    shift_form.starts_at.data = evening
    shift_form.ends_at.data = evening + timedelta(hours=14)
    return render_template(
        "duty/rota.html",
        estate=estate,
        estates=_estates(),
        start=start,
        end=start + timedelta(days=6),
        rota_days=duty.rota_days(shifts, start),
        previous=_rota_url(estate.id, start - timedelta(days=7)),
        following=_rota_url(estate.id, start + timedelta(days=7)),
        now=now,
        on_duty_ids={s.id for s in duty.on_duty(_running(shifts, now))[0]},
        # Only what is still to come: a gap in the past is nothing to fix.
        phone_gaps=duty.phone_gaps(
            shifts, max(week_begins, now.replace(second=0, microsecond=0)), week_ends
        ),
        plans=plans,
        decides=may(current_user, "duty_swap.approve"),
        shift_form=shift_form,
        holiday_form=HolidayForm(formdata=None),
        refuse_form=RefuseForm(formdata=None),
        holidays=duty.holidays(current_user, estate.id),
        swaps=duty.pending_swaps(current_user, estate.id),
    )


def _running(shifts, now: datetime) -> list:
    return [s for s in shifts if s.starts_at <= now < s.ends_at]


@bp.route("/rota/shift", methods=["POST"])
def add_shift():
    estate = _estate_from(request.form.get("estate"))
    form = ShiftForm()
    form.staff.choices = []
    target = _rota_url(estate.id, form.starts_at.data.date() if form.starts_at.data else None)
    if not form.validate():
        _form_errors(form)
        return redirect(target)
    return _done(
        lambda: duty.add_shift(
            current_user,
            estate_id=estate.id,
            staff_id=form.staff.data,
            starts_at=form.starts_at.data,
            ends_at=form.ends_at.data,
            holds_phone=form.holds_phone.data,
        ),
        gettext("The shift is on the rota."),
        target,
    )


@bp.route("/shift/<int:shift_id>/remove", methods=["POST"])
def remove_shift(shift_id: int):
    shift = _shift_or_404(shift_id)
    target = _rota_url(shift.estate_id, shift.starts_at.date())
    return _done(lambda: duty.remove_shift(current_user, shift), gettext("Shift removed."), target)


@bp.route("/rota/holiday", methods=["POST"])
def add_holiday():
    estate = _estate_from(request.form.get("estate"))
    form = HolidayForm()
    target = _rota_url(estate.id) + "#holidays"
    if not form.validate():
        _form_errors(form)
        return redirect(target)
    return _done(
        lambda: duty.add_holiday(
            current_user,
            estate_id=estate.id,
            name=form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        ),
        gettext("Holiday added: fix its duty on the rota."),
        target,
    )


@bp.route("/holiday/<int:holiday_id>/remove", methods=["POST"])
def remove_holiday(holiday_id: int):
    holiday = _holiday_or_404(holiday_id)
    return _done(
        lambda: duty.remove_holiday(current_user, holiday),
        gettext("Holiday removed."),
        _rota_url(holiday.estate_id) + "#holidays",
    )


def _holiday_or_404(holiday_id: int) -> DutyHoliday:
    holiday = db.session.get(DutyHoliday, holiday_id)
    if holiday is None or holiday.estate_id not in {e.id for e in _estates()}:
        abort(404)
    return holiday


def _swap_or_404(swap_id: int):
    swap = duty.visible_swap(current_user, swap_id)
    if swap is None:
        abort(404)
    return swap


@bp.route("/swap/<int:swap_id>/approve", methods=["POST"])
def approve_swap(swap_id: int):
    swap = _swap_or_404(swap_id)
    return _done(
        lambda: duty.approve_swap(current_user, swap),
        gettext("Swap approved: both are told."),
        _rota_url(swap.estate_id, swap.shift.starts_at.date()),
    )


@bp.route("/swap/<int:swap_id>/refuse", methods=["POST"])
def refuse_swap(swap_id: int):
    swap = _swap_or_404(swap_id)
    form = RefuseForm()
    target = url_for("duty_swap.details_view", id=swap.id)
    if not form.validate():
        _form_errors(form)
        return redirect(target)
    return _done(
        lambda: duty.refuse_swap(current_user, swap, reason=form.reason.data),
        gettext("Swap refused: both are told."),
        _rota_url(swap.estate_id),
    )


# ---- the records' own pages (links from the inbox) ------------------------------------------
@shift_links.route("/")
def details_view():
    shift = _shift_or_404(request.args.get("id", type=int) or 0)
    return redirect(url_for("duty.shift_log", shift_id=shift.id))


@swap_links.route("/", endpoint="details_view")
def swap_details():
    swap = _swap_or_404(request.args.get("id", type=int) or 0)
    return render_template(
        "duty/swap.html",
        swap=swap,
        decides=may(current_user, "duty_swap.approve"),
        refuse_form=RefuseForm(formdata=None),
    )


@holiday_links.route("/", endpoint="details_view")
def holiday_details():
    holiday = _holiday_or_404(request.args.get("id", type=int) or 0)
    return redirect(_rota_url(holiday.estate_id, holiday.starts_on) + "#holidays")
