"""E-mail as people's mail programs write it: telling an automatic reply from a person's.

RFC 3834 says an automatic reply carries `Auto-Submitted` (anything but "no"); mail programs
and servers also mark theirs with `X-Autoreply`/`X-Autorespond`, `Precedence: auto_reply`
(or bulk, junk, list), and Outlook's `X-Auto-Response-Suppress` beside an "Automatic reply:"
subject. An out-of-office answer to a request for information must not count as the
advertiser's answer.
"""

import re
from collections.abc import Mapping

YES = ("1", "yes", "true", "on")  # a form's or a body's "send it to the advertiser"
AUTO_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
MARKERS = ("x-autoreply", "x-autorespond", "x-autoresponse")
AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|out of (the )?office|auto:|"
    r"abwesenheitsnotiz|réponse automatique|respuesta automática)",
    re.IGNORECASE,
)


def auto_reply_reason(headers: Mapping[str, str], subject: str) -> str | None:
    """Why a message is an automatic reply (for the timeline), or None for a person's."""
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    submitted = lower.get("auto-submitted", "").lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in MARKERS:
        if lower.get(name):
            return f"marked {name}"
    if lower.get("precedence", "").lower() in AUTO_PRECEDENCE:
        return f"Precedence: {lower['precedence'].lower()}"
    if AUTO_SUBJECT.match(subject or ""):
        return "the subject of an automatic reply"
    return None
