"""Refusals in the words of the form: each message beside the field it is about, plainly."""

from collections.abc import Mapping

# A guard that judges several fields at once names, by the start of its message, the field
# the message is about, and what to say there instead.
GROUP_FIELDS = {
    "credit_memo_valid": (
        ("choose a gl reason", "gl_reason", "Choose the GL reason the credit is booked to."),
        ("credit amount", "credit_amount", None),
        ("a full credit", "credit_amount", None),
        ("a partial credit", "credit_amount", None),
    ),
}
PLAIN = (  # the start of a developer's message, and what a person is told instead
    ("credit amount '' is not an amount", "Enter the credit amount, such as 1234.50."),
    ("credit amount", "Enter the credit amount as a number such as 1234.50"),
)


def _plain(message: str) -> str:
    lowered = message.lower()
    for start, text in PLAIN:
        if lowered.startswith(start):
            return text if text.endswith(".") else f"{text} ({message.split(' ', 2)[-1]})."
    return message


def beside_fields(problems: Mapping[str, str]) -> dict[str, str]:
    """Move a group guard's message to the one field it is about, in plain language."""
    placed = dict(problems)
    for group, rules in GROUP_FIELDS.items():
        message = placed.get(group)
        if not message:
            continue
        for start, field, text in rules:
            if message.lower().startswith(start):
                del placed[group]
                placed[field] = text or _plain(message)
                break
    return placed
