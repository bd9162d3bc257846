"""The move-in screens: a receptionist works through an estate's queue of households moving
in (hundreds in a few weeks for a new estate).

Who, doing what, in the fewest steps:
- the queue (one page per estate) shows each household's next step; one click opens the
  household's page at that step;
- the household's page lists the 11 steps with who did each and when, and holds the form of
  the step at hand only: the document to attach, the fees, the defects; "Done" does the step
  and comes back to the same page at the next one, so the receptionist stays on one page for
  the household until the keys and the filing;
- the registration form (住户情况登记表) prints from that page, laid out like the printed work
  order;
- the move-out checklist: one form per unit (fees, keys, furniture), one button.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from admin_app import clock, validation
from admin_app.attachments.views import AttachmentsMixin
from admin_app.auth.permissions import may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate, MoveIn, MoveInStage, Unit
from admin_app.moving import forms
from admin_app.moving import operations as moving
from admin_app.panel.access import SecurePage
from admin_app.services import unit_reader
from admin_app.services.errors import ServiceError

PAGE_SIZE = 100


class MoveInView(AttachmentsMixin, SecurePage):
    resource = "move_in"

    # ---- the records this person may see ------------------------------------------------
    def my_estates(self) -> list[Estate]:
        return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()

    def get_one(self, pk) -> MoveIn:
        """The move-in, if it is in one of the user's estates (else 404, as for another's)."""
        pk = validation.record_id(pk)
        found = None
        if pk is not None:
            found = scoped(db.session.query(MoveIn), MoveIn, current_user).filter_by(id=pk).first()
        if found is None:
            abort(404)
        return found

    def _estate(self, mine: list[Estate]) -> Estate:
        if not mine:
            abort(404)
        wanted = request.values.get("estate", "")
        return next((e for e in mine if str(e.id) == wanted), mine[0])

    def _unit(self, estate: Estate, text: str) -> Unit:
        query = scoped(db.session.query(Unit), Unit, current_user).filter(
            Unit.estate_id == estate.id
        )
        found = unit_reader.find(query, (text or "").strip())
        if found.unit is None:
            raise ServiceError(found.message or gettext("Choose the unit."))
        return found.unit

    # ---- the queue ----------------------------------------------------------------------
    @expose("/")
    def index(self):
        mine = self.my_estates()
        estate = self._estate(mine)
        stage = request.args.get("stage", "")
        stage = MoveInStage(stage) if stage in moving.OPEN else None
        page = max(validation.record_id(request.args.get("page")) or 1, 1)
        query = db.session.query(MoveIn).filter(
            MoveIn.estate_id == estate.id, MoveIn.stage.in_([stage] if stage else moving.OPEN)
        )
        total = query.count()
        # Each row names its unit and resident: read with the rows, not two queries a row.
        rows = (
            query.options(
                joinedload(MoveIn.unit).lazyload("*"), joinedload(MoveIn.resident).lazyload("*")
            )
            .order_by(MoveIn.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
            .all()
        )
        counts = dict(
            db.session.query(MoveIn.stage, db.func.count())
            .filter(MoveIn.estate_id == estate.id, MoveIn.stage.in_(moving.OPEN))
            .group_by(MoveIn.stage)
            .all()
        )
        return self.render(
            "moving/queue.html",
            estates=mine,
            estate=estate,
            stage=stage,
            steps=moving.STEPS,
            counts=counts,
            rows=rows,
            page=page,
            pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            total=total,
            form=forms.StartForm(),
            may_start=may(current_user, "move_in.start"),
        )

    @expose("/start/", methods=("POST",))
    def start(self):
        estate = self._estate(self.my_estates())
        form = forms.StartForm()
        back = url_for(".index", estate=estate.id)
        if not form.validate_on_submit():
            return self._form_errors(form, back)
        try:
            move_in = moving.start(
                current_user,
                unit=self._unit(estate, form.unit.data),
                name=form.name.data,
                phone=validation.normalise_phone(form.phone.data) if form.phone.data else "",
                role=form.role.data,
            )
            # Named before the commit: the commit expires the record, and its name reads only
            # what is loaded (no query from __str__), which would leave "#None".
            record = str(move_in)
            former = [r.name for r in moving.owners_still_listed(move_in)]
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back)
        flash(gettext("Move-in of %(record)s started.", record=record), "success")
        if former:
            flash(
                gettext(
                    "%(names)s still listed as the owner living in %(unit)s. If the flat was"
                    " sold, mark them moved out on the move-out checklist.",
                    names=", ".join(former),
                    unit=str(move_in.unit),
                ),
                "warning",
            )
        return redirect(self._at_step(move_in))

    # ---- one household ------------------------------------------------------------------
    def _at_step(self, move_in: MoveIn) -> str:
        return url_for(".details_view", id=move_in.id) + f"#step-{move_in.stage.value}"

    @expose("/details/")
    def details_view(self):
        move_in = self.get_one(request.args.get("id"))
        stage = move_in.stage
        done_steps = moving.done_steps(move_in)
        return self.render(
            "moving/household.html",
            move_in=move_in,
            model=move_in,
            steps=moving.STEPS,
            done=done_steps,
            documents=moving.DOCUMENTS,
            may_do=stage in moving.OPEN and may(current_user, f"move_in.{stage.value}"),
            may_cancel=stage in moving.OPEN and may(current_user, "move_in.cancel"),
            form=forms.StepForm(),
            fee_lines=range(forms.FEE_LINES),
            usual_fees=moving.usual_fees(move_in.estate_id) if stage is moving.S.pay_fees else [],
            fees=move_in.payments,
            attachments=self.attachments_of(move_in),
            missing=[s for s in moving.missing_documents(move_in) if s in done_steps],
            may_attach=self.may_attach(move_in),
            # The ID copy is filed by those who may see ID numbers; the desk is told so.
            may_file_id_copy=may(current_user, "resident.show_id_number"),
        )

    @expose("/step/", methods=("POST",))
    def step(self):
        move_in = self.get_one(request.args.get("id"))
        form = forms.StepForm()
        back = self._at_step(move_in)
        if not form.validate_on_submit():
            return self._form_errors(form, back)
        wanted = request.form.get("step", "")
        if wanted != move_in.stage.value or move_in.stage not in moving.VERBS:
            flash(gettext("This step was already done: the page shows where it stands."), "error")
            return redirect(back)
        stage = move_in.stage
        try:
            result = self._run(move_in, stage, form)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(gettext("Nothing was saved. %(reason)s", reason=str(exc)), "error")
            return redirect(back)
        flash(gettext("Done: %(step)s.", step=str(stage.label)), "success")
        if stage is MoveInStage.inspect and result:
            numbers = ", ".join(t.number for t in result)
            flash(gettext("Repair tickets raised: %(numbers)s.", numbers=numbers), "success")
        if move_in.stage is MoveInStage.done:
            return redirect(url_for(".index", estate=move_in.estate_id))
        return redirect(self._at_step(move_in))

    def _run(self, move_in: MoveIn, stage: MoveInStage, form):
        """Map the step's form onto its verb's keywords."""
        s, note = MoveInStage, form.note.data or ""
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        document = form.the_document(limit)
        if stage in moving.DOCUMENTS:
            extra = {}
            if stage is s.register:
                extra = {
                    "phone": form.phone.data or "",
                    "id_copy": form.the_document(limit, "id_copy"),
                }
            return moving.VERBS[stage](move_in, current_user, document=document, note=note, **extra)
        if stage is s.notify:
            return moving.notify(move_in, current_user, note=note, document=document)
        if stage is s.renovation:
            return moving.renovation(
                move_in, current_user, plans_renovation=form.plans_renovation.data, note=note
            )
        if stage is s.pay_fees:
            return moving.pay_fees(
                move_in,
                current_user,
                lines=forms.fee_lines(request.form),
                method=form.method.data or None,
                note=note,
            )
        if stage is s.inspect:
            return moving.inspect(move_in, current_user, defects=form.defect_lines(), note=note)
        return moving.VERBS[stage](move_in, current_user, note=note)

    @expose("/reattach/", methods=("POST",))
    def reattach(self):
        """A removed document attached again, to its step."""
        move_in = self.get_one(request.args.get("id"))
        form = forms.StepForm()
        back = self._at_step(move_in)
        if not form.validate_on_submit():
            return self._form_errors(form, back)
        try:
            moving.reattach(
                move_in,
                current_user,
                stage=forms.stage_of(request.form.get("step")),
                document=form.the_document(current_app.config["ATTACHMENT_MAX_BYTES"]),
            )
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(gettext("Nothing was saved. %(reason)s", reason=str(exc)), "error")
            return redirect(back)
        flash(gettext("The document is attached."), "success")
        return redirect(back)

    @expose("/cancel/", methods=("POST",))
    def cancel(self):
        move_in = self.get_one(request.args.get("id"))
        form = forms.StepForm()
        back = self._at_step(move_in)
        if not form.validate_on_submit():
            return self._form_errors(form, back)
        try:
            moving.cancel(move_in, current_user, reason=form.reason.data or "")
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back)
        flash(gettext("The move-in was cancelled."), "success")
        return redirect(url_for(".index", estate=move_in.estate_id))

    @expose("/print/")
    def print_view(self):
        """The registration form (住户情况登记表) to fill in and sign, on A4."""
        move_in = self.get_one(request.args.get("id"))
        taken, id_copy_filed = moving.registration_taken(move_in)
        return self.render(
            "moving/registration_print.html",
            move_in=move_in,
            taken=taken,
            id_copy_filed=id_copy_filed,
            resident=move_in.resident,
            paper="A4",
            printed_at=clock.now().strftime("%Y-%m-%d %H:%M"),
        )

    # ---- move-out -----------------------------------------------------------------------
    @expose("/move_out/", methods=("GET", "POST"))
    def move_out(self):
        mine = self.my_estates()
        estate = self._estate(mine)
        form = forms.MoveOutForm()
        if request.method == "POST":
            # Back to the same unit, its residents listed to tick, after a refusal.
            back = url_for(".move_out", estate=estate.id, unit=(form.unit.data or "")[:60])
            if not form.validate_on_submit():
                return self._form_errors(form, back)
            try:
                unit = self._unit(estate, form.unit.data)
                done = moving.move_out(
                    current_user,
                    unit=unit,
                    leaving=forms.leaving_ids(request.form),
                    keys_returned=form.keys_returned.data,
                    items=form.items.data or "",
                    moving_date=form.moving_date.data,
                )
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                flash(gettext("Nothing was saved. %(reason)s", reason=str(exc)), "error")
                return redirect(back)
            else:
                flash(
                    ngettext(
                        "%(unit)s: %(num)d resident marked moved out (%(names)s).",
                        "%(unit)s: %(num)d residents marked moved out (%(names)s).",
                        len(done.residents),
                        unit=str(unit),
                        names=", ".join(r.name for r in done.residents),
                    ),
                    "success",
                )
                if done.revoked:
                    numbers = ", ".join(p.number for p in done.revoked)
                    flash(gettext("Passes revoked: %(numbers)s.", numbers=numbers), "success")
                if done.supervisor_told:
                    flash(
                        gettext("The supervisors are told to revoke the household's passes."),
                        "info",
                    )
                if done.release is not None:
                    flash(
                        gettext(
                            "Release pass %(number)s applied for: it waits for approval.",
                            number=done.release.number,
                        ),
                        "info",
                    )
                return redirect(url_for(".move_out", estate=estate.id))
        # The unit typed: its residents still living there are listed to tick who leaves.
        typed, unit, living = (request.args.get("unit") or "").strip()[:60], None, []
        if typed:
            try:
                unit = self._unit(estate, typed)
            except ServiceError as exc:
                flash(str(exc), "error")
            else:
                living = moving.living_residents(unit.id)
        return self.render(
            "moving/move_out.html",
            estates=mine,
            estate=estate,
            form=form,
            typed=typed,
            unit=unit,
            living=living,
            may_move_out=may(current_user, "move_in.move_out"),
        )

    def _form_errors(self, form, back: str):
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
