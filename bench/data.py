"""The benchmark's data: a billing team's years of disputes, generated in bounded chunks.

The mix follows the speed issue: 20% of disputes open, five audit events each, about 2.45
SLA clocks each, 20 teams. Everything is a pure function of the dispute number, so a chunk
can be made without looking at any other, and two runs make the same data.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from disputedesk.app.models.disputes import NO_CLOCK, queue_band
from disputedesk.app.services.audit import chain_hash, head_mac
from disputedesk.workflows.codes import GL_REASONS, PRODUCTS, REASON_CODES, ROOT_CAUSES
from disputedesk.workflows.money import priority_for, to_reporting
from disputedesk.workflows.sla import TARGETS, TICKING, WARN_AT

TEAMS, ANALYSTS_PER_TEAM, APPROVERS, VIEWERS = 20, 10, 6, 20
LINES_PER_INVOICE = 3
BENCH_EMAIL = "{role}{n}@bench.test"
# Share of all disputes in each final state; the rest (47.5%) are resolved without a credit.
OPEN = {"filed": 0.03, "investigating": 0.13, "escalated": 0.04}
PENDING_CREDIT, CREDITED = 0.005, 0.30


@dataclass(frozen=True)
class Shape:
    """How much to generate, and the instant the data is generated as of."""

    disputes: int
    now: datetime

    @property
    def advertisers(self) -> int:
        return max(50, min(5000, self.disputes // 200))


def users(shape: Shape) -> list[dict]:
    """Leads 1-20, then analysts, approvers, Sales viewers, an admin and the billing system."""
    rows = [_user(t, "lead", t, t, 2_500_000) for t in range(1, TEAMS + 1)]
    for n in range(1, TEAMS * ANALYSTS_PER_TEAM + 1):
        rows.append(_user(len(rows) + 1, "analyst", n, 1 + (n - 1) // ANALYSTS_PER_TEAM, 0))
    for n in range(1, APPROVERS + 1):
        rows.append(_user(len(rows) + 1, "approver", n, None, 10_000_000 * n))
    for n in range(1, VIEWERS + 1):
        rows.append(_user(len(rows) + 1, "viewer", n, None, 0))
    rows.append(_user(len(rows) + 1, "admin", 1, None, 0))
    rows.append(_user(len(rows) + 1, "integration", 1, None, 0))
    return rows


def _user(uid: int, role: str, n: int, team: int | None, limit: int) -> dict:
    return {"id": uid, "email": BENCH_EMAIL.format(role=role, n=n), "name": f"{role.title()} {n}",
            "role": role, "team_id": team, "approval_limit": limit, "active": True,
            "timezone": "America/Chicago"}  # fmt: skip


def analyst_id(team: int, k: int) -> int:
    return TEAMS + (team - 1) * ANALYSTS_PER_TEAM + 1 + k % ANALYSTS_PER_TEAM


def viewer_id(k: int) -> int:
    return TEAMS + TEAMS * ANALYSTS_PER_TEAM + APPROVERS + 1 + k % VIEWERS


def teams() -> list[dict]:
    return [{"id": t, "name": f"Team {t}", "timezone": "America/Chicago", "holiday_country": "US"}
            for t in range(1, TEAMS + 1)]  # fmt: skip


def advertisers(shape: Shape) -> list[dict]:
    return [{"id": a, "ref": f"ADV-{a:05d}", "name": f"{_BRANDS[a % len(_BRANDS)]} {a}",
             "kind": ("agency", "supplier", "seller")[a % 3],
             "tier": "strategic" if a % 20 == 0 else "standard", "team_id": 1 + a % TEAMS,
             "sales_owner_id": viewer_id(a), "cs_owner_id": viewer_id(a + 7)}
            for a in range(1, shape.advertisers + 1)]  # fmt: skip


_BRANDS = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Litware", "Proseware")


def contracts(shape: Shape) -> list[dict]:
    """One insertion order per advertiser and product, effective over the whole span."""
    return [{"id": (a - 1) * len(PRODUCTS) + p + 1, "advertiser_id": a, "reference": f"IO-{a}",
             "product": product, "rate_micros": (850 + 10 * p) * 10_000,
             "discount_bp": 500 * (a % 2), "effective_from": date(2020, 1, 1),
             "effective_to": date(2030, 12, 31), "version": 1, "campaign_ref": "",
             "unit_kind": None, "cap_units": None, "cap_amount": None, "makegood_units": 0,
             "tolerance_bp": 0, "delivery_source": "first_party"}
            for a in range(1, shape.advertisers + 1)
            for p, product in enumerate(PRODUCTS)]  # fmt: skip


def final_state(g: int) -> tuple[str, str | None]:
    """The state (and outcome) dispute number g ends in; a fixed share of each."""
    x = (g * 2654435761 % 2**32) / 2**32  # spread the states evenly over the ids
    for state, share in OPEN.items():
        if x < share:
            return state, None
        x -= share
    if x < PENDING_CREDIT:
        return "resolved", "credit_partial"
    if x < PENDING_CREDIT + CREDITED:
        return "credited", ("credit_full", "credit_partial")[g % 2]
    return "resolved", ("no_credit", "no_credit", "no_credit", "withdrawn")[g % 4]


@dataclass
class Chunk:
    """The rows of disputes first..last and everything that hangs off them."""

    rows: dict[str, list[dict]]


def chunk(shape: Shape, first: int, last: int) -> Chunk:
    """Generate disputes first..last (1-based, inclusive) with their invoices and trails."""
    out: dict[str, list[dict]] = {t: [] for t in TABLE_ORDER}
    for g in range(first, last + 1):
        _one(shape, g, out)
    return Chunk(out)


TABLE_ORDER = ("invoices", "invoice_lines", "delivery_records", "disputes", "disputed_lines",
               "sla_clocks", "events", "chain_heads", "comments", "credit_memos",
               "approvals")  # fmt: skip


def _one(shape: Shape, g: int, out: dict[str, list[dict]]) -> None:
    rng = random.Random(g)
    state, outcome = final_state(g)
    adv = 1 + g % shape.advertisers
    team = 1 + adv % TEAMS
    tier = "strategic" if adv % 20 == 0 else "standard"
    closed = state in ("resolved", "credited")
    # Open cases were filed in the last three weeks; closed ones over the last two years.
    age = timedelta(hours=rng.uniform(2, 21 * 24) if not closed else rng.uniform(30, 730) * 24)
    filed = (shape.now - age).replace(microsecond=0)
    period = date(filed.year, filed.month, 1) - timedelta(days=1)
    start = period.replace(day=1)
    lines = []
    for n in range(1, LINES_PER_INVOICE + 1):
        lid = (g - 1) * LINES_PER_INVOICE + n
        units, rate = rng.randint(10_000, 2_000_000), 850 + 10 * (n % len(PRODUCTS))
        amount = units * rate // 1000
        lines.append({"id": lid, "invoice_id": g, "line_no": n, "product": PRODUCTS[n % 5],
                      "campaign_ref": f"CMP-{g}-{n}", "unit_kind": "cpm", "billed_units": units,
                      "billed_rate_micros": rate * 10_000, "amount": amount,
                      "kind": "charge"})  # fmt: skip
        out["delivery_records"].append({"id": lid, "campaign_ref": f"CMP-{g}-{n}",
                                        "period_start": start, "period_end": period,
                                        "delivered_units": units - rng.randint(0, units // 10),
                                        "invalid_units": rng.randint(0, units // 50),
                                        "source": "first_party", "external_ref": None})  # fmt: skip
    out["invoices"].append(
        {
            "id": g,
            "number": f"INV-{filed.year}-{g:07d}",
            "advertiser_id": adv,
            "currency": "USD",
            "period_start": start,
            "period_end": period,
        }
    )
    out["invoice_lines"].extend(lines)
    disputed = max(100, lines[0]["amount"] // rng.choice((3, 5, 10)))
    priority = priority_for(disputed, "USD", tier)
    assignee = None if state == "filed" and g % 3 else analyst_id(team, g)
    resolved = filed + timedelta(days=rng.uniform(1, 25)) if closed else None
    clocks = _clocks(shape, g, state, outcome, priority, filed, resolved, rng)
    ticking = [c["due_at"] for c in clocks if c["status"] in TICKING and not c["stopped_at"]]
    out["disputes"].append({
        "id": g, "advertiser_id": adv, "invoice_id": g, "team_id": team,
        "reason_code": REASON_CODES[g % len(REASON_CODES)], "description": "generated",
        "disputed_amount": disputed, "currency": "USD", "priority": priority,
        "intake_channel": ("portal", "api", "email", "phone", "import")[g % 5], "state": state,
        "outcome": outcome, "root_cause": ROOT_CAUSES[g % len(ROOT_CAUSES)] if closed else None,
        "assignee_id": assignee, "filed_by_id": analyst_id(team, g + 1), "filed_at": filed,
        "resolved_at": resolved, "awaiting_info_since": None,
        "updated_at": resolved or filed + timedelta(hours=1), "version": 5,
        "queue_band": queue_band(state, assignee), "next_due_at": min(ticking, default=NO_CLOCK),
    })  # fmt: skip
    out["disputed_lines"].append(
        {"id": g, "dispute_id": g, "invoice_line_id": lines[0]["id"], "amount": disputed}
    )
    out["sla_clocks"].extend(clocks)
    trail = _events(g, state, outcome, filed, resolved, assignee, disputed)
    out["events"].extend(trail)
    last = trail[-1]  # the chain's head, as append_event keeps it
    out["chain_heads"].append({"dispute_id": g, "seq": last["seq"], "hash": last["hash"],
                               "mac": head_mac(g, last["seq"], last["hash"])})  # fmt: skip
    if g % 5 == 0:
        out["comments"].append({"id": g // 5, "dispute_id": g, "author_id": analyst_id(team, g),
                                "body": "Checked the delivery report against the invoice.",
                                "visibility": "internal", "created_at": filed})  # fmt: skip
    if outcome in ("credit_full", "credit_partial"):
        _memo(g, state, team, disputed, resolved, out)


def _clocks(shape, g, state, outcome, priority, filed, resolved, rng) -> list[dict]:  # noqa: ANN001
    def clock(name: str, started: datetime, stopped: datetime | None, status: str) -> dict:
        target = TARGETS[name][priority]
        span = timedelta(seconds=target * 3)  # about three calendar seconds per business one
        return {"id": None, "dispute_id": g, "name": name, "priority": priority,
                "target_seconds": target, "started_at": started,
                "at_risk_at": started + span * WARN_AT, "due_at": started + span,
                "paused_at": None, "paused_seconds": 0, "stopped_at": stopped, "status": status,
                "warned_at": None, "breached_at": None}  # fmt: skip

    started = filed + timedelta(hours=rng.uniform(0.2, 3))
    rows = [clock("triage", filed, None if state == "filed" else started,
                  "running" if state == "filed" else "met")]  # fmt: skip
    resolution = clock("resolution", filed, resolved, "met" if resolved else "running")
    rows.append(resolution)
    if state == "escalated" or (resolved and g % 8 == 0):
        rows.append(clock("escalation", started, resolved, "met" if resolved else "running"))
    if outcome in ("credit_full", "credit_partial"):
        issued = resolved + timedelta(hours=20) if state == "credited" else None
        rows.append(clock("credit", resolved, issued, "met" if issued else "running"))
    for row in rows:
        if row["status"] == "running":
            _on_track_or_not(shape.now, row, g)
    return rows


def _on_track_or_not(now: datetime, clock: dict, g: int) -> None:
    """Keep most running clocks on time, a few at risk (warned) and a few breached (handled)."""
    if clock["due_at"] <= now or g % 20 == 0:
        clock["status"], clock["breached_at"] = "breached", min(clock["due_at"], now)
        clock["warned_at"] = clock["at_risk_at"] = min(clock["at_risk_at"], now)
        clock["due_at"] = min(clock["due_at"], now)
    elif clock["at_risk_at"] <= now:
        clock["warned_at"] = clock["at_risk_at"]


def _events(g, state, outcome, filed, resolved, assignee, amount) -> list[dict]:  # noqa: ANN001
    steps = [("filed", None, None, "filed", {"amount": amount})]
    steps.append(("assigned", None, None, None, {"assignee_id": assignee}))
    if state != "filed":
        steps.append(("transition", "start", "filed", "investigating", {}))
    if state == "escalated":
        steps.append(("transition", "escalate", "investigating", "escalated", {"reason": "x"}))
    if state in ("resolved", "credited"):
        steps.append(("transition", "resolve", "investigating", "resolved", {"outcome": outcome}))
    if state == "credited":
        steps.append(("transition", "issue_credit", "resolved", "credited", {}))
    while len(steps) < 5:
        steps.insert(2, ("comment", None, None, None, {"visibility": "internal"}))
    end = resolved or filed + timedelta(hours=3)
    rows, prev = [], "0" * 64
    for seq, (kind, trigger, before, after, data) in enumerate(steps, 1):
        at = filed + (end - filed) * (seq - 1) / (len(steps) - 1)
        row = {"id": None, "dispute_id": g, "seq": seq, "at": at, "actor_id": None,
               "actor": "system", "type": kind, "trigger": trigger, "from_state": before,
               "to_state": after, "data": data, "prev_hash": prev,
               "written_type": None}  # fmt: skip
        row["hash"] = prev = _hash(prev, row)
        rows.append(row)
    return rows


def _hash(prev: str, row: dict) -> str:
    return chain_hash(prev, SimpleNamespace(**row))  # the trail's own rule: `audit verify` holds


def _memo(g: int, state: str, team: int, amount: int, resolved: datetime, out: dict) -> None:
    issued = state == "credited"
    out["credit_memos"].append({
        "id": g, "dispute_id": g, "invoice_id": g, "amount": amount, "currency": "USD",
        "reporting_amount": to_reporting(amount, "USD"), "split_total": 0,
        "gl_reason": GL_REASONS[g % len(GL_REASONS)],
        "status": "issued" if issued else "pending_approval", "matrix_version": "2026-11",
        "preparer_id": analyst_id(team, g), "created_at": resolved,
        "number": None, "issued_by": "approver1@bench.test" if issued else None,
        "issued_at": resolved + timedelta(hours=20) if issued else None,
    })  # fmt: skip
    if issued:
        out["approvals"].append({"id": g, "memo_id": g, "approver_id": TEAMS * 11 + 1,
                                 "decision": "approve", "comment": "", "rule": "2026-11",
                                 "approver_limit": 10_000_000, "at": resolved})  # fmt: skip


def chunks(shape: Shape, size: int = 20_000) -> Iterator[Chunk]:
    for first in range(1, shape.disputes + 1, size):
        yield chunk(shape, first, min(shape.disputes, first + size - 1))
