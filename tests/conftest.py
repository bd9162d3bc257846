"""Test fixtures: one app and schema per run (built by the real migrations), a clean database
for every test, factories that return callables, and logged-in clients.

Runs on SQLite by default and on PostgreSQL / Redis when DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale
from hypothesis import HealthCheck, is_hypothesis_test, seed, settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from admin_app import create_app
from admin_app.config import normalise_database_url
from admin_app.extensions import db

from .factories import Factories

# The tests' local day is the office's: a test that writes date.today() or datetime.now() means
# the office's today, also between 16:00 and 24:00 UTC, when Shanghai is already on the next day
# (the office clock, admin_app/clock.py, reads OFFICE_TIMEZONE). Child processes inherit it.
os.environ["TZ"] = os.environ.get("OFFICE_TIMEZONE") or "Asia/Shanghai"
time.tzset()

# The property-based tests draw their examples twice at a desk: first the examples CI draws
# (a fixed seed per test, so a desk run covers what a green build covered), then fresh ones
# (a new seed each run, or --hypothesis-seed). CI (HYPOTHESIS_PROFILE=ci) draws the first only,
# so a red build is the code's, never the dice's. Neither profile fails on timing or on the
# strategies' own health: a failure at a desk is a defect in the panel, not noise.
QUIET = dict(
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("ci", database=None, **QUIET)
settings.register_profile("desk", **QUIET)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "desk"
settings.load_profile(PROFILE)
DRAWS = ("as-ci",) if PROFILE == "ci" else ("as-ci", "fresh")


def pytest_generate_tests(metafunc):
    if is_hypothesis_test(metafunc.function):
        metafunc.parametrize("hypothesis_draw", DRAWS, indirect=True)


@pytest.fixture(autouse=True)
def hypothesis_draw(request):
    """Seeds a property-based test for its draw: "as-ci" with a seed fixed by the test's id
    (the same at every desk and on CI), "fresh" with none (a new one, or --hypothesis-seed)."""
    draw = getattr(request, "param", None)
    if draw is not None:
        seed(request.node.nodeid if draw == "as-ci" else None)(request.function)
    return draw


PASSWORD = "secret-pass-1"


def _database_url(tmp_root: Path, worker: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_root / f'test-{worker}.db'}"
    url = make_url(normalise_database_url(url))
    if worker == "main":
        return url.render_as_string(hide_password=False)
    # Parallel workers each get their own database, created fresh from the server's template.
    name = f"{url.database}_{worker}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class ReadToTheEnd(FlaskClient):
    """A test client that reads every response to its end and closes it, as a WSGI server
    does. An unread streamed body (an export) would otherwise keep its request's app context
    until the garbage collector ends it, at any later moment, inside whatever context a test
    then holds ("Popped wrong app context"). Tests that need the stream pass buffered=False."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def _commit_without_flush(url: str) -> dict:
    if not url.startswith("postgresql"):
        return {}
    return {"connect_args": {"options": "-c synchronous_commit=off"}}


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    root = tmp_path_factory.mktemp("instance")
    url = _database_url(root, worker)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            # Cheap hashing: the suite creates and logs in hundreds of accounts.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SQLALCHEMY_DATABASE_URI": url,
            # A test's commits need not wait for the disk: nothing outlives the run.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **_commit_without_flush(url)},
            "REDIS_URL": os.environ.get("REDIS_URL") or None,
            # Tests run the reminder sweep themselves, at the moments they choose.
            "REMINDERS_IN_PROCESS": False,
            # Figures counted afresh on every view (tests change the data between views);
            # services/test_statistics turns keeping them on where it is what is tested.
            "STATISTICS_CACHE_SECONDS": 0,
            # Each xdist worker counts failed logins apart (all its clients are 127.0.0.1).
            "LOGIN_LIMIT_KEY_PREFIX": f"wuye-login-test-{worker}",
        }
    )
    app.instance_path = str(root)
    app.test_client_class = ReadToTheEnd
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _touched_tables(conn, tables: list[str]) -> list[str]:
    """The tables a test wrote to: those holding rows, and those whose id sequence moved (a
    row inserted and deleted, or rolled back). TRUNCATE costs a few milliseconds per table
    named, so naming only these keeps the PostgreSQL run's cleanup from dominating small tests,
    while ids still start at 1 in every test."""
    holding = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})"  # noqa: S608 - our table names
        for t in tables
    )
    moved = (
        "SELECT t.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
        "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_sequences q ON q.sequencename = s.relname "
        "AND q.schemaname = 'public' WHERE s.relkind = 'S' AND q.last_value IS NOT NULL"
    )
    found = {row[0] for row in conn.execute(text(f"{holding} UNION {moved}"))}
    return [t for t in tables if t in found]


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Every test starts from empty tables (the schema stays).

    Tests hold no application context while they send requests: each request gets its own,
    as in production (a shared one would share flask.g, and with it the logged-in user).
    """
    limiter = app.extensions["login_limiter"]
    limiter.reset()  # every test's client starts with no failed logins
    yield
    limiter.reset()
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                # A connection left open by the app (a leak) fails the run instead of hanging it.
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                touched = _touched_tables(conn, tables)
                if touched:
                    conn.execute(text(f"TRUNCATE {', '.join(touched)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our table names


@pytest.fixture
def factories(app) -> Factories:
    return Factories(app, password=PASSWORD)


@pytest.fixture
def in_app(app):
    """`with in_app():` — an application context (in English) for using services and reading
    the database in a test."""

    @contextlib.contextmanager
    def context():
        with app.app_context(), force_locale("en"):
            yield

    return context


@pytest.fixture
def two_estates(factories):
    """Estate A (the user's) and estate B (someone else's), each with a unit and a resident."""
    return factories.two_estates()


@pytest.fixture
def reminder_queue(app, monkeypatch):
    """The reminder jobs' RQ queue on the real Redis when REDIS_URL is set (each xdist worker
    with its own queue name), on fakeredis otherwise. Yields (queue name, connection)."""
    import fakeredis

    from admin_app import redis as app_redis
    from admin_app.jobs import reminders as reminder_jobs

    if os.environ.get("REDIS_URL"):
        monkeypatch.setitem(app.config, "REDIS_URL", os.environ["REDIS_URL"])
        with app.app_context():
            connection = app_redis.connection()
    else:
        monkeypatch.setitem(app.config, "REDIS_URL", "redis://fake")
        connection = fakeredis.FakeRedis()
        monkeypatch.setattr(app_redis, "connection", lambda: connection)
    name = f"reminders-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    monkeypatch.setattr(reminder_jobs, "QUEUE", name)

    def clear():
        from rq import Queue
        from rq.registry import FailedJobRegistry, ScheduledJobRegistry

        q = Queue(name, connection=connection)
        q.empty()
        for registry in (FailedJobRegistry(queue=q), ScheduledJobRegistry(queue=q)):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)

    clear()
    yield name, connection
    clear()


class Client:
    """A test client that logs in like a person and sends CSRF tokens like the browser."""

    def __init__(self, app, lang: str | None = None):
        self.app = app
        self.http = app.test_client()
        self.lang = lang
        self.headers = {"Accept-Language": "en" if lang is None else lang}

    def get(self, url, **kwargs):
        kwargs.setdefault("headers", self.headers)
        return self.http.get(url, **kwargs)

    def post(self, url, data=None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        kwargs.setdefault("headers", self.headers)
        return self.http.post(url, data=data, **kwargs)

    def csrf_token(self) -> str:
        page = self.http.get("/login", headers=self.headers, follow_redirects=False)
        if page.status_code == 302:  # logged in: take the token from any admin page
            page = self.http.get("/admin/", headers=self.headers)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD):
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def login(app):
    """login(staff_or_username) -> a Client logged in as that person."""

    def _login(user, password: str = PASSWORD, lang: str | None = None) -> Client:
        c = Client(app, lang=lang)
        response = c.login(getattr(user, "username", user), password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return _login


def page_messages(html: str) -> list[str]:
    """The flash messages and field errors a person would read on the page."""
    found = re.findall(
        r'class="(?:alert[^"]*|invalid-feedback|help-block[^"]*|text-danger[^"]*)"[^>]*>(.*?)</',
        html,
        re.S,
    )
    return [re.sub(r"<[^>]+>|\s+", " ", m).strip() for m in found if m.strip()]


def picked(form: str, name: str):
    """What a lookup field (unit, resident, …) of a form starts with: [id, label], or None."""
    field = re.search(rf'<input[^>]*id="{name}"[^>]*>', form).group(0)
    data = re.search(r'data-json="([^"]*)"', field)
    return json.loads(html.unescape(data.group(1))) if data else None


@contextlib.contextmanager
def statements_run(app):
    """The SQL statements run inside the block, in order (a list filled as they run)."""
    run: list[str] = []

    def note(conn, cursor, statement, *args):
        run.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", note)


_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    """The browser walk's accessibility counts per page (tests/e2e/test_every_page.py), printed
    after every run that made them."""
    for path in sorted((Path(__file__).parent / "artifacts" / "e2e").glob("axe-*.txt")):
        if path.stat().st_mtime >= _SESSION_STARTED:
            terminalreporter.write_sep("-", path.name)
            terminalreporter.write_line(path.read_text())
