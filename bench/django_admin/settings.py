"""Django settings for the bench: the stock admin, as a deployment would run it (DEBUG off,
persistent connections, database sessions), over two PostgreSQL databases."""

from __future__ import annotations

import os

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
AUTH_DATABASE = os.environ.get("DJANGO_BENCH_AUTH_DB", "bench_django_auth")
OUR_DATABASE = os.environ.get("DJANGO_BENCH_DB", "bench_wuye")


def _database(name: str) -> dict:
    from urllib.parse import urlsplit

    url = urlsplit(SERVER)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": url.username or "postgres",
        "PASSWORD": url.password or "",
        "HOST": url.hostname or "127.0.0.1",
        "PORT": str(url.port or 5432),
        "CONN_MAX_AGE": None,  # kept open, as our pool keeps its connections
    }


SECRET_KEY = "bench-only-django-secret"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "testserver", "127.0.0.1"]
USE_TZ = False  # our timestamps are naive local times
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
USE_I18N = True

DATABASES = {"default": _database(AUTH_DATABASE), "wuye": _database(OUR_DATABASE)}
DATABASE_ROUTERS = ["bench.django_admin.router.WuyeRouter"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bench.django_admin.apps.WuyeConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.django_admin.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Logging in once per bench user: a fast hash (the timed pages never hash).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
