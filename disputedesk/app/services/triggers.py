"""Fire a workflow trigger on a dispute: the only code that changes a dispute's state."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from disputedesk.app.models import Dispute, User
from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.adjudication import adjudicate
from disputedesk.app.services.correspondence import (
    queue_advertiser_message,
    wants_advertiser_message,
)
from disputedesk.app.services.memo_effects import issue_memo, prepare_memo
from disputedesk.app.services.reversal_effects import reverse_effect
from disputedesk.app.services.sla_clocks import apply_clock_effects
from disputedesk.app.services.write_path import CaseChange, change_case, load_for_change
from disputedesk.workflows import dispute as workflow
from disputedesk.workflows import edge
from disputedesk.workflows.codes import CREDIT_OUTCOMES
from disputedesk.workflows.dispute import SYSTEM
from disputedesk.workflows.errors import InvalidInput

INPUT_FIELDS = ("note", "reason", "outcome", "root_cause", "credit_amount", "gl_reason",
                "message_advertiser", "justification")  # fmt: skip
FREE_TEXT = ("note", "reason", "justification")  # the rest are codes and amounts: one short line


def fire_trigger(
    ref: str,
    user: User,
    trigger: str,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Fire `trigger` on the dispute as `user`, after checking permission and guards."""
    dispute = load_for_change(ref, user, expected_version)
    return fire_on(dispute, user, trigger, data, now=now)


def fire_on(
    dispute: Dispute,
    user: User | None,
    trigger: str,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Dispute:
    """Fire `trigger` on an already loaded dispute; `user` None means the system."""
    with change_case(dispute, user, now) as change:
        apply_trigger(change, trigger, data)
    return dispute


def apply_trigger(change: CaseChange, trigger: str, data: Mapping[str, Any]) -> None:
    """Check and fire `trigger` inside an open change, moving the SLA clocks with it."""
    dispute, user = change.dispute, change.user
    actor = user.as_actor() if user else SYSTEM
    given = {k: data[k].strip() for k in INPUT_FIELDS if isinstance(data.get(k), str)}
    if wrong := [k for k in INPUT_FIELDS if data.get(k) is not None and k not in given]:
        raise InvalidInput({k: "must be text" for k in wrong})
    if problems := {k: problem for k, v in given.items() if (problem := _text_problem(k, v))}:
        raise InvalidInput(problems)
    rebill = _rebill(trigger, given, data.get("rebill"))
    facts = dispute.facts()
    adjudication = None
    if trigger == "resolve" and given.get("outcome") in CREDIT_OUTCOMES:
        workflow.check_actor(actor, facts, trigger)  # who and when, before judging amounts
        adjudication = adjudicate(dispute, data, given)
    workflow.check(actor, facts, trigger, given, change.now)
    from_state = dispute.state
    workflow.fire(dispute, facts, trigger, given, change.now)
    change.record(
        "transition", trigger=trigger, from_state=from_state, to_state=dispute.state, data=given
    )
    memo = workflow.BY_TRIGGER[trigger].effects.memo  # what the row says it does to the memo
    if memo == "prepare" and dispute.outcome in CREDIT_OUTCOMES:
        prepare_memo(change, given, adjudication, rebill=rebill)
    elif memo == "issue":
        issue_memo(change)
    elif memo == "reverse":
        reverse_effect(change, current_memo(dispute), given)
    apply_clock_effects(dispute, trigger, change.now, change.record)
    if wants_advertiser_message(trigger, given):
        queue_advertiser_message(change, trigger, given)


def _text_problem(field: str, value: str) -> str | None:
    if field in FREE_TEXT:
        return edge.text_problem(value, edge.MAX_TEXT)
    return edge.text_problem(value, edge.MAX_NAME, single_line=True)


def allowed_triggers(dispute: Dispute, user: User, now: datetime) -> list[str]:
    """List the triggers this user may fire on this dispute now."""
    return workflow.allowed_triggers(user.as_actor(), dispute.facts(), now)


def _rebill(trigger: str, given: Mapping[str, str], asked: object) -> bool:
    """Credit and rebill: only a resolution with a credit asks for a corrected invoice."""
    if asked is None or asked is False:
        return False
    if asked is not True:
        raise InvalidInput({"rebill": "true or false"})
    if trigger != "resolve" or given.get("outcome") not in CREDIT_OUTCOMES:
        raise InvalidInput(
            {"rebill": "only a resolution with a credit asks for a corrected invoice"}
        )
    return True
