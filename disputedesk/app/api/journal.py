"""The GL journal of a month for the ERP, and the GL account mapping behind it."""

from flask import Response, g
from pydantic import ConfigDict, Field

from disputedesk.app.api.fields import (
    Answer,
    Currency,
    GlReason,
    Request,
    ShownAmount,
    line,
    one_of,
)
from disputedesk.app.api.insight import MONTH
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.models import GlAccount
from disputedesk.app.queries.journal import accounts, as_json, journal
from disputedesk.app.services.gl_accounts import MAX_ACCOUNT, map_gl_account
from disputedesk.workflows.codes import GL_ACCOUNT_KEYS, a_role
from disputedesk.workflows.errors import NotPermitted

GL_REASON = {
    "gl_reason": {
        "description": "a GL reason, or revenue_at_risk_reserve (the month-end reserve's pair)",
        "schema": {"type": "string", "enum": [*GL_ACCOUNT_KEYS]},
    }
}


class JournalQuery(Request):
    model_config = ConfigDict(extra="forbid", strict=False)

    month: str = Field(pattern=MONTH, max_length=7, description="a books' month, YYYY-MM")


class JournalLineDoc(Answer):
    entry: str = Field(description="the memo's or the reversal's number")
    date: str = Field(description="the books' day, YYYY-MM-DD")
    account: str
    debit: ShownAmount
    credit: ShownAmount
    currency: Currency
    reporting_debit: ShownAmount
    reporting_credit: ShownAmount
    gl_reason: GlReason
    dispute: str
    memo: str
    description: str


class Sides(Answer):
    debit: ShownAmount
    credit: ShownAmount


class Reconciled(Answer):
    close_credited: ShownAmount
    journal_memos: ShownAmount
    difference: ShownAmount


class JournalDoc(Answer):
    month: str
    reporting_currency: Currency
    lines: list[JournalLineDoc]
    totals: dict[str, Sides] = Field(description="per currency, and ALL in the reporting one")
    reconciliation: dict[str, Reconciled] = Field(
        description="per currency: the close's credited line beside the journal's memo debits"
    )


class GlAccountDoc(Answer):
    gl_reason: one_of(GL_ACCOUNT_KEYS)
    debit_account: str
    credit_account: str
    description: str


class GlAccountList(Answer):
    items: list[GlAccountDoc]


class GlAccountChange(Request):
    debit_account: line(MAX_ACCOUNT)
    credit_account: line(MAX_ACCOUNT)


def _doc(kept: GlAccount) -> GlAccountDoc:
    return GlAccountDoc(
        gl_reason=kept.gl_reason,
        debit_account=kept.debit_account,
        credit_account=kept.credit_account,
        description=kept.description,
    )


@operation(
    "GET", "/journal", scope="read", query=JournalQuery, answers={200: JournalDoc},
    summary="The month's GL journal: balanced lines per credit memo and reversal, reconciled "
    "to the close", refusals=(403, 409),
)  # fmt: skip
def month_journal(query: JournalQuery) -> Response:
    return reply(JournalDoc(**as_json(journal(query.month, g.user))))


@operation(
    "GET", "/gl-accounts", scope="read", answers={200: GlAccountList}, refusals=(403,),
    summary="Which accounts each GL reason's credits post to",
)  # fmt: skip
def gl_accounts() -> Response:
    if not g.user.can("read_journal"):
        raise NotPermitted(f"{a_role(g.user.role)} does not read the GL journal")
    kept = accounts()
    return reply(GlAccountList(items=[_doc(kept[r]) for r in GL_ACCOUNT_KEYS if r in kept]))


@operation(
    "POST", "/gl-accounts/<gl_reason>", scope="write", path_params=GL_REASON,
    body=GlAccountChange, answers={200: GlAccountDoc}, refusals=(403, 404),
    summary="Set a GL reason's debit (contra-revenue) and credit (receivables) accounts",
)  # fmt: skip
def gl_account_set(gl_reason: str, body: GlAccountChange) -> Response:
    kept = map_gl_account(gl_reason, body.debit_account, body.credit_account, g.user)
    return reply(_doc(kept))
