"""Time the dashboard (every widget, one filter set) and the month-end close on PostgreSQL.

    .venv/bin/python -m bench.dashboard --disputes 100000 [--database-url postgresql://…/db]

Seeds the database with the harness's generator (bench/seed.py), which fills the dashboard
facts and their weekly rollups from the raw rows set-based (what `flask insight rebuild` does
one case at a time), then times `dashboard(filters)` and `roll_forward(month)` in-process.
With --no-seed the facts of the existing database are filled again, unless --no-fill.
"""

import argparse
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import select, text

from bench.facts import fill_facts
from bench.seed import bench_app, seed, sqlalchemy_url
from disputedesk.app.extensions import db
from disputedesk.app.models import User
from disputedesk.app.queries.close import roll_forward
from disputedesk.app.queries.dashboard import dashboard
from disputedesk.app.queries.insight_filters import parse_filters
from disputedesk.workflows.books import books_day, month_of

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/disputedesk_bench_insight"
ZONE = "America/Chicago"


def timed(fn, runs: int) -> dict:  # noqa: ANN001
    fn()  # warm the caches once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median_ms": statistics.median(times), "p95_ms": p95, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    parser.add_argument("--disputes", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--no-fill", action="store_true", help="reuse the filled facts too")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    if not args.no_seed:
        seed(args.database_url, args.disputes, now)
    app = bench_app(sqlalchemy_url(args.database_url))
    with app.app_context():
        if args.no_seed and not args.no_fill:  # a seed has filled them already
            started = time.perf_counter()
            rows = fill_facts()
            print(f"facts: {rows:,} rows in {time.perf_counter() - started:.1f} s")
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE dispute_facts, dispute_fact_rollups"))
        approver = db.session.scalar(select(User).where(User.role == "approver").limit(1))
        lead = db.session.scalar(select(User).where(User.role == "lead").limit(1))
        today = books_day(now, ZONE)
        month = month_of(now, ZONE)
        for who, user, args_ in (("approver, all teams, 12 weeks", approver, {}),
                                 ("lead, their team, 12 weeks", lead, {}),
                                 ("approver, a reason code, a year", approver,
                                  {"from": f"{today.year - 1}-{today:%m-%d}",
                                   "reason_code": "rate_mismatch"})):  # fmt: skip
            filters = parse_filters(args_, user, today)
            result = timed(lambda f=filters: dashboard(f), args.runs)
            print(f"dashboard ({who}): median {result['median_ms']:.1f} ms, "
                  f"p95 {result['p95_ms']:.1f} ms over {result['runs']} runs")  # fmt: skip
        result = timed(lambda: roll_forward(month), args.runs)
        print(f"close report {month}: median {result['median_ms']:.1f} ms, "
              f"p95 {result['p95_ms']:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
