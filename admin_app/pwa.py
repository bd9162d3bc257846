"""The phone pages as installable apps: a web app manifest per page kind (the technician's
/tech/, the guard's /gate/), and /favicon.ico, which browsers ask for on every page.

Both are public: an icon and a name say nothing about any estate or resident."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#1f4e79"  # the icons' blue (tools/make_icons.py)
BACKGROUND_COLOUR = "#f4f6f8"  # the phone pages' background (panel.css)

# Each installable page: where it starts, and the name under its icon on the home screen.
APPS = {
    "tech": ("tech.my_orders", _l("My work orders"), _l("Repairs")),
    "gate": ("gate.index", _l("Gate check"), _l("Gate")),
    "duty": ("duty.my_duty", _l("My duty"), _l("Duty")),
}


@bp.route("/favicon.ico")
def favicon():
    return send_from_directory(
        os.path.join(current_app.static_folder, "icons"),
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )


@bp.route("/manifest/<kind>.webmanifest")
def manifest(kind: str):
    if kind not in APPS:
        abort(404)
    endpoint, name, short_name = APPS[kind]
    # A browser fetches the manifest without cookies: the page names its language in the URL.
    lang = request.args.get("lang")
    with force_locale(lang if lang in current_app.config["LANGUAGES"] else get_locale()):
        start = url_for(endpoint)
        locale = get_locale()
        body = {
            "id": start,
            "name": f"{name} · {_l('Property Office')}",
            "short_name": str(short_name),
            "lang": "zh-CN" if locale.language == "zh" else "en",
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                icon("icon-192.png", "192x192", "any"),
                icon("icon-512.png", "512x512", "any"),
                icon("icon-maskable-512.png", "512x512", "maskable"),
            ],
        }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


def icon(filename: str, sizes: str, purpose: str) -> dict:
    src = url_for("static", filename=f"icons/{filename}")
    return {"src": src, "sizes": sizes, "type": "image/png", "purpose": purpose}
