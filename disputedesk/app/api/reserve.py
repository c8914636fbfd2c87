"""The month-end reserve for revenue at risk, its journal, and the policy behind it."""

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.fields import Answer, Currency, Request, ShownAmount, one_of
from disputedesk.app.api.journal import JournalLineDoc, JournalQuery, Sides
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.queries.reserve import (
    policy,
    reserve_journal,
    reserve_journal_json,
    reserve_report,
    shown_reserve,
)
from disputedesk.app.services.reserve_policy import set_reserve_policy
from disputedesk.workflows.codes import GL_ACCOUNT_KEYS, REASON_CODES, a_role
from disputedesk.workflows.errors import NotPermitted
from disputedesk.workflows.reserve import ANY_REASON, MAX_AGE, MAX_BANDS, MAX_RATE


class BandDoc(Answer):
    reason: one_of((ANY_REASON, *REASON_CODES)) = Field(description="a reason code; * for every")
    from_days: int = Field(ge=0, le=MAX_AGE, description="from this age in days at month end")
    rate_bp: int = Field(ge=0, le=MAX_RATE, description="basis points of the open amount")


class PolicyDoc(Answer):
    bands: list[BandDoc]


class PolicyChange(Request):
    bands: list[BandDoc] = Field(min_length=1, max_length=MAX_BANDS)


class BucketDoc(Answer):
    label: str = Field(description="an age bucket at the month's end, as the policy cuts them")
    cases: int
    open: ShownAmount = Field(description="in the reporting currency")
    reserve: ShownAmount


class HeldDoc(Answer):
    cases: int
    open: ShownAmount
    reserve: ShownAmount
    reporting_reserve: ShownAmount


class ChangeDoc(Answer):
    previous: ShownAmount = Field(description="the reserve at the end of the month before")
    reserve: ShownAmount
    change: ShownAmount = Field(description="what the month's journal books")
    reporting_change: ShownAmount


class ReserveDoc(Answer):
    month: str
    as_of: str = Field(description="the month's last day in the books, YYYY-MM-DD")
    reporting_currency: Currency
    sealed: bool = Field(description="a sealed month's reserve is the one it was sealed with")
    policy: list[BandDoc]
    buckets: list[BucketDoc]
    currencies: dict[str, HeldDoc] = Field(description="per currency, and ALL in reporting")
    change: dict[str, ChangeDoc]


class ReserveLineDoc(JournalLineDoc):
    gl_reason: one_of(GL_ACCOUNT_KEYS)


class ReserveJournalDoc(Answer):
    month: str
    reporting_currency: Currency
    lines: list[ReserveLineDoc]
    totals: dict[str, Sides] = Field(description="per currency, and ALL in the reporting one")
    reserve: ReserveDoc


@operation(
    "GET", "/reserve", scope="read", query=JournalQuery, answers={200: ReserveDoc},
    summary="The reserve for revenue at risk at a month's end, by age bucket and currency",
    refusals=(403,),
)  # fmt: skip
def month_reserve(query: JournalQuery) -> Response:
    return reply(ReserveDoc(**shown_reserve(reserve_report(query.month, g.user))))


@operation(
    "GET", "/reserve/journal", scope="read", query=JournalQuery,
    answers={200: ReserveJournalDoc}, refusals=(403, 409),
    summary="The journal entry booking the month's change in the reserve, per currency",
)  # fmt: skip
def month_reserve_journal(query: JournalQuery) -> Response:
    return reply(ReserveJournalDoc(**reserve_journal_json(reserve_journal(query.month, g.user))))


@operation(
    "GET", "/reserve-policy", scope="read", answers={200: PolicyDoc}, refusals=(403,),
    summary="The reserve policy: a rate by reason and age at the month's end",
)  # fmt: skip
def reserve_policy() -> Response:
    if not g.user.can("read_close"):
        raise NotPermitted(f"{a_role(g.user.role)} does not read the close")
    return reply(PolicyDoc(bands=[BandDoc(**b.__dict__) for b in policy()]))


@operation(
    "POST", "/reserve-policy", scope="write", body=PolicyChange, answers={200: PolicyDoc},
    refusals=(403,),
    summary="Replace the reserve policy whole (a sealed month keeps the reserve it was sealed "
    "with)",
)  # fmt: skip
def reserve_policy_set(body: PolicyChange) -> Response:
    bands = set_reserve_policy([b.model_dump() for b in body.bands], g.user)
    return reply(PolicyDoc(bands=[BandDoc(**b.__dict__) for b in bands]))
