"""Residents (业主/住户): the records, and importing the lists offices receive (importing/)."""

from __future__ import annotations


def register(admin) -> None:
    """The residents, the import pages and the record of every import, under Property."""
    # Imported here, not above: importing a verb (residents.operations) or the import pipeline
    # runs this package first, and neither must pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import Resident, ResidentImport
    from admin_app.panel.menu import PROPERTY
    from admin_app.residents.import_log import ImportLogView
    from admin_app.residents.import_views import ResidentImportView
    from admin_app.residents.views import ResidentView

    admin.add_view(
        ResidentView(Resident, db, name=_l("Residents"), category=PROPERTY, endpoint="resident")
    )
    admin.add_view(
        ResidentImportView(
            name=_l("Import residents"), category=PROPERTY, endpoint="resident_import"
        )
    )
    admin.add_view(
        ImportLogView(
            ResidentImport, db, name=_l("Imports"), category=PROPERTY, endpoint="import_batch"
        )
    )
