"""What the visitors screen of the desk and the gate shows of the lending box (its section:
templates/lending/_box.html); the lending and taking back are lending/pages.py."""

from __future__ import annotations

from flask_login import current_user

from admin_app.auth.permissions import may
from admin_app.lending import operations as ops

LOANS_SHOWN = 200


def on_the_screen(estate_id: int, *, at_gate: bool) -> dict:
    """The box's items with how many are in, what is lent out, and what this person took back
    in the last minutes (to undo a wrong tap); nothing for someone who may not lend."""
    if not may(current_user, "loan.lend"):
        return {"box": None}
    return {
        "box": ops.box(estate_id),
        "loans": ops.lent_out(estate_id).limit(LOANS_SHOWN).all(),
        "returned": ops.just_returned(estate_id, current_user).all(),
        "box_ep": "gate_box" if at_gate else "box",
    }
