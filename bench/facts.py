"""Fill the dashboard facts of bulk-loaded bench data in one set-based statement (PostgreSQL).

The same contributions as workflows/insight.py for the generator's shape (USD only, one disputed
line per case; business-day turnaround left out): what `flask insight rebuild` does case by case.
"""

from sqlalchemy import func, select, text

from disputedesk.app.extensions import db
from disputedesk.app.models import DisputeFact
from disputedesk.workflows.insight import CUBOIDS, DAY_GRAIN

ZONE = "America/Chicago"

# The bench data is USD only, one disputed line per case: reporting amount = amount.
FACTS_SQL = f"""
WITH d AS (
  SELECT d.id, d.team_id, d.reason_code, d.currency, d.state, d.outcome, d.advertiser_id,
         coalesce(d.root_cause, '') AS cause, d.disputed_amount AS amt, a.tier, il.product,
         (d.filed_at AT TIME ZONE '{ZONE}')::date AS fday,
         (d.resolved_at AT TIME ZONE '{ZONE}')::date AS rday
  FROM disputes d JOIN advertisers a ON a.id = d.advertiser_id
  JOIN disputed_lines dl ON dl.dispute_id = d.id JOIN invoice_lines il ON il.id = dl.invoice_line_id
), m AS (
  SELECT d.*, cm.amount AS credit, cm.gl_reason, cm.status,
         (cm.issued_at AT TIME ZONE '{ZONE}')::date AS iday
  FROM d JOIN credit_memos cm ON cm.dispute_id = d.id
), rows AS (
  SELECT 'filed' AS k, fday AS day, team_id, reason_code, product, currency, tier, '' AS rc,
         '' AS lb, 0 AS b,
         1 AS n, amt AS a FROM d
  UNION ALL SELECT 'open', fday, team_id, reason_code, product, currency, tier, '', '', 0, 1, amt
    FROM d WHERE state IN ('filed', 'investigating', 'escalated')
  UNION ALL SELECT 'open_adv', DATE '1970-01-01', team_id, reason_code, product, currency, tier,
    '', '', advertiser_id, 1, amt FROM d WHERE state IN ('filed', 'investigating', 'escalated')
  UNION ALL SELECT 'resolved', rday, team_id, reason_code, product, currency, tier, cause, '', 0,
    1, amt FROM d WHERE state IN ('resolved', 'credited')
  UNION ALL SELECT 'ttr_cal', rday, team_id, reason_code, product, currency, tier, '', '',
    rday - fday, 1, 0 FROM d WHERE state IN ('resolved', 'credited')
  UNION ALL SELECT 'upheld', rday, team_id, reason_code, product, currency, tier, cause, '', 0, 1,
    amt FROM d WHERE state = 'resolved' AND outcome = 'no_credit'
  UNION ALL SELECT 'withdrawn', rday, team_id, reason_code, product, currency, tier, '', '', 0, 1,
    amt FROM d WHERE state = 'resolved' AND outcome = 'withdrawn'
  UNION ALL SELECT 'awaiting_credit', rday, team_id, reason_code, product, currency, tier, cause,
    '', 0, 1, credit FROM m WHERE state = 'resolved' AND status <> 'issued'
  UNION ALL SELECT 'credited', iday, team_id, reason_code, product, currency, tier, cause,
    gl_reason, 0, 1, credit FROM m WHERE state = 'credited'
  UNION ALL SELECT 'upheld', iday, team_id, reason_code, product, currency, tier, cause, '', 0, 0,
    amt - credit FROM m WHERE state = 'credited'
  UNION ALL SELECT 'ttc_cal', iday, team_id, reason_code, product, currency, tier, '', '',
    iday - fday, 1, 0 FROM m WHERE state = 'credited'
  UNION ALL SELECT 'sla_' || c.status, (c.stopped_at AT TIME ZONE '{ZONE}')::date, team_id,
    reason_code, product, currency, tier, '', c.name, 0, 1, 0
    FROM d JOIN sla_clocks c ON c.dispute_id = d.id
    WHERE c.stopped_at IS NOT NULL AND c.status IN ('met', 'breached')
  UNION ALL SELECT 'billed', i.period_start, a.team_id, '', l.product, i.currency, a.tier, '', '',
    0, 1, l.amount FROM invoices i JOIN advertisers a ON a.id = i.advertiser_id
    JOIN invoice_lines l ON l.invoice_id = i.id
)
INSERT INTO dispute_facts (kind, day, team_id, reason_code, product, currency, tier, root_cause,
                           label, bucket, n, amount, reporting_amount)
SELECT k, day, team_id, reason_code, product, currency, tier, rc, lb, b, sum(n), sum(a), sum(a)
FROM rows GROUP BY k, day, team_id, reason_code, product, currency, tier, rc, lb, b
"""


# The rollups of those facts, as workflows/insight.py `rolled_up` folds them: each cuboid keeps
# one dimension (or product and reason), with or without the team, summed by week except the
# kinds read by day.
ROLLUP_SQL = """
INSERT INTO dispute_fact_rollups (cuboid, kind, day, team_id, reason_code, product, currency,
                                  tier, root_cause, label, bucket, n, amount, reporting_amount)
SELECT c.cuboid, f.kind,
       CASE WHEN f.kind IN ({day_grain}) OR f.day = DATE '1970-01-01' THEN f.day
            ELSE date_trunc('week', f.day)::date END AS grain,
       CASE WHEN c.cuboid LIKE 'team_id%' THEN f.team_id ELSE 0 END AS team,
       CASE WHEN c.cuboid LIKE '%reason_code%' THEN f.reason_code ELSE '' END AS r,
       CASE WHEN c.cuboid LIKE '%product' THEN f.product ELSE '' END AS p,
       CASE WHEN c.cuboid LIKE '%currency' THEN f.currency ELSE '' END AS cur,
       CASE WHEN c.cuboid LIKE '%tier' THEN f.tier ELSE '' END AS t,
       f.root_cause, f.label, f.bucket, sum(f.n), sum(f.amount), sum(f.reporting_amount)
FROM dispute_facts f CROSS JOIN (VALUES {cuboids}) AS c(cuboid)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
""".format(
    day_grain=", ".join(f"'{k}'" for k in sorted(DAY_GRAIN)),
    cuboids=", ".join(f"('{c}')" for c in CUBOIDS),
)


def fill_facts() -> int:
    """Replace the facts and their rollups with the set-based fill; return how many fact rows."""
    db.session.execute(text("DELETE FROM dispute_facts"))
    db.session.execute(text("DELETE FROM dispute_fact_rollups"))
    db.session.execute(text(FACTS_SQL))
    db.session.execute(text(ROLLUP_SQL))
    db.session.commit()
    db.session.execute(text("ANALYZE dispute_facts"))
    db.session.execute(text("ANALYZE dispute_fact_rollups"))
    rows = db.session.scalar(select(func.count()).select_from(DisputeFact))
    db.session.commit()  # an open transaction here would block the caller's VACUUM ANALYZE
    return rows
