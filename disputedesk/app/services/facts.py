"""Keep the dashboard's facts in step with the disputes, in the transaction that changes them.

`settle_facts(dispute)` is the write path's one call: it works out what the dispute contributes
now (workflows/insight.py), subtracts what it contributed before (kept per dispute), and adds
the difference to the daily facts and their weekly rollups with upserts taken in key order (no
deadlocks between two changes touching the same rows). `facts_rebuild.recompute()` derives the
same table from the raw rows.
"""

from datetime import date, datetime

from flask import current_app
from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Dispute,
    DisputedLine,
    DisputeFact,
    DisputeFactState,
    FactRollup,
    InvoiceLine,
)
from disputedesk.app.models.insight import FACT_KEY, ROLLUP_KEY
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.ledger import post_movements
from disputedesk.app.services.sla_clocks import calendar_for
from disputedesk.workflows import books, insight
from disputedesk.workflows.money import to_reporting

Facts = dict[insight.Key, tuple[int, int, int]]
UPSERT_CHUNK = 500  # rows per statement: well inside SQLite's limit of bound parameters


def books_zone() -> str:
    """Return the books' time zone (config BOOKS_TIMEZONE)."""
    return current_app.config.get("BOOKS_TIMEZONE", books.DEFAULT_BOOKS_TIMEZONE)


def settle_facts(
    dispute: Dispute,
    *,
    counted: bool = False,
    new: bool = False,
    into: dict | None = None,
    now: datetime | None = None,
) -> None:
    """Add what changed in the dispute's contribution to the facts (the caller commits).

    `counted`: the facts hold the case already (a bulk load summed it set-based); only its
    contribution is recorded, so its next change adds the difference. `new`: a case being
    filed, which has contributed nothing and whose lines are all in the session. `into`: a
    batch's sum of deltas, which the batch adds itself (`add_facts`) before it commits.
    The close's ledger is posted in the same step (app/services/ledger.py), dated `now`.
    """
    state = None if new else db.session.get(DisputeFactState, dispute.id)
    if state is None:
        product = product_in_session(dispute) if new else product_of(dispute.id)
        state = DisputeFactState(dispute_id=dispute.id, product=product)
        db.session.add(state)
    case = case_of(dispute, state.product)
    contribution = insight.contributions(case, books_zone(), calendar_for(dispute.team))
    post_movements(state, dispute, case, now or utcnow(), books_zone())
    old = {tuple(row[:10]): tuple(row[10:]) for row in state.contributions or []}
    # Set before the upsert, whose autoflush then writes the state once.
    state.contributions = stored_contribution(contribution)
    if counted:
        return
    if into is None:
        add_facts(insight.difference(contribution, old))
    else:
        fold_facts(into, insight.difference(contribution, old))


def stored_contribution(contribution: Facts) -> list[list]:
    """A contribution as a fact state keeps it: one [*key, *sums] row per key, in key order."""
    return [[*key, *value] for key, value in sorted(contribution.items())]


def fold_facts(total: dict, facts: Facts) -> None:
    """Sum facts into a running total (zero-filled for new keys)."""
    for key, (n, a, r) in facts.items():
        was = total.get(key, (0, 0, 0))
        total[key] = (was[0] + n, was[1] + a, was[2] + r)


def fact_states(dispute_ids: list[int]) -> list[DisputeFactState]:
    """Load the disputes' last contributions in one query (a batch of changes reads them so)."""
    return list(
        db.session.scalars(
            select(DisputeFactState).where(DisputeFactState.dispute_id.in_(dispute_ids))
        )
    )


def contribution_of(dispute: Dispute, product: str) -> Facts:
    """Return what the dispute contributes to the facts now."""
    return insight.contributions(
        case_of(dispute, product), books_zone(), calendar_for(dispute.team)
    )


def case_of(dispute: Dispute, product: str) -> insight.Case:
    memo = dispute.credit_memos[-1] if dispute.credit_memos else None
    return insight.Case(
        advertiser_id=dispute.advertiser_id,
        team_id=dispute.team_id,
        reason_code=dispute.reason_code,
        product=product,
        currency=dispute.currency,
        tier=dispute.advertiser.tier,
        state=dispute.state,
        outcome=dispute.outcome,
        root_cause=dispute.root_cause,
        disputed_amount=dispute.disputed_amount,
        reporting_amount=reporting_amount_of(dispute),
        filed_at=dispute.filed_at,
        resolved_at=dispute.resolved_at,
        memo=memo
        and insight.Memo(
            memo.amount, memo.reporting_amount, memo.gl_reason, memo.status, memo.issued_at
        ),
        stopped_clocks=tuple(
            (c.name, c.status, c.stopped_at)
            for c in dispute.sla_clocks
            if c.stopped_at and c.status in ("met", "breached")
        ),
        reversed=tuple(
            insight.Reversed(
                m.amount, m.reporting_amount, m.gl_reason, m.issued_at, m.reversal.reversed_at
            )
            for m in dispute.credit_memos
            if m.status == "reversed" and m.reversal is not None and m.issued_at
        ),  # fmt: skip
        billed_from=dispute.invoice.period_start,
    )


def reporting_amount_of(dispute: Dispute) -> int:
    """The disputed amount in the reporting currency at the rate frozen at filing (a case
    loaded in bulk without one: at the standing rate)."""
    if dispute.reporting_amount is not None:
        return dispute.reporting_amount
    return to_reporting(dispute.disputed_amount, dispute.currency)


def product_of(dispute_id: int) -> str:
    """Return the product of the dispute's largest disputed line (of the invoice, without lines)."""
    return products_of([dispute_id])[dispute_id]


def products_of(dispute_ids: list[int]) -> dict[int, str]:
    """`product_of` for many cases, in two statements."""
    disputed = (
        select(DisputedLine.dispute_id, InvoiceLine.product)
        .join(InvoiceLine, DisputedLine.invoice_line_id == InvoiceLine.id)
        .where(DisputedLine.dispute_id.in_(dispute_ids))
        .order_by(DisputedLine.dispute_id, DisputedLine.amount.desc(), InvoiceLine.line_no)
    )
    whole = (
        select(Dispute.id, InvoiceLine.product)
        .join(InvoiceLine, Dispute.invoice_id == InvoiceLine.invoice_id)
        .where(Dispute.id.in_(dispute_ids))
        .order_by(Dispute.id, InvoiceLine.amount.desc(), InvoiceLine.line_no)
    )
    first: dict[int, str | None] = {}
    for dispute_id, product in db.session.execute(disputed):
        first.setdefault(dispute_id, product)
    fallback: dict[int, str | None] = {}
    for dispute_id, product in db.session.execute(whole):
        fallback.setdefault(dispute_id, product)
    return {i: first.get(i) or fallback.get(i) or "" for i in dispute_ids}


def product_in_session(dispute: Dispute) -> str:
    """`product_of` for a case being filed, from its lines and its invoice's in the session."""
    disputed = sorted(dispute.lines, key=lambda dl: (-dl.amount, dl.invoice_line.line_no))
    whole = sorted(dispute.invoice.lines, key=lambda line: (-line.amount, line.line_no))
    first = disputed[0].invoice_line.product if disputed else None
    return first or (whole[0].product if whole else None) or ""


def add_facts(deltas: Facts, connection: Connection | None = None) -> None:
    """Upsert the deltas into the daily facts and their rollups, each in key order."""
    if not deltas:
        return
    _upsert(DisputeFact, FACT_KEY, deltas, connection)
    _upsert(FactRollup, ROLLUP_KEY, insight.rolled_up(deltas), connection)


def _upsert(model: type, key_names: tuple[str, ...], deltas: dict, connection) -> None:  # noqa: ANN001
    """Add the deltas to the stored sums, in key order.

    PostgreSQL: one multi-row INSERT … ON CONFLICT per chunk (executemany would send a statement
    per row over the wire). SQLite runs in-process: executemany steps one prepared statement
    per row, where a multi-row statement of every size would be compiled anew.
    """
    postgres = db.engine.dialect.name == "postgresql"
    rows = [
        {**dict(zip(key_names, key, strict=True)), "n": n, "amount": a, "reporting_amount": r}
        for key, (n, a, r) in sorted(deltas.items())
    ]
    for row in rows:
        row["day"] = date.fromisoformat(row["day"])
    table = model.__table__
    run = (connection or db.session).execute
    if not postgres:
        run(_adding(sqlite_insert(table), table, key_names), rows)
        return
    for start in range(0, len(rows), UPSERT_CHUNK):
        run(_adding(pg_insert(table).values(rows[start : start + UPSERT_CHUNK]), table, key_names))


def _adding(statement, table, key_names: tuple[str, ...]):  # noqa: ANN001, ANN202
    return statement.on_conflict_do_update(
        index_elements=list(key_names),
        set_={
            "n": table.c.n + statement.excluded.n,
            "amount": table.c.amount + statement.excluded.amount,
            "reporting_amount": table.c.reporting_amount + statement.excluded.reporting_amount,
        },
    )


def stored_facts() -> Facts:
    """Read the facts table back as {key: (count, amount, reporting amount)}, zeros left out."""
    return _stored(DisputeFact, FACT_KEY)


def stored_rollups() -> dict[insight.RollupKey, tuple[int, int, int]]:
    """Read the rollups back the same way (what `insight.rolled_up(stored_facts())` must give)."""
    return _stored(FactRollup, ROLLUP_KEY)


def _stored(model: type, key_names: tuple[str, ...]) -> dict:
    day_at = key_names.index("day")
    columns = [getattr(model, c) for c in key_names]
    out = {}
    for row in db.session.execute(select(*columns, model.n, model.amount, model.reporting_amount)):
        key, value = list(row[: len(key_names)]), tuple(row[len(key_names) :])
        key[day_at] = key[day_at].isoformat()
        if value != (0, 0, 0):
            out[tuple(key)] = value
    return out
