"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from admin_app import create_app
from admin_app.runtime import freeze_startup_objects

app = create_app()
freeze_startup_objects()
