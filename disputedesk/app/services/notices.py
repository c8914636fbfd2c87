"""Queue the notices a change to a case calls for, in the transaction of that change.

Each notice is an outbox row (channel "notify") for one person; the delivery worker turns it
into the bell's notice and, by that person's preference, an e-mail.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import literal, or_, select, union_all

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, CreditMemo, Outbox, User, Watch
from disputedesk.app.queries.memos import approvers_now
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.money import format_amount
from disputedesk.workflows.notices import handle_of, mentioned_handles
from disputedesk.workflows.permissions import reads_internal_comments, roles_with

# The rejection's audit type was first written "credit_memo_rejectd"; old and new both count.
REJECTED = ("credit_memo_rejected", "credit_memo_rejectd")

if TYPE_CHECKING:
    from disputedesk.app.models import Dispute


@dataclass(frozen=True)
class Audience:
    """Who a batch of changes tells, read once for the batch: leads by team, watchers by case."""

    leads: dict[int, list[int]]
    watchers: dict[int, list[int]]


def audience_of(disputes: "Iterable[Dispute]") -> Audience:
    """Read the leads and watchers of these cases in one statement."""
    disputes = list(disputes)
    leads = select(
        literal("lead").label("kind"), User.team_id.label("key"), User.id.label("user_id")
    ).where(
        User.team_id.in_({d.team_id for d in disputes}),
        User.role.in_(roles_with("lead_team")),
        User.active,
    )
    watchers = select(literal("watch"), Watch.dispute_id, Watch.user_id).where(
        Watch.dispute_id.in_([d.id for d in disputes])
    )
    found: dict[str, dict[int, list[int]]] = {"lead": defaultdict(list), "watch": defaultdict(list)}
    for kind, key, user_id in db.session.execute(
        union_all(leads, watchers).order_by("kind", "key", "user_id")
    ):
        found[kind][key].append(user_id)
    return Audience(dict(found["lead"]), dict(found["watch"]))


def enqueue(
    kind: str,
    recipient_id: int | None,
    dispute: "Dispute | None",
    now: datetime,
    payload: dict[str, Any] | None = None,
    *,
    channel: str = "notify",
) -> Outbox:
    """Add one row to the outbox (the caller's transaction commits it)."""
    row = Outbox(
        kind=kind,
        channel=channel,
        recipient_id=recipient_id,
        dispute_id=dispute.id if dispute is not None else None,
        payload={"ref": dispute.ref, **(payload or {})} if dispute is not None else payload or {},
        created_at=now,
        next_attempt_at=now,
        attempts=0,
        status="pending",
    )
    db.session.add(row)
    return row


def queue_event(name: str, dispute: "Dispute", now: datetime, **data: Any) -> None:
    """Queue a webhook event; the worker sends it to each subscription that wants it."""
    enqueue(name, None, dispute, now, {"state": dispute.state, **data}, channel="event")


def _collections(name: str, dispute: "Dispute", now: datetime) -> None:
    """Tell collections what a dispute holds from dunning on its invoice, or no longer holds;
    a case over several invoices says what it holds on each."""
    shares = {invoice.number: 0 for invoice in dispute.invoices}
    for dl in dispute.lines:
        shares[dl.invoice_line.invoice.number] += dl.amount
    if len(shares) == 1:
        shares[dispute.invoice.number] = dispute.disputed_amount
    queue_event(name, dispute, now, invoice=dispute.invoice.number, currency=dispute.currency,
                amount=format_amount(dispute.disputed_amount),
                invoices=[{"invoice": n, "amount": format_amount(a)} for n, a in shares.items()],
                outcome=dispute.outcome if name == "collections.released" else None)  # fmt: skip


def queue_change_notices(change: Any) -> None:  # a write_path.CaseChange (it imports us)
    """Queue a notice for everyone the change concerns, never for the person who made it."""
    dispute, now = change.dispute, change.now
    actor_id = change.user.id if change.user else None
    told: set[tuple[str, int]] = set()
    audience = change.audience
    if audience is None and any(event["type"] == "transition" for event in change.events):
        # Read before the first row is added, so the rows go in as one INSERT.
        audience = audience_of([dispute])

    def tell(kind: str, people: Iterable[int | None], **payload: Any) -> None:
        for person in people:
            if person is not None and person != actor_id and (kind, person) not in told:
                told.add((kind, person))
                enqueue(kind, person, dispute, now, payload)

    for event in change.events:
        kind, data = event["type"], event.get("data") or {}
        if kind == "filed":
            queue_event("dispute.filed", dispute, now, invoice=data.get("invoice"),
                        priority=data.get("priority"), currency=data.get("currency"),
                        disputed_amount=data.get("disputed_amount"))  # fmt: skip
            _collections("collections.hold", dispute, now)
        elif kind in ("assigned", "reassigned", "claimed"):
            if kind != "claimed":
                tell("assigned", [dispute.assignee_id], by=_email(change))
            queue_event("dispute.assigned", dispute, now, assignee=data.get("to"))
        elif kind == "transition":
            trigger = event.get("trigger")
            queue_event("dispute.state_changed", dispute, now, trigger=trigger,
                        from_state=event.get("from_state"), to_state=event.get("to_state"),
                        actor=_email(change))  # fmt: skip
            was, is_open = (
                event.get("from_state") in OPEN_STATES,
                event.get("to_state") in OPEN_STATES,
            )
            if was != is_open:  # settled, or reopened
                name = "collections.hold" if is_open else "collections.released"
                _collections(name, dispute, now)
            if trigger == "escalate":
                reason = data.get("reason", "")
                leads = _leads(dispute.team_id, audience)
                tell("escalated", [dispute.assignee_id, *leads], reason=reason)
            elif trigger == "info_received":
                tell("info_received", [dispute.assignee_id])
            watchers = _watchers(dispute.id, audience)
            tell("watched_changed", watchers, state=dispute.state, trigger=trigger)
        elif kind == "commented":
            author = change.user.name or change.user.email if change.user else "system"
            internal = data.get("visibility") == "internal"
            tell("mentioned", _mentioned(dispute, data.get("body", ""), internal), author=author)
        elif kind == "credit_memo_prepared":
            memo = db.session.get(CreditMemo, data["memo_id"])
            amount = f"{data.get('currency', '')} {data.get('amount', '')}".strip()
            tell("memo_awaiting_approval", _approvers(memo, dispute), amount=amount)
        elif kind in ("credit_memo_approved", *REJECTED):
            memo = db.session.get(CreditMemo, data["memo_id"])
            outcome = "memo_approved" if kind == "credit_memo_approved" else "memo_rejected"
            if outcome == "memo_rejected" or memo.status == "approved":
                tell(outcome, [memo.preparer_id], comment=data.get("comment", ""))
            if outcome == "memo_approved" and memo.status == "approved":
                queue_event("credit_memo.approved", dispute, now, **_memo(memo))
        elif kind == "credit_memo_issued":
            owners = [dispute.advertiser.sales_owner_id, dispute.advertiser.cs_owner_id]
            tell("credit_issued", owners, number=data["number"])
            memo = db.session.get(CreditMemo, data["memo_id"])
            queue_event("credit_memo.issued", dispute, now, **_memo(memo))
        elif kind in ("rebill_requested", "rebilled"):
            memo = db.session.get(CreditMemo, data["memo_id"])
            name = (
                "credit_memo.rebill_requested"
                if kind == "rebill_requested"
                else "credit_memo.rebilled"
            )
            queue_event(name, dispute, now, **_memo(memo), invoice=data["invoice"],
                        corrected_invoice=data.get("corrected_invoice"))  # fmt: skip
        elif kind == "credit_memo_reversed":
            memo = db.session.get(CreditMemo, data["memo_id"])
            queue_event("credit_memo.reversed", dispute, now, **_memo(memo), reversal=data)
        elif kind == "sla_clock" and data.get("action") == "breach":
            queue_event("sla.breached", dispute, now, clock=data["clock"], due_at=data["due_at"])


def _memo(memo: CreditMemo) -> dict[str, Any]:
    return {"memo_id": memo.id, "number": memo.number, "status": memo.status,
            "amount": format_amount(memo.amount), "currency": memo.currency}  # fmt: skip


def _email(change: Any) -> str:
    return change.user.email if change.user else "system"


def _leads(team_id: int, known: Audience | None) -> list[int]:
    if known is not None:
        return known.leads.get(team_id, [])
    return list(
        db.session.scalars(
            select(User.id).where(
                User.team_id == team_id, User.role.in_(roles_with("lead_team")), User.active
            )
        )
    )


def _watchers(dispute_id: int, known: Audience | None) -> list[int]:
    if known is not None:
        return known.watchers.get(dispute_id, [])
    return list(db.session.scalars(select(Watch.user_id).where(Watch.dispute_id == dispute_id)))


def _approvers(memo: CreditMemo, dispute: "Dispute") -> list[int]:
    return [user.id for user in approvers_now(memo, dispute)]


def mentionable(dispute: "Dispute", internal: bool) -> list[User]:
    """Return the active people who can see the case (and read an internal comment)."""
    who = [
        User.role.in_(roles_with("see_team_cases")) & (User.team_id == dispute.team_id),
        User.role.in_(roles_with("see_all_cases")) & User.role.in_(roles_with("read_notices")),
        User.id == dispute.filed_by_id,
    ]
    if not internal:
        owners = select(Advertiser.sales_owner_id, Advertiser.cs_owner_id).where(
            Advertiser.id == dispute.advertiser_id
        )
        owner_ids = [i for i in db.session.execute(owners).one() if i is not None]
        who.append(User.role.in_(roles_with("see_account_cases")) & User.id.in_(owner_ids))
    people = db.session.scalars(
        select(User).where(User.active, or_(*who)).order_by(User.email)
    ).all()
    return [p for p in people if not internal or reads_internal_comments(p.as_actor())]


def _mentioned(dispute: "Dispute", body: str, internal: bool) -> list[int]:
    handles = mentioned_handles(body)
    if not handles:
        return []
    return [p.id for p in mentionable(dispute, internal) if handle_of(p.email) in handles]
