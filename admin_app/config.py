"""Configuration: safe defaults for the embedded demo, everything overridable from the environment.

Embedded default (no DATABASE_URL, no REDIS_URL): SQLite in the instance folder and reminders
swept in-process. Real deployment: DATABASE_URL (PostgreSQL) + REDIS_URL + rq workers.
"""

from __future__ import annotations

import os
import secrets


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (Heroku-style `postgres://` too)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def settings() -> dict:
    """The configuration, read from the environment when the app is created (not at import,
    so a script may set DATABASE_URL before calling create_app)."""
    env = os.environ
    database_url = env.get("DATABASE_URL")
    return {
        "SECRET_KEY": env.get("SECRET_KEY"),
        # Keys used before SECRET_KEY, newest first, each accepted up to its date (README:
        # "Changing the secret key"): "KEY@YYYY-MM-DD, OLDERKEY@YYYY-MM-DD".
        "OLD_SECRET_KEYS": env.get("OLD_SECRET_KEYS", ""),
        # Key for encrypting ID-document numbers at rest; derived from SECRET_KEY when unset.
        "FIELD_ENCRYPTION_KEY": env.get("FIELD_ENCRYPTION_KEY"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url) if database_url else None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "OFFICE_TIMEZONE": env.get("OFFICE_TIMEZONE", "Asia/Shanghai"),
        "OFFICE_HOURS_START": int(env.get("OFFICE_HOURS_START", "8")),
        "OFFICE_HOURS_END": int(env.get("OFFICE_HOURS_END", "20")),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "UTC",  # datetimes are stored as naive office-local time
        "LANGUAGES": {"zh_Hans_CN": "简体中文", "en": "English"},
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_NAME": "wuye_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": int(env.get("SESSION_LIFETIME_SECONDS", str(12 * 3600))),
        # werkzeug's scrypt; the test suite sets a cheap method to stay fast.
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCKOUT_SECONDS": int(env.get("LOGIN_LOCKOUT_SECONDS", "900")),
        # Failed logins one client may make (Flask-Limiter notation): a burst slows it down,
        # the hour's and the day's limits stop it; per address, and per address and name.
        "LOGIN_LIMIT_PER_ADDRESS": env.get(
            "LOGIN_LIMIT_PER_ADDRESS", "15 per minute; 40 per hour; 100 per day"
        ),
        "LOGIN_LIMIT_PER_ADDRESS_AND_NAME": env.get(
            "LOGIN_LIMIT_PER_ADDRESS_AND_NAME", "8 per minute; 20 per hour"
        ),
        "LOGIN_LIMIT_KEY_PREFIX": env.get("LOGIN_LIMIT_KEY_PREFIX", "wuye-login"),
        # Proxies in front of the panel (a load balancer: 1) whose X-Forwarded-For and
        # X-Forwarded-Proto are believed; 0 when clients reach the panel directly.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        # Resident import: the largest file and row count accepted, the size above which the
        # checking and the import run as background jobs, and when a silent job counts as stopped.
        "IMPORT_MAX_BYTES": int(env.get("IMPORT_MAX_BYTES", str(16 * 1024 * 1024))),
        "IMPORT_MAX_ROWS": int(env.get("IMPORT_MAX_ROWS", "200000")),
        "IMPORT_INLINE_MAX_BYTES": int(env.get("IMPORT_INLINE_MAX_BYTES", str(256 * 1024))),
        "IMPORT_STALE_SECONDS": int(env.get("IMPORT_STALE_SECONDS", "900")),
        # Statistics: how long the counted figures are kept and shown (0: count on every view).
        "STATISTICS_CACHE_SECONDS": int(env.get("STATISTICS_CACHE_SECONDS", "300")),
        # A batch queued or running and silent this long lost its job: it is handed out again.
        "BATCH_STALE_SECONDS": int(env.get("BATCH_STALE_SECONDS", "600")),
        # Lists count at most this many rows; beyond it "1000+" (no unbounded COUNT(*)).
        "LIST_COUNT_CAP": int(env.get("LIST_COUNT_CAP", "1000")),
        # Reminders: run the sweep inside the web process when there is no Redis (embedded demo).
        "REMINDERS_IN_PROCESS": _bool("REMINDERS_IN_PROCESS", not bool(env.get("REDIS_URL"))),
        "REMINDER_SWEEP_SECONDS": int(env.get("REMINDER_SWEEP_SECONDS", "60")),
        # Retention (days, 0 keeps for ever): what the daily purge forgets, and when a
        # household that moved out is anonymised (years). See admin_app/retention/.
        "RETENTION_REMINDER_DAYS": int(env.get("RETENTION_REMINDER_DAYS", "90")),
        "RETENTION_DELIVERY_DAYS": int(env.get("RETENTION_DELIVERY_DAYS", "180")),
        "RETENTION_NOTIFICATION_DAYS": int(env.get("RETENTION_NOTIFICATION_DAYS", "90")),
        "RETENTION_IMPORT_FILE_DAYS": int(env.get("RETENTION_IMPORT_FILE_DAYS", "30")),
        "RETENTION_GATE_CHECK_DAYS": int(env.get("RETENTION_GATE_CHECK_DAYS", "180")),
        "RETENTION_PHOTO_DAYS": int(env.get("RETENTION_PHOTO_DAYS", "180")),
        "RETENTION_MOVED_OUT_YEARS": int(env.get("RETENTION_MOVED_OUT_YEARS", "3")),
        "RETENTION_BATCH_SIZE": int(env.get("RETENTION_BATCH_SIZE", "1000")),
        # Uploaded files (photos, PDFs, signatures): in the database unless a bucket is named;
        # then in that S3-compatible bucket (AWS, MinIO, Aliyun OSS, Tencent COS …).
        "STORAGE_S3_BUCKET": env.get("STORAGE_S3_BUCKET") or None,
        "STORAGE_S3_ENDPOINT_URL": env.get("STORAGE_S3_ENDPOINT_URL") or None,
        "STORAGE_S3_REGION": env.get("STORAGE_S3_REGION") or None,
        "STORAGE_S3_ACCESS_KEY_ID": env.get("STORAGE_S3_ACCESS_KEY_ID") or None,
        "STORAGE_S3_SECRET_ACCESS_KEY": env.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
        "STORAGE_S3_PREFIX": env.get("STORAGE_S3_PREFIX", "wuye/"),
        # Attachments: the largest upload accepted, and the longest side of a stored image.
        "ATTACHMENT_MAX_BYTES": int(env.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        "ATTACHMENT_IMAGE_MAX_PX": int(env.get("ATTACHMENT_IMAGE_MAX_PX", "2000")),
        "MAIL_SERVER": env.get("MAIL_SERVER"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": env.get("MAIL_FROM", "noreply@localhost"),
        "SMS_PROVIDER": env.get("SMS_PROVIDER", "log"),
        # The panel's own log lines at this level and above go to stderr (INFO shows what the
        # "log" text provider would have sent: the demo prints it so a sign-in can be followed).
        # Empty leaves logging to the server (gunicorn's --log-level).
        "LOG_LEVEL": env.get("LOG_LEVEL", "").strip().upper(),
        # The panel's public address, for links in e-mails (e.g. https://wuye.example.com).
        "PANEL_URL": env.get("PANEL_URL", ""),
        "FLASK_ADMIN_SWATCH": "default",
        "FLASK_ADMIN_FLUID_LAYOUT": True,
        # Visitors and parcels (admin_app/visitors/): a parcel not collected this many days
        # after it was signed for reminds the desk; visitor records and handed-over parcels
        # are personal data, forgotten after these many days (0 keeps them for ever).
        "PARCEL_COLLECT_DAYS": int(env.get("PARCEL_COLLECT_DAYS", "3")),
        "RETENTION_VISITOR_DAYS": int(env.get("RETENTION_VISITOR_DAYS", "30")),
        "RETENTION_PARCEL_DAYS": int(env.get("RETENTION_PARCEL_DAYS", "90")),
        # A message taken for a staff member (a caller's name, number and words), forgotten
        # this many days after it was dealt with (0 keeps them); a waiting one stays.
        "RETENTION_MESSAGE_DAYS": int(env.get("RETENTION_MESSAGE_DAYS", "30")),
        # A loan from the gate's lending box (a borrower's name and phone), forgotten this
        # many days after the item came back (0 keeps them); one still out stays.
        "RETENTION_LOAN_DAYS": int(env.get("RETENTION_LOAN_DAYS", "30")),
        # The residents' pages (admin_app/portal/): a sign-in code's life, the sign-in's limits
        # (per number and per client address), and the arrival window shown after the
        # appointment's start.
        "PORTAL_CODE_SECONDS": int(env.get("PORTAL_CODE_SECONDS", "300")),
        "PORTAL_CODE_LIMIT_PER_NUMBER": env.get(
            "PORTAL_CODE_LIMIT_PER_NUMBER", "3 per 10 minutes; 10 per day"
        ),
        "PORTAL_CODE_LIMIT_PER_CLIENT": env.get(
            "PORTAL_CODE_LIMIT_PER_CLIENT", "10 per 10 minutes; 40 per day"
        ),
        "PORTAL_TRY_LIMIT_PER_NUMBER": env.get("PORTAL_TRY_LIMIT_PER_NUMBER", "10 per 10 minutes"),
        "PORTAL_TRY_LIMIT_PER_CLIENT": env.get("PORTAL_TRY_LIMIT_PER_CLIENT", "20 per 10 minutes"),
        "PORTAL_REPORT_LIMIT": env.get("PORTAL_REPORT_LIMIT", "10 per hour; 30 per day"),
        "PORTAL_ARRIVAL_WINDOW_MINUTES": int(env.get("PORTAL_ARRIVAL_WINDOW_MINUTES", "120")),
        # Texts to residents (admin_app/resident_notices/): the address their links start with
        # (a job has no request to take it from), how long a one-purpose link lasts, and whether
        # a text leaves right after its commit (else with the next reminder sweep).
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", ""),
        "RESIDENT_LINK_DAYS": int(env.get("RESIDENT_LINK_DAYS", "7")),
        "RESIDENT_NOTICES_AT_ONCE": _bool("RESIDENT_NOTICES_AT_ONCE", True),
        # The API (/api/v1): calls allowed per token (Flask-Limiter syntax), and how long the
        # log of calls is kept (0: for ever).
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "120/minute"),
        "RETENTION_API_CALL_DAYS": int(env.get("RETENTION_API_CALL_DAYS", "90")),
        # Residents' sign-in codes and one-purpose links, this many days after they expired.
        "RETENTION_RESIDENT_SIGN_IN_DAYS": int(env.get("RETENTION_RESIDENT_SIGN_IN_DAYS", "1")),
    }


def finalise(config: dict, instance_path: str) -> None:
    """Fill the values that depend on the instance folder or on other values."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(instance_path, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(instance_path, "wuye.db")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance_path)


def _instance_secret(instance_path: str) -> str:
    """The demo keeps a random key in the instance folder; production sets SECRET_KEY."""
    path = os.path.join(instance_path, "secret_key")
    os.makedirs(instance_path, exist_ok=True)
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as fh:
        return fh.read().strip()
