"""Time the work queues on PostgreSQL over up to a million disputes: first pages and deep pages.

Reuses the SLA benchmark's generator (teams of 10 analysts, every dispute open and assigned,
two clocks each), then times my queue, the team queue and tracking search as the web pages
call them. Usage:

    .venv/bin/python bench/queues.py [--server URL] [--disputes 1000000]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sla_sweep import GENERATE, ROOT, SERVER, analyze, throwaway_database  # noqa: E402

from disputedesk.app import create_app  # noqa: E402
from disputedesk.app.extensions import db  # noqa: E402
from disputedesk.app.models import Dispute, User  # noqa: E402
from disputedesk.app.queries.queues import QueueFilters, my_queue, team_queue, team_workload  # noqa: E402

RUNS = 7


def timed(label: str, action) -> None:  # noqa: ANN001
    seconds = []
    for _ in range(RUNS):
        db.session.expire_all()
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    rows = len(result.rows) if hasattr(result, "rows") else len(result)
    print(f"| {label} | {statistics.median(seconds) * 1000:.1f} | {max(seconds) * 1000:.1f} "
          f"| {rows} |")  # fmt: skip


def deep_page(queue, user: User, pages: int):  # noqa: ANN001,ANN201
    page = queue(user, QueueFilters())
    for _ in range(pages - 1):
        page = queue(user, QueueFilters(), page.next_after)
    return page


def analyst_cases(user: User) -> list:
    return db.session.scalars(select(Dispute.id).where(Dispute.assignee_id == user.id)).all()


def team_cases(user: User) -> list:
    return db.session.scalars(select(Dispute.id).where(Dispute.team_id == user.team_id)).all()


def run(server: str, disputes: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    params = {"n": disputes, "due": 0, "now": now}
    with throwaway_database(server) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            upgrade(directory=str(ROOT / "disputedesk" / "migrations"))
            started = time.perf_counter()
            for statement in GENERATE:
                if "INSERT INTO events" not in statement:  # the queues never read the trail
                    db.session.execute(text(statement), params)
            db.session.commit()
            analyze("VACUUM ANALYZE")
            print(
                f"generated {disputes:,} open disputes in {time.perf_counter() - started:.1f} s\n"
            )
            busiest = text("SELECT assignee_id FROM disputes GROUP BY 1 ORDER BY count(*) DESC")
            analyst = db.session.get(User, db.session.scalar(busiest))
            lead = db.session.scalar(
                select(User).where(User.role == "lead", User.team_id == analyst.team_id)
            )
            print(f"open cases: the analyst's {len(analyst_cases(analyst)):,}, "
                  f"the team's {len(team_cases(lead)):,}\n")  # fmt: skip
            print("| query | median ms | worst ms | rows |\n|---|---:|---:|---:|")
            timed("my queue, first page", lambda: my_queue(analyst, QueueFilters()))
            timed("my queue, pages 1-10 walked", lambda: deep_page(my_queue, analyst, 10))
            timed("team queue, first page", lambda: team_queue(lead, QueueFilters()))
            timed("team queue, pages 1-10 walked", lambda: deep_page(team_queue, lead, 10))
            timed("team queue, search 'Advertiser 42'",
                  lambda: team_queue(lead, QueueFilters(q="Advertiser 42")))  # fmt: skip
            timed(
                "team queue, filter state+priority",
                lambda: team_queue(lead, QueueFilters(state="investigating", priority="P3")),
            )
            timed("team workload (one GROUP BY)", lambda: team_workload(lead))
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--disputes", type=int, default=1_000_000)
    args = parser.parse_args()
    run(args.server, args.disputes)


if __name__ == "__main__":
    main()
