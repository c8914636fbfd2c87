"""What the account team (Sales / Client Services) may read of the audit trail.

They see what their other screens show them: the case's moves and outcome, account-team
comments, and the evidence still on the case (kind and file name). They do not see internal
comments, files removed from the case, who downloaded what, or the billing team's and
finance's reasoning. Of the trigger notes, only those meant for the advertiser's side are
theirs: the resolution note (the decision they relay), the withdrawal note, and what was
asked of or received from the advertiser.
"""

from typing import Any

TRIGGER_FIELDS_FOR_ACCOUNT_TEAM = {
    "resolve": ("note", "outcome"),
    "withdraw": ("note",),
    "request_info": ("note",),
    "info_received": ("note",),
}
ALWAYS_SHOWN_TRIGGER_FIELDS = ("outcome",)
EVIDENCE_FIELDS_FOR_ACCOUNT_TEAM = ("kind", "filename")
HIDDEN_TYPES = frozenset({"evidence_downloaded", "exceptions_linked", "problem_linked"})  # internal
MEMO_FIELDS_HIDDEN = frozenset({"comment", "reason"})


def account_team_data(
    type: str, trigger: str | None, data: dict[str, Any], removed_files: frozenset[str]
) -> dict[str, Any] | None:
    """Return what the account team may read of an event's data, or None to hide the event.

    `removed_files` holds the sha256 and the evidence id (as text) of each file removed from
    the case.
    """
    if type in HIDDEN_TYPES:
        return None
    if type == "commented":
        return data if data.get("visibility") == "account_team" else None
    if type in ("evidence_added", "evidence_removed"):
        keys = {str(data.get("sha256")), str(data.get("evidence_id"))}
        if type == "evidence_removed" or keys & removed_files:
            return None
        return {k: v for k, v in data.items() if k in EVIDENCE_FIELDS_FOR_ACCOUNT_TEAM}
    if type == "transition":
        shown = TRIGGER_FIELDS_FOR_ACCOUNT_TEAM.get(trigger or "", ALWAYS_SHOWN_TRIGGER_FIELDS)
        return {k: v for k, v in data.items() if k in shown}
    if type.startswith("credit_memo_"):
        return {k: v for k, v in data.items() if k not in MEMO_FIELDS_HIDDEN}
    return data
