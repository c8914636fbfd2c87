"""Fixtures: a throwaway database per test run (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

import contextvars
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from disputedesk.app import create_app
from disputedesk.app.extensions import db, limiter
from tests.factories import Factory


def _throwaway_postgres(server_url: str) -> tuple[str, callable]:
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"disputedesk_test_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


# Markers by where a test lives, so a run can leave whole kinds out (`make test-fast`):
# browser (Chromium), fuzz (schemathesis), slow (starts processes: gunicorn, a fresh venv,
# the CLI, migrations up and down, the bench harness).
SLOW = {"test_package.py", "test_deploy.py", "test_limits_across_workers.py",
        "test_migrations.py", "test_sla_sweep_crash.py", "test_generated_client.py",
        "test_harness.py"}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path
        if "e2e" in path.parts:
            item.add_marker(pytest.mark.browser)
        if path.name == "test_schemathesis.py":
            item.add_marker(pytest.mark.fuzz)
        if path.name in SLOW or "gunicorn" in item.name or "subprocess" in item.name:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url, drop = _throwaway_postgres(server)
    try:
        yield url
    finally:
        drop()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "EVIDENCE_DIR": str(tmp_path_factory.mktemp("evidence")),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "disputedesk" / "migrations"))
        yield app
        db.session.remove()
        db.engine.dispose()


# Reference data the migrations seed stays between tests, as it is on every installation: the
# standing FX rates (a currency with no rate on file cannot be converted at all).
KEEP_SEEDED = {"fx_rates": " WHERE source <> 'standing rate (formerly in code)'"}


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    db.session.remove()
    limiter.reset()  # failed sign-ins of one test do not lock out the next
    shutil.rmtree(request.getfixturevalue("app").config["EVIDENCE_DIR"], ignore_errors=True)
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]  # children first
    with db.engine.begin() as conn:
        # DELETE, not TRUNCATE: a test leaves a few rows in a few tables, and TRUNCATE of every
        # table costs PostgreSQL a quarter of a second per test whatever they hold.
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}{KEEP_SEEDED.get(table, '')}"))
        if conn.dialect.name == "postgresql":  # ids start at 1 again (DSP-000001), in one go
            conn.execute(text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
                " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
            ))  # fmt: skip
            conn.execute(text("SELECT setval('fx_rates_id_seq', (SELECT max(id) FROM fx_rates))"))


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The suite keeps an app context open so tests can call services directly; without this,
    requests would share that context, its `g` (and Flask-Login's cached user) and its session.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002,ANN003,ANN201
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # a followed redirect re-enters here without the test's context
            db.session.expire_all()  # let the test see what the request wrote
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory()


@pytest.fixture
def books(make: Factory, cast) -> dict:  # noqa: ANN001
    """October and November 2026 of the close's activity (tests/close_books.py)."""
    from tests.close_books import make_books

    return make_books(make, cast)


@pytest.fixture
def chart(cast) -> None:  # noqa: ANN001
    """A GL account for every GL reason (the journal refuses a reason without one)."""
    from disputedesk.app.services.gl_accounts import map_gl_account
    from disputedesk.workflows.codes import GL_REASONS

    for n, reason in enumerate(GL_REASONS):
        map_gl_account(reason, f"49{n}0 {reason}", "1200 Accounts receivable", cast.admin)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
