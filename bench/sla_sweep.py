"""Time the SLA sweep on PostgreSQL over many open disputes: nothing due, at risk, breaching.

Creates a throwaway database on the server, builds the schema with the migrations, generates
the data with set-based INSERT … SELECT generate_series, times `sweep()`, and drops the
database. Usage:

    .venv/bin/python bench/sla_sweep.py [--server URL] [--disputes 200000] [--due 10000]
"""

import argparse
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from disputedesk.app import create_app  # noqa: E402
from disputedesk.app.extensions import db  # noqa: E402
from disputedesk.app.services.sla_sweep import SweepResult, sweep  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEAMS, ANALYSTS_PER_TEAM, ADVERTISERS = 20, 10, 2000

# Team t has lead id t and analysts 20 + (t-1)*10 + 1 … 10; advertiser a belongs to team
# 1 + a % 20; dispute g is on invoice g of advertiser 1 + g % 2000, assigned to an analyst.
GENERATE = [
    f"""INSERT INTO teams (name, timezone, holiday_country)
        SELECT 'Team ' || t, 'America/Chicago', 'US' FROM generate_series(1, {TEAMS}) t""",
    f"""INSERT INTO users (email, name, role, team_id, approval_limit, active, password_hash,
                           timezone)
        SELECT 'lead' || t || '@bench.test', 'Lead ' || t, 'lead', t, 100000, true, '',
               'America/Chicago'
        FROM generate_series(1, {TEAMS}) t""",
    f"""INSERT INTO users (email, name, role, team_id, approval_limit, active, password_hash,
                           timezone)
        SELECT 'analyst' || u || '@bench.test', 'Analyst ' || u, 'analyst',
               1 + (u - 1) / {ANALYSTS_PER_TEAM}, 0, true, '', 'America/Chicago'
        FROM generate_series(1, {TEAMS * ANALYSTS_PER_TEAM}) u""",
    f"""INSERT INTO advertisers (ref, name, kind, tier, team_id)
        SELECT 'ADV-' || a, 'Advertiser ' || a, 'supplier', 'standard', 1 + a % {TEAMS}
        FROM generate_series(1, {ADVERTISERS}) a""",
    f"""INSERT INTO invoices (number, advertiser_id, currency, period_start, period_end)
        SELECT 'INV-' || g, 1 + g % {ADVERTISERS}, 'USD', DATE '2026-10-01', DATE '2026-10-31'
        FROM generate_series(1, :n) g""",
    f"""INSERT INTO disputes (advertiser_id, invoice_id, team_id, reason_code, description,
                              disputed_amount, currency, priority, intake_channel, state,
                              assignee_id, filed_at, updated_at, version, queue_band,
                              next_due_at)
        SELECT 1 + g % {ADVERTISERS}, g, 1 + (1 + g % {ADVERTISERS}) % {TEAMS}, 'rate_mismatch',
               'generated', 100000, 'USD', 'P3', 'api', 'investigating',
               {TEAMS} + (1 + (1 + g % {ADVERTISERS}) % {TEAMS} - 1) * {ANALYSTS_PER_TEAM}
                   + 1 + g % {ANALYSTS_PER_TEAM},
               :now - interval '2 days', :now - interval '1 day', 3,
               2, :now + interval '12 days'
        FROM generate_series(1, :n) g""",
    """INSERT INTO events (dispute_id, seq, at, actor, type, data, prev_hash, hash)
        SELECT d.id, s, d.filed_at, 'bench', 'generated', '{}', repeat('0', 64),
               encode(sha256((d.id || '/' || s)::bytea), 'hex')
        FROM disputes d CROSS JOIN generate_series(1, 3) s""",
    """INSERT INTO sla_clocks (dispute_id, name, priority, target_seconds, started_at,
                               at_risk_at, due_at, paused_seconds, stopped_at, status)
        SELECT id, 'triage', 'P3', 28800, filed_at, filed_at + interval '6 hours',
               filed_at + interval '1 day', 0, filed_at + interval '1 hour', 'met'
        FROM disputes""",
    """INSERT INTO sla_clocks (dispute_id, name, priority, target_seconds, started_at,
                               at_risk_at, due_at, paused_seconds, status)
        SELECT id, 'resolution', 'P3', 288000, filed_at, :now + interval '8 days',
               :now + interval '12 days', 0, 'running'
        FROM disputes""",
]
AT_RISK = """UPDATE sla_clocks SET at_risk_at = :now - interval '1 hour'
             WHERE name = 'resolution' AND dispute_id > :n - :due"""
BREACHING = """UPDATE sla_clocks SET at_risk_at = :now - interval '3 days',
                                     due_at = :now - interval '1 hour'
               WHERE name = 'resolution' AND dispute_id > :after AND dispute_id <= :after + :due"""


@contextmanager
def throwaway_database(server: str) -> Iterator[str]:
    """Create an empty database on the server for the run and drop it afterwards."""
    name = f"disputedesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
        )
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(label: str, seconds: float, what: object = "") -> None:
    print(f"| {label} | {seconds:.3f} | {what} |")


def timed(label: str, action: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = action()
    report(label, time.perf_counter() - started, result if result is not None else "")
    return result


def run(server: str, disputes: int, due: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    params = {"n": disputes, "due": due, "now": now}
    with throwaway_database(server) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            upgrade(directory=str(ROOT / "disputedesk" / "migrations"))
            version = db.session.scalar(text("SHOW server_version"))
            print(f"PostgreSQL {version}, Python {platform.python_version()}, "
                  f"{os.cpu_count()} cores\n")  # fmt: skip
            print("| step | seconds | result |\n|---|---:|---|")

            def generate() -> str:
                for statement in GENERATE:
                    db.session.execute(text(statement), params)
                db.session.commit()
                analyze("VACUUM ANALYZE")
                return f"{disputes:,} open disputes, {2 * disputes:,} clocks"

            def move(statement: str, **extra: int) -> None:
                db.session.execute(text(statement), params | extra)
                db.session.commit()
                analyze("ANALYZE sla_clocks")

            timed("generate the data", generate)
            timed("sweep, nothing due", lambda: sweep(now))
            timed("sweep again, nothing due", lambda: sweep(now))
            move(AT_RISK)
            timed(f"sweep, {due:,} at risk: warn", lambda: sweep(now))
            move(BREACHING, after=0)
            result = timed(f"sweep, {due:,} breaching: breach and escalate", lambda: sweep(now))
            assert result == SweepResult(breached=due, escalated=due), result
            timed("sweep again, nothing left to do", lambda: sweep(now))
            move(BREACHING, after=due)
            results = in_processes(url, now, 2)
            label = f"2 concurrent sweeps, {due:,} more breaching (slowest)"
            report(label, max(s for _, s in results), " + ".join(str(r) for r, _ in results))
            assert sum(r.escalated for r, _ in results) == due, results
            db.session.remove()
            db.engine.dispose()


def analyze(statement: str) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def sweep_alone(url: str, now: datetime, start: float) -> tuple[SweepResult, float]:
    """Run one sweep in this process, as another instance would; say how long it took."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        time.sleep(max(0.0, start - time.time()))  # both begin together, after starting up
        began = time.perf_counter()
        result = sweep(now)
        return result, time.perf_counter() - began


def in_processes(url: str, now: datetime, count: int) -> list[tuple[SweepResult, float]]:
    start = time.time() + 3  # long enough for each process to import and connect
    with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
        return list(pool.map(sweep_alone, [url] * count, [now] * count, [start] * count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=SERVER, help="a database on the server to connect")
    parser.add_argument("--disputes", type=int, default=200_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    run(args.server, args.disputes, args.due)


if __name__ == "__main__":
    main()
