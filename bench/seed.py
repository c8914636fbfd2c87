"""`python -m bench seed`: build a fresh database and fill it with generated disputes in bulk.

PostgreSQL gets each chunk by COPY; SQLite by multi-row INSERTs through SQLAlchemy Core (so
the column types store values exactly as the app does). Memory stays bounded by the chunk.
"""

import json
import resource
import time
from datetime import datetime
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from bench import data
from bench.facts import fill_facts
from disputedesk.app import create_app
from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.services.facts_rebuild import rebuild as rebuild_facts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
SERIAL_TABLES = (
    "teams",
    "users",
    "advertisers",
    "contracts",
    *(t for t in data.TABLE_ORDER if t != "chain_heads"),
)  # keyed by dispute


def bench_app(url: str) -> Flask:
    """The app bound to the benchmark database, with production-like settings."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})  # fmt: skip


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def recreate_database(url: str) -> None:
    """Start from nothing: drop and create the PostgreSQL database, or remove the SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def seed(url: str, disputes: int, now: datetime, *, quiet: bool = False) -> dict:
    """Create the schema and the data; return what was made and how long it took."""
    say = (lambda *_, **__: None) if quiet else print
    started = time.perf_counter()
    recreate_database(url)
    app = bench_app(sqlalchemy_url(url))
    shape = data.Shape(disputes, now)
    with app.app_context():
        upgrade(directory=str(ROOT / "disputedesk" / "migrations"))
        writer = Writer()
        password = generate_password_hash(PASSWORD, method="scrypt")
        writer.write("teams", data.teams())
        writer.write("users", [u | {"password_hash": password} for u in data.users(shape)])
        writer.write("advertisers", data.advertisers(shape))
        writer.write("contracts", data.contracts(shape))
        for n, part in enumerate(data.chunks(shape), 1):
            for table in data.TABLE_ORDER:
                writer.write(table, part.rows[table])
            say(f"  {min(n * 20_000, disputes):,} disputes", flush=True)
        finish(writer)
        counts = {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in SERIAL_TABLES}
        check_queue_keys()
        db.session.remove()
        db.engine.dispose()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"seeded {disputes:,} disputes in {seconds:.1f} s, peak memory {peak_mb:.0f} MB")
    say("  " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return {"seconds": seconds, "peak_mb": peak_mb, "counts": counts}


class Writer:
    """Writes lists of row dicts to a table: COPY on PostgreSQL, Core INSERTs on SQLite."""

    def __init__(self) -> None:
        self.postgres = db.engine.dialect.name == "postgresql"
        self.tables = db.metadata.tables

    def write(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        if rows[0].get("id", 0) is None:  # let the database number the rows
            rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
        if not self.postgres:
            db.session.execute(self.tables[name].insert(), rows)
            return
        columns = list(rows[0])
        json_columns = {c for c in columns if isinstance(rows[0][c], dict | list)}
        raw = db.session.connection().connection.driver_connection
        with raw.cursor().copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in json_columns else row[c] for c in columns]
                )


def finish(writer: Writer) -> None:
    """Number the issued memos in issue order, move the id sequences on, fill the dashboard facts
    (set-based on PostgreSQL, case by case on SQLite), and analyze."""
    year = "extract(year from issued_at)::int" if writer.postgres else "strftime('%Y', issued_at)"
    pad = "lpad(n::text, 6, '0')" if writer.postgres else "substr('000000' || n, -6)"
    db.session.execute(
        text(f"""
        WITH numbered AS (
            SELECT id, {year} AS y,
                   row_number() OVER (PARTITION BY {year} ORDER BY issued_at, id) AS n
            FROM credit_memos WHERE status = 'issued')
        UPDATE credit_memos SET number = 'CM-' || y || '-' || {pad}
        FROM numbered WHERE numbered.id = credit_memos.id""")
    )
    db.session.execute(
        text(f"""
        INSERT INTO memo_sequences (year, last_number)
        SELECT {year}, count(*) FROM credit_memos WHERE status = 'issued' GROUP BY 1""")
    )
    if writer.postgres:
        for table in SERIAL_TABLES:
            db.session.execute(
                text(f"""SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                        (SELECT coalesce(max(id), 1) FROM {table}))""")
            )
    db.session.commit()
    if writer.postgres:
        fill_facts()
    else:
        rebuild_facts()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if writer.postgres else "ANALYZE"))


def check_queue_keys(sample: int = 300) -> None:
    """Fail unless the generated queue keys equal what the write path would keep."""
    ids = db.session.scalars(select(Dispute.id).order_by(func.random()).limit(sample)).all()
    for dispute in db.session.scalars(select(Dispute).where(Dispute.id.in_(ids))):
        band, due = dispute.queue_band, dispute.next_due_at
        dispute.refresh_queue_keys()
        if (band, due) != (dispute.queue_band, dispute.next_due_at):
            kept = (dispute.queue_band, dispute.next_due_at)
            raise AssertionError(f"dispute {dispute.id}: queue keys {(band, due)}, kept {kept}")
    db.session.rollback()
