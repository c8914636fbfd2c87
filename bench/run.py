"""`python -m bench run`: time every operation in-process, beside its floor, as a table."""

import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from bench.floors import WRITES, Sql
from bench.ops import Op, add_fresh_invoices, operations, pick_sample, record_contributions
from bench.seed import bench_app, sqlalchemy_url
from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.sla_sweep import sweep

MAX_RUNS = 500
HEADER = ("| operation | median ms | p95 ms | req/s | statements | floor median ms | ratio |\n"
          "|---|---:|---:|---:|---:|---:|---:|")  # fmt: skip


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    per_second: float
    statements: int | None = None


def measure(call: Callable[[], Any], seconds: float, limit: int | None,
            count: Callable[[], int] | None = None,
            prepare: Callable[[], Any] | None = None) -> Timing | None:  # fmt: skip
    """Call repeatedly for about `seconds` (at least 3 times where the data allows)."""
    durations, statements = [], []
    began = time.perf_counter()
    most = min(MAX_RUNS, limit if limit is not None else MAX_RUNS)
    while len(durations) < most and (len(durations) < 3 or time.perf_counter() - began < seconds):
        if prepare:
            prepare()
        before = count() if count else 0
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
        if count:
            statements.append(count() - before)
        db.session.remove()
    if not durations:
        return None
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return Timing(statistics.median(durations) * 1000, p95 * 1000,
                  len(durations) / sum(durations),
                  int(statistics.median(statements)) if statements else None)  # fmt: skip


class StatementCounter:
    """Counts the statements the app sends to the database."""

    def __init__(self) -> None:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __call__(self) -> int:
        return self.count


def floor_connection(url: str) -> tuple[Any, bool]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite3.connect(parsed.database), False
    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False)), True


def run(url: str, only: list[str] | None, seconds: float, *, http: bool = False,
        markdown: str | None = None) -> list[tuple[Op, Timing | None, Timing | None]]:  # fmt: skip
    """Time the operations named in `only` (all by default); print and return the table."""
    app = bench_app(sqlalchemy_url(url))
    with app.app_context():
        disputes = db.session.scalar(select(func.count()).select_from(Dispute))
        sample = pick_sample()
        add_fresh_invoices(sample, 2 * min(MAX_RUNS, max(10, int(seconds * 60))))
        if http:
            from bench.http import run_http

            return run_http(app, url, sample, seconds, markdown)
        ops = [op for op in operations(app, sample) if not only or op.name in only]
        if not only or "SLA sweep, 1,000 due" in only:
            ops.append(sweep_due())
        counter = StatementCounter()
        connection, postgres = floor_connection(url)
        table = []
        for op in ops:
            try:
                timing = measure(op.call, seconds, op.limit, counter, op.prepare)
            except AssertionError as refused:
                raise SystemExit(f"{op.name}: {refused}") from None
            floor = measure(_floor_call(connection, postgres, op, sample), seconds,
                            op.limit) if op.floor else None  # fmt: skip
            table.append((op, timing, floor))
        connection.close()
        version = db.session.scalar(text("SELECT version()" if postgres else
                                         "SELECT 'SQLite ' || sqlite_version()"))  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    lines = [f"{disputes:,} disputes · {version.split(' on ')[0]} · Python "
             f"{platform.python_version()} · in-process, {seconds:g} s per operation",
             "", HEADER, *(_row(*entry) for entry in table)]  # fmt: skip
    print("\n".join(lines))
    if markdown:
        with open(markdown, "a") as out:
            out.write("\n".join(lines) + "\n\n")
    return table


def _floor_call(connection: Any, postgres: bool, op: Op, sample: Any) -> Callable[[], Any]:
    def call() -> Any:
        cursor = connection.cursor()
        result = op.floor(Sql(cursor, postgres), sample)
        (connection.rollback if op.name in WRITES else connection.commit)()
        return result

    return call


def sweep_due(due: int = 1000) -> Op:
    """Breach and escalate `due` clocks in one sweep; the clocks are moved, untimed, first."""
    now = utcnow()

    def prepare() -> None:
        moved = db.session.execute(text("""
            UPDATE sla_clocks SET due_at = :due, at_risk_at = :due, warned_at = :due
            WHERE id IN (SELECT c.id FROM sla_clocks c JOIN disputes d ON d.id = c.dispute_id
                         WHERE c.status = 'running' AND c.name = 'resolution'
                         AND c.stopped_at IS NULL AND c.paused_at IS NULL
                         AND d.state = 'investigating' ORDER BY c.id LIMIT :n)
            RETURNING dispute_id"""),
                           {"due": now - timedelta(minutes=1), "n": due})  # fmt: skip
        record_contributions(moved.scalars().all())
        db.session.commit()

    return Op(f"SLA sweep, {due:,} due", lambda: sweep(now), limit=1, prepare=prepare)


def _row(op: Op, timing: Timing | None, floor: Timing | None) -> str:
    if timing is None:
        return f"| {op.name} | — | — | — | — | — | no data to run it on |"
    ratio = f"{timing.median_ms / floor.median_ms:.1f}×" if floor and floor.median_ms else "—"
    floor_ms = f"{floor.median_ms:.1f}" if floor else "—"
    return (f"| {op.name} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} | "
            f"{timing.per_second:.0f} | {timing.statements} | {floor_ms} | {ratio} |")  # fmt: skip
