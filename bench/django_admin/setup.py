"""Start Django for the bench: its scratch database created and migrated, and one Django
user per bench user of ours (an editor, and a reader for the read-only change view)."""

from __future__ import annotations

import os

import psycopg

PERMISSIONS = ("view", "add", "change")


def start(our_database: str) -> None:
    """Configure and set up Django over our_database and the scratch auth database."""
    os.environ["DJANGO_BENCH_DB"] = our_database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.django_admin.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    _create_database(settings.DATABASES["default"])
    django.setup()
    call_command("migrate", database="default", verbosity=0, interactive=False)


def _create_database(options: dict) -> None:
    server = (
        f"postgresql://{options['USER']}:{options['PASSWORD']}@{options['HOST']}:{options['PORT']}"
        "/postgres"
    )
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (options["NAME"],)
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{options["NAME"]}"')


def ensure_user(username: str, password: str, reader: bool = False):
    """A staff user named as ours (estates come from our staff table by that name), with
    view, add and change on our models — or view only, for a reader."""
    from django.contrib.auth.models import Permission, User

    from .admin import VIEWER_SUFFIX

    name = username + VIEWER_SUFFIX if reader else username
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    wanted = ("view",) if reader else PERMISSIONS
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="wuye",
            codename__regex=r"^(" + "|".join(wanted) + r")_",
        )
    )
    return user
