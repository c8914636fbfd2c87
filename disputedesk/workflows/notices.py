"""What people are told, as data: notice kinds, e-mail modes, retry schedule, @mentions."""

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str  # how the preferences page names it
    title: str  # the notice's one line; {ref} and the payload's keys are filled in


KINDS: dict[str, Kind] = {
    "assigned": Kind("A case is assigned to you", "{ref} is assigned to you"),
    "sla_warning": Kind("An SLA clock is at risk", "{ref}: the {clock} clock is at risk"),
    "sla_breach": Kind("An SLA clock breached", "{ref}: the {clock} clock breached"),
    "escalated": Kind("A case is escalated", "{ref} was escalated: {reason}"),
    "info_received": Kind("The advertiser sent information", "{ref}: information received"),
    "memo_awaiting_approval": Kind(
        "A credit memo awaits your approval", "{ref}: a credit memo of {amount} awaits you"
    ),
    "memo_approved": Kind("Your credit memo is approved", "{ref}: your credit memo is approved"),
    "memo_rejected": Kind("Your credit memo is rejected", "{ref}: your credit memo is rejected"),
    "credit_issued": Kind(
        "A credit is issued to your account", "{ref}: credit memo {number} issued"
    ),
    "mentioned": Kind("Someone mentions you in a comment", "{ref}: {author} mentioned you"),
    "watched_changed": Kind("A case you watch changed", "{ref} is now {state}"),
    "advertiser_message": Kind("The advertiser wrote on your case", "{ref}: {from} wrote"),
}

EMAIL_MODES = ("immediate", "digest", "off")
DEFAULT_EMAIL_MODE = "immediate"


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "…"


def notice_title(kind: str, ref: str | None, payload: Mapping[str, object]) -> str:
    """Write the one line a notice of this kind shows."""
    template = KINDS[kind].title if kind in KINDS else kind.replace("_", " ")
    return template.format_map(_Blank(payload, ref=ref or "")).strip(": ")


def retry_delay(
    attempt: int, base: float = 30.0, cap: float = 3600.0, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retrying after failed attempt number `attempt` (1, 2, …).

    Exponential (base, 2·base, 4·base … up to cap) with "equal jitter": a random point in the
    upper half of the step, so retries of a failed batch spread out but never come early.
    """
    step: float = min(cap, base * 2 ** max(0, attempt - 1))
    return step / 2 + rand() * step / 2


MENTION = re.compile(r"(?<![\w.@])@([a-z0-9][a-z0-9._+-]*[a-z0-9]|[a-z0-9])", re.IGNORECASE)


def mentioned_handles(body: str) -> list[str]:
    """Return the @handles a comment names, lower-cased, each once, in order."""
    return list(dict.fromkeys(m.lower() for m in MENTION.findall(body or "")))


def handle_of(email: str) -> str:
    """A person's @handle: the part of their e-mail address before the @."""
    return email.split("@", 1)[0].lower()
