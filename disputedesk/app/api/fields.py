"""The field types of the API's schemas, built from the one edge policy in workflows/edge.py."""

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from disputedesk.workflows import edge
from disputedesk.workflows.codes import (
    ADVERTISER_KINDS,
    ADVERTISER_TIERS,
    COMMENT_VISIBILITIES,
    GL_REASONS,
    INTAKE_CHANNELS,
    LINE_KINDS,
    OUTCOMES,
    PRIORITIES,
    REASON_CODES,
    ROOT_CAUSES,
    UNIT_KINDS,
)
from disputedesk.workflows.dispute import BY_TRIGGER, STATES
from disputedesk.workflows.evidence import KINDS
from disputedesk.workflows.money import CURRENCIES
from disputedesk.workflows.sla import BADGES, CLOCKS


def one_of(values: tuple[str, ...]) -> type:
    """A string that is one of a code table's values (an enum in the document)."""
    return Literal[values]  # type: ignore[valid-type]


def text(max_length: int = edge.MAX_TEXT, min_length: int = 0) -> type:
    """Free text: tabs and newlines allowed, other control characters refused."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=edge.TEXT_PATTERN),
    ]


def line(max_length: int, min_length: int = 1) -> type:
    """One line of text, such as a name or a reference: no control characters at all."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=edge.LINE_PATTERN),
    ]


# Amounts are decimal strings of the currency's major unit, never JSON numbers.
AMOUNT_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["1250.00"])]
SignedAmount = Annotated[str, Field(pattern=r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$", examples=["-12.50"])]
Rate = Annotated[str, Field(pattern=r"^[0-9]{1,10}(\.[0-9]{1,6})?$", examples=["0.8075"])]
ShownRate = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["0.8075"])]
ShownAmount = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["1250.00"])]
Id = Annotated[int, Field(ge=1, le=edge.MAX_ID)]
LineNo = Annotated[int, Field(ge=1, le=edge.MAX_ID)]
Units = Annotated[int, Field(ge=0, le=10**15)]  # a trillion impressions a line is already absurd
Version = Annotated[int, Field(ge=1, le=edge.MAX_ID)]
Email = line(edge.MAX_EMAIL)
Ref = line(edge.MAX_REFERENCE)
Note = text()


def _ascii_digits(value: object) -> object:
    if isinstance(value, str) and edge.as_int(value, edge.BIGINT_MIN, edge.BIGINT_MAX) is None:
        raise ValueError("a whole number in plain digits")
    return value


def _within_the_books(value: date) -> date:
    if not edge.year_in_range(value.year):
        raise ValueError(f"a date from {edge.FIRST_YEAR} to {edge.LAST_YEAR}")
    return value


def query_int(low: int, high: int) -> type:
    """A whole number sent in a query string: plain ASCII digits within [low, high]."""
    return Annotated[int, BeforeValidator(_ascii_digits), Field(ge=low, le=high)]


Day = Annotated[
    date,
    AfterValidator(_within_the_books),
    Field(description=f"a date from {edge.FIRST_YEAR}-01-01 to {edge.LAST_YEAR}-12-31"),
]
Seconds = Annotated[int, Field(ge=edge.BIGINT_MIN, le=edge.BIGINT_MAX)]

Currency = one_of(CURRENCIES)
ReasonCode = one_of(REASON_CODES)
RootCause = one_of(ROOT_CAUSES)
Outcome = one_of(OUTCOMES)
GlReason = one_of(GL_REASONS)
IntakeChannel = one_of(INTAKE_CHANNELS)
Visibility = one_of(COMMENT_VISIBILITIES)
UnitKind = one_of(UNIT_KINDS)
LineKind = one_of(LINE_KINDS)
Priority = one_of(PRIORITIES)
State = one_of(STATES)
Trigger = one_of(tuple(BY_TRIGGER))
EvidenceKind = one_of(KINDS)
ClockName = one_of(CLOCKS)
Badge = one_of(BADGES)
AdvertiserKind = one_of(ADVERTISER_KINDS)
AdvertiserTier = one_of(ADVERTISER_TIERS)


class Request(BaseModel):
    """A request body or query: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Answer(BaseModel):
    """A response document."""

    model_config = ConfigDict(extra="forbid")
