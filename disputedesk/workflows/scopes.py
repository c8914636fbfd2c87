"""API token scopes: what each kind of call needs, declared per API operation."""

SCOPES = ("read", "write", "approve", "integration")
# A new token carries every scope unless fewer are asked for: the role still decides what the
# person may do, and a narrower token (say, read only for a CRM) is one --scope away.
DEFAULT_SCOPES = SCOPES
MAX_TOKEN_DAYS = 365
DEFAULT_TOKEN_DAYS = 90

# Triggers that move money need the approve scope even through the general events route.
TRIGGER_SCOPES = {"issue_credit": "approve", "reverse_credit": "approve"}


def parse_scopes(text: str) -> tuple[str, ...]:
    """Read a space- or comma-separated list of scopes; refuse unknown ones."""
    asked = tuple(dict.fromkeys(s for s in text.replace(",", " ").split() if s))
    unknown = [s for s in asked if s not in SCOPES]
    if unknown or not asked:
        raise ValueError("scopes are some of: " + ", ".join(SCOPES))
    return asked
