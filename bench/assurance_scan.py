"""Time the assurance scan's backfill on PostgreSQL over many invoice lines, beside a SQL floor.

Creates a throwaway database on the server, builds the schema with the migrations, generates
contracts, invoices, lines and delivery rows with set-based INSERT … SELECT generate_series
(one line in 50 billed on more impressions than were delivered), times `scan_everything()`
from nothing and again over what it found, times the floor — one hand-written statement that
picks each line's contract, sums its valid delivery, prices it and keeps the lines off by more
than the tolerance — checks both found the same lines, and drops the database. Usage:

    .venv/bin/python -m bench.assurance_scan [--server URL] [--lines 1000000]
"""

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sla_sweep import SERVER, analyze, report, throwaway_database  # noqa: E402
from disputedesk.app import create_app  # noqa: E402
from disputedesk.app.extensions import db  # noqa: E402
from disputedesk.app.models import BillingException  # noqa: E402
from disputedesk.app.services.assurance_scan import scan_everything  # noqa: E402

TEAMS, LINES_PER_INVOICE, LINES_PER_ADVERTISER, OFF_EVERY = 20, 4, 400, 50

# Invoice g belongs to advertiser 1 + g % A and bills month 1 + (g / A) % 12 of 2026; its line
# n bills a million impressions of campaign C<g>-<n> at 4.00 CPM (4,000.00). Each campaign has
# one delivery row for the month: a million delivered, or 800,000 on every 50th line.
GENERATE = [
    f"""INSERT INTO teams (name, timezone, holiday_country)
        SELECT 'Team ' || t, 'America/Chicago', 'US' FROM generate_series(1, {TEAMS}) t""",
    f"""INSERT INTO advertisers (ref, name, kind, tier, team_id)
        SELECT 'ADV-' || a, 'Advertiser ' || a, 'supplier', 'standard', 1 + a % {TEAMS}
        FROM generate_series(1, :advertisers) a""",
    """INSERT INTO contracts (advertiser_id, reference, product, rate_micros, discount_bp,
                              effective_from, effective_to, version, campaign_ref, unit_kind,
                              makegood_units, tolerance_bp, delivery_source, currency)
        SELECT a, 'IO-' || a, 'display', 4000000, 0, DATE '2026-01-01', DATE '2026-12-31', 1,
               '', 'cpm', 0, 0, 'first_party', 'USD'
        FROM generate_series(1, :advertisers) a""",
    """INSERT INTO invoices (number, advertiser_id, currency, period_start, period_end)
        SELECT 'INV-' || g, 1 + g % :advertisers, 'USD', m, (m + interval '1 month - 1 day')::date
        FROM generate_series(1, :invoices) g,
             LATERAL (SELECT make_date(2026, 1 + (g / :advertisers) % 12, 1) AS m) month""",
    f"""INSERT INTO invoice_lines (invoice_id, line_no, product, campaign_ref, unit_kind,
                                   billed_units, billed_rate_micros, amount, kind)
        SELECT i.id, n, 'display', 'C' || i.id || '-' || n, 'cpm', 1000000, 4000000, 400000,
               'charge'
        FROM invoices i CROSS JOIN generate_series(1, {LINES_PER_INVOICE}) n""",
    f"""INSERT INTO delivery_records (campaign_ref, period_start, period_end, delivered_units,
                                      invalid_units, source, external_ref)
        SELECT l.campaign_ref, i.period_start, i.period_end,
               CASE WHEN l.id % {OFF_EVERY} = 0 THEN 800000 ELSE 1000000 END, 0,
               'first_party', 'D-' || l.id
        FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id""",
]

# The floor: the same question in one statement for this data's shape (one contract version
# per line, no caps or make-goods, a delivery row inside the period). It leaves out what the
# scan does beyond that: day-by-day segments, caps shared across invoices, the trail.
FLOOR = """
CREATE TEMP TABLE floor_exceptions AS
SELECT l.id AS invoice_line_id, l.amount AS billed, e.expected, l.amount - e.expected AS variance
FROM invoice_lines l
JOIN invoices i ON i.id = l.invoice_id
JOIN LATERAL (
    SELECT c.* FROM contracts c
    WHERE c.advertiser_id = i.advertiser_id AND c.product = l.product
      AND c.campaign_ref IN ('', l.campaign_ref)
      AND c.effective_from <= i.period_end AND c.effective_to >= i.period_start
    ORDER BY (c.campaign_ref <> '') DESC, c.version DESC LIMIT 1
) c ON true
JOIN LATERAL (
    SELECT sum(d.delivered_units - d.invalid_units) AS valid FROM delivery_records d
    WHERE d.campaign_ref = l.campaign_ref AND d.source = c.delivery_source
      AND d.period_start >= i.period_start AND d.period_end <= i.period_end
) d ON d.valid IS NOT NULL
CROSS JOIN LATERAL (
    SELECT round(least(l.billed_units, d.valid)::numeric * c.rate_micros
                 * (10000 - c.discount_bp) / 10000 / 10000000) AS expected
) e
WHERE l.kind = 'charge' AND abs(l.amount - e.expected) > l.amount * c.tolerance_bp / 10000.0
"""

FLOOR_IDS = "SELECT invoice_line_id FROM floor_exceptions"


def timed(label: str, action) -> tuple[object, float]:  # noqa: ANN001
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    report(label, seconds, result if result is not None else "")
    return result, seconds


def run(server: str, lines: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    invoices = max(lines // LINES_PER_INVOICE, 1)
    params = {"invoices": invoices, "advertisers": max(lines // LINES_PER_ADVERTISER, 1)}
    with throwaway_database(server) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            upgrade(directory=str(ROOT / "disputedesk" / "migrations"))
            version = db.session.scalar(text("SHOW server_version"))
            print(f"PostgreSQL {version}, Python {platform.python_version()}, "
                  f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n")  # fmt: skip
            print("| step | seconds | result |\n|---|---:|---|")

            def generate() -> str:
                for statement in GENERATE:
                    db.session.execute(text(statement), params)
                db.session.commit()
                analyze("VACUUM ANALYZE")
                return f"{invoices:,} invoices, {invoices * LINES_PER_INVOICE:,} lines"

            timed("generate the data", generate)
            first, scan_s = timed("scan everything, from nothing", lambda: scan_everything(now))
            timed("scan everything again (nothing changed)", lambda: scan_everything(now))

            def floor() -> int:
                db.session.execute(text(FLOOR))
                return db.session.scalar(text("SELECT count(*) FROM floor_exceptions"))

            found, floor_s = timed("floor: one statement finds the same lines", floor)
            scanned = set(db.session.scalars(select(BillingException.invoice_line_id)))
            floor_ids = {r for r in db.session.scalars(text(FLOOR_IDS))}
            assert scanned == floor_ids, (len(scanned), len(floor_ids))
            agree = db.session.scalar(text(
                "SELECT count(*) FROM billing_exceptions b JOIN floor_exceptions f"
                " ON f.invoice_line_id = b.invoice_line_id AND f.expected = b.expected"
            ))  # fmt: skip
            assert agree == found, (agree, found)
            print(f"\nThe scan and the floor found the same {found:,} lines at the same expected "
                  f"amounts; scan {scan_s / floor_s:.1f}× its floor, "
                  f"{first.lines / scan_s:,.0f} lines/s.")  # fmt: skip
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=SERVER, help="a database on the server to connect")
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    run(args.server, args.lines)


if __name__ == "__main__":
    main()
