"""The migrations build exactly the schema the models declare."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from disputedesk.app.extensions import db
from tests.conftest import _throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent


# SQLite's reflection cannot read an expression index back (lower(number)); alembic then
# leaves it out of the comparison on both sides, and PostgreSQL still compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_and_models_do_not_drift(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_migrations_have_one_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "disputedesk" / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"more than one head: {heads}; merge them"


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    """Up to head, down to nothing, up again, on a database of its own (of the run's kind):
    every downgrade runs, and the schema is the models' again."""
    server, drop = os.environ.get("TEST_DATABASE_URL"), None
    if server:
        url, drop = _throwaway_postgres(server)
    else:
        url = f"sqlite:///{tmp_path / 'round-trip.db'}"
    try:
        _round_trip(url)
    finally:
        if drop:
            drop()


def _round_trip(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    flask = [sys.executable, "-m", "flask", "--app", "disputedesk.wsgi", "db"]
    for step in (["upgrade"], ["downgrade", "base"], ["upgrade"]):
        done = subprocess.run([*flask, *step], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, f"db {' '.join(step)}: {done.stderr[-2000:]}"
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    finally:
        engine.dispose()  # before the database is dropped, whatever the comparison found
    assert differences == []
