"""The yearly satisfaction survey (业主满意度调查): set-up, answers by staff or by the
residents' own links, and the results against the targets."""

from __future__ import annotations


def register(admin) -> None:
    """The surveys under Records, beside the statistics they complete."""
    # Imported here, not above: importing the verbs runs this package first, and a verb must
    # never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.panel.menu import RECORDS
    from admin_app.surveys.views import SurveyView

    admin.add_view(
        SurveyView(name=_l("Satisfaction surveys"), category=RECORDS, endpoint="surveys")
    )


def register_pages(app) -> None:
    """The residents' public answer page at /survey/."""
    from admin_app.surveys.public import bp

    app.register_blueprint(bp)


def limit_pages(app, limiter) -> None:
    """The public page's per-address limit, through the app's one limiter."""
    from admin_app.surveys.public import limit_per_address

    limit_per_address(app, limiter)
