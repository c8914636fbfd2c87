"""/healthz: the process answers; /readyz: the database answers and its schema is current."""

from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from disputedesk.app.extensions import db

bp = Blueprint("ops", __name__)
MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    return jsonify(status="ok")


def _schema_heads() -> set[str]:
    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def readiness() -> list[str]:
    """Return what keeps this instance from taking traffic (empty when it is ready)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database unreachable: %s", error)
        return ["the database does not answer"]
    expected = _schema_heads()
    if current != expected:
        return [
            f"migrations not at head: database at {sorted(current)}, code at {sorted(expected)}"
        ]
    return []


@bp.get("/readyz")
def readyz():  # noqa: ANN201
    problems = readiness()
    if problems:
        return jsonify(status="not ready", problems=problems), 503
    return jsonify(status="ready")
