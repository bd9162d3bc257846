"""The residents' pages' blueprint, on its own: page modules import it from here (the package
imports the page modules to register them, so they must not import the package)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/r")
