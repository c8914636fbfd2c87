"""The dashboard's facts, kept by the write path, always equal a recomputation from raw rows."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.facts import stored_facts, stored_rollups
from disputedesk.app.services.facts_rebuild import rebuild, recompute
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.sla_sweep import sweep
from disputedesk.app.services.triggers import allowed_triggers, fire_trigger
from disputedesk.workflows.errors import DomainError
from disputedesk.workflows.insight import rolled_up
from disputedesk.workflows.money import format_amount

START = datetime(2026, 10, 26, 14, tzinfo=UTC)  # a week before the clocks go back in Chicago
ROOTS = ("rate_card_error", "delivery_data_error", "no_error_found")
DATA = {
    "escalate": {"reason": "contract unclear"},
    "deescalate": {"note": "clarified"},
    "withdraw": {"note": "the advertiser withdrew"},
    "reopen": {"reason": "new facts"},
    "request_info": {"note": "send the IO"},
    "info_received": {"note": "got it"},
    "reverse_credit": {"reason": "credited twice"},
}


def _resolve_data(rng: random.Random, dispute: Dispute) -> dict:
    outcome = rng.choice(("no_credit", "credit_partial", "credit_full"))
    data = {"outcome": outcome, "root_cause": rng.choice(ROOTS), "note": "decided"}
    if outcome != "no_credit":
        credit = (
            dispute.disputed_amount if outcome == "credit_full" else dispute.disputed_amount // 3
        )
        data |= {"credit_amount": format_amount(credit), "gl_reason": "rate_correction"}
    return data


def _file(make, cast, rng: random.Random, now: datetime) -> None:
    advertiser = rng.choice((cast.advertiser, cast.other_advertiser))
    currency = rng.choice(("USD", "CAD"))
    invoice = make.invoice(advertiser, amounts=(rng.randint(1, 900) * 1000, 300_000),
                           currency=currency)  # fmt: skip
    amount = rng.randint(1, invoice.lines[0].amount // 100) * 100
    filing = Filing(invoice.number, rng.choice(("other", "other", "tax_or_fee")), "overbilled",
                    format_amount(amount), currency)  # fmt: skip
    file_dispute(cast.integration, filing, now=now)


def _step(make, cast, rng: random.Random, now: datetime) -> None:
    disputes = db.session.scalars(db.select(Dispute).order_by(Dispute.id)).all()
    if not disputes or rng.random() < 0.15:
        return _file(make, cast, rng, now)
    if rng.random() < 0.1:
        sweep(now)
        return None
    dispute = rng.choice(disputes)
    memo = current_memo(dispute) if dispute.credit_memos else None
    if memo and memo.status == "pending_approval" and rng.random() < 0.7:
        decide(memo.id, cast.approver, rng.choice(("approve", "approve", "reject")), "ok", now=now)
        return None
    if dispute.assignee_id is None:
        assign(dispute.ref, cast.lead, cast.analyst.email, now=now)
        return None
    lead = [(t, cast.lead) for t in allowed_triggers(dispute, cast.lead, now)]
    approver = [(t, cast.approver) for t in allowed_triggers(dispute, cast.approver, now)]
    if not (choices := lead + [c for c in approver if c[0] in ("issue_credit", "reverse_credit")]):
        return None
    # Lean towards moving cases on, so a short sequence reaches credits, reopenings and reworks.
    forward = [c for c in choices if c[0] in ("issue_credit", "start")]
    forward += [("resolve", cast.lead)] if dispute.state in ("investigating", "escalated") else []
    trigger, user = rng.choice(forward if forward and rng.random() < 0.6 else choices)
    data = _resolve_data(rng, dispute) if trigger == "resolve" else DATA.get(trigger, {})
    try:
        fire_trigger(dispute.ref, user, trigger, data, now=now)
    except DomainError:  # refused (missing evidence, waiting on the advertiser): changes nothing
        db.session.rollback()
    return None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_equal_a_recomputation_after_a_random_sequence_of_changes(app, make, seed):
    rng, cast = random.Random(seed), make.cast()
    now = START
    for _ in range(60):
        now += timedelta(hours=rng.choice((1, 3, 9, 30, 80)))
        _step(make, cast, rng, now)
        db.session.expire_all()
    derived = recompute()
    assert stored_facts() == derived
    assert stored_rollups() == {k: v for k, v in rolled_up(derived).items() if v != (0, 0, 0)}
    kinds = {key[0] for key in derived}
    # The sequence reached far enough to exercise every kind of fact that matters.
    assert {
        "filed",
        "open",
        "resolved",
        "credited",
        "upheld",
        "reversals",
        "sla_met",
        "billed",
    } <= kinds


def test_a_rebuild_gives_back_the_same_facts(app, make):
    rng, cast = random.Random(7), make.cast()
    now = START
    for _ in range(15):
        now += timedelta(hours=9)
        _step(make, cast, rng, now)
    before, rollups = stored_facts(), stored_rollups()
    rebuild()
    assert stored_facts() == before and stored_rollups() == rollups
