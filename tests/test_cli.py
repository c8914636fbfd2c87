"""The command-line tools operators use."""

import json
from collections import defaultdict

from sqlalchemy import and_, func, or_, select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, CreditMemo, Dispute, Event, SlaClock, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.facts import books_zone
from disputedesk.app.services.users import user_for_token
from disputedesk.workflows.books import month_of, parse_month, previous_month
from tests.ledger_reference import assert_close_matches_the_trail, reference_flows

OPEN = ("filed", "investigating", "escalated")


def test_create_user_then_token_prints_a_working_token_last(app):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["create-user", "Ana@Example.com", "--role", "analyst", "--team", "East",
              "--password", "s3cret-pass"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    user = db.session.scalar(select(User).where(User.email == "ana@example.com"))
    assert user.role == "analyst" and user.team.name == "East"
    result = runner.invoke(args=["create-token", "ana@example.com"])
    token = result.output.strip().splitlines()[-1]
    assert user_for_token(token).id == user.id


def test_create_user_refuses_a_duplicate_email(app):
    runner = app.test_cli_runner()
    args = ["create-user", "dup@example.com", "--role", "viewer", "--password", "pw-pw-pw"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def reads_like_a_teams_month() -> None:
    """Most open clocks on time and a handful late, timelines and memo numbers in order, and
    GL reasons and root causes spread out, as a real team's month would look."""
    now = utcnow()
    open_ids = set(db.session.scalars(select(Dispute.id).where(Dispute.state.in_(OPEN))))
    late = {c.dispute_id for c in db.session.scalars(select(SlaClock).where(
        SlaClock.dispute_id.in_(open_ids), or_(SlaClock.status == "breached", and_(
            SlaClock.status == "running", SlaClock.due_at < now))))}  # fmt: skip
    assert 0 < len(late) <= len(open_ids) * 0.15, (len(late), len(open_ids))
    times = defaultdict(list)
    for dispute_id, at in db.session.execute(select(Event.dispute_id, Event.at).order_by(
            Event.dispute_id, Event.seq)):  # fmt: skip
        times[dispute_id].append(at)
    assert all(t == sorted(t) for t in times.values())
    issued = db.session.scalars(select(CreditMemo).where(CreditMemo.number.is_not(None)))
    issued = sorted(issued, key=lambda m: m.issued_at)
    assert [m.number for m in issued] == sorted(m.number for m in issued)
    assert len({m.gl_reason for m in issued}) >= 3
    causes = db.session.scalars(select(Dispute.root_cause).where(Dispute.root_cause.is_not(None)))
    assert len(set(causes)) >= 3


def test_seed_demo_reads_like_a_month_is_idempotent_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    reads_like_a_teams_month()
    assert "lead@demo.test" in first.output and "demo-password" in first.output
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Dispute)]
    states = set(db.session.scalars(select(Dispute.state).distinct()))
    assert {"filed", "investigating", "escalated", "resolved"} <= states
    viewer = db.session.scalar(select(User).where(User.email == "viewer@demo.test"))
    owned = db.session.scalar(select(func.count()).where(Advertiser.sales_owner_id == viewer.id))
    assert 0 < owned < db.session.scalar(select(func.count()).select_from(Advertiser))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert counts == [
        db.session.scalar(select(func.count()).select_from(m)) for m in (User, Dispute)
    ]
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("ok:")
    # Three months of the demo's close agree with a roll-forward read from the audit trail.
    this_month = parse_month(month_of(utcnow(), books_zone()))
    months = [previous_month(previous_month(this_month)), previous_month(this_month), this_month]
    assert_close_matches_the_trail(tuple(f"{m:%Y-%m}" for m in months))
    filed = sum(v for (_, _, line), v in reference_flows().items() if line == "filed")
    assert filed == db.session.scalar(select(func.sum(Dispute.disputed_amount)))


def test_audit_verify_exits_1_naming_the_altered_event(app, make):
    cast = make.cast()
    dispute = make.dispute(cast, "investigating")
    db.session.execute(
        update(Event).where(Event.dispute_id == dispute.id, Event.seq == 2).values(actor="x")
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"{dispute.ref} event #2" in result.output


def test_audit_checkpoint_writes_a_signed_file_that_verify_holds_the_trail_to(app, make, tmp_path):
    cast = make.cast()
    make.dispute(cast, "investigating")
    kept = tmp_path / "heads.json"
    runner = app.test_cli_runner()
    written = runner.invoke(args=["audit", "checkpoint", "--out", str(kept)])
    assert written.exit_code == 0 and written.output.startswith("checkpoint 1:")
    assert "signature" in json.loads(kept.read_text())
    held = runner.invoke(args=["audit", "verify", "--checkpoint", str(kept)])
    assert held.exit_code == 0, held.output
    kept.write_text(kept.read_text().replace('"events": ', '"events": 1'))
    refused = runner.invoke(args=["audit", "verify", "--checkpoint", str(kept)])
    assert refused.exit_code == 1 and "signature does not hold" in refused.output


def test_insight_check_holds_the_facts_and_rollups_to_the_raw_rows_and_names_a_gap(app, make):
    from disputedesk.app.models import FactRollup

    cast = make.cast()
    make.dispute(cast, "investigating")
    runner = app.test_cli_runner()
    agreed = runner.invoke(args=["insight", "check"])
    assert agreed.exit_code == 0 and "facts and rollups agree" in agreed.output
    db.session.execute(update(FactRollup).where(FactRollup.kind == "filed").values(n=7))
    db.session.commit()
    gap = runner.invoke(args=["insight", "check"])
    assert gap.exit_code == 1 and "rollups ('', 'filed'" in gap.output
    rebuilt = runner.invoke(args=["insight", "rebuild"])
    assert rebuilt.exit_code == 0
    assert runner.invoke(args=["insight", "check"]).exit_code == 0
