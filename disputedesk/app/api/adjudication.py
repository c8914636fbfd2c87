"""Per-line credits and reversals in the JSON API."""

from typing import Annotated, Any

from flask import Response, g
from pydantic import Field

from disputedesk.app.api import answers
from disputedesk.app.api.fields import Answer, Currency
from disputedesk.app.api.params import REF, id_param, id_rule
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.api.schemas import ReversalRequest
from disputedesk.app.models import CreditMemo, Dispute, Reversal
from disputedesk.app.queries.credit_lines import changes_since, line_numbers, line_views
from disputedesk.app.queries.listing import load_dispute
from disputedesk.app.services.reversals import reverse_memo
from disputedesk.workflows.money import format_amount

CreditableLine = Annotated[
    dict[str, Any],
    Field(description="billed, expected, disputed, proposed, left and the credits before"),
]


class CreditLines(Answer):
    dispute: str
    currency: Currency
    lines: list[CreditableLine]


def reversal_document(reversal: Reversal) -> answers.ReversalDocument:
    return answers.ReversalDocument(
        number=reversal.number,
        reverses=reversal.memo.number,
        memo_id=reversal.memo_id,
        amount=format_amount(-reversal.amount),
        currency=reversal.currency,
        reason=reversal.reason,
        reversed_by=reversal.reversed_by.email,
        reversed_at=reversal.reversed_at,
        rule=reversal.rule,
    )


def decided_lines(memo: CreditMemo, dispute: Dispute) -> dict[str, Any]:
    """The memo's per-line credits, the numbers frozen with it, and what changed since."""
    frozen = {line["invoice_line_id"]: line for line in (memo.comparison or {}).get("lines", [])}
    return {
        "lines": [
            answers.MemoLine(
                invoice_number=cl.invoice_line.invoice.number,
                line_no=cl.invoice_line.line_no,
                billed=format_amount(cl.invoice_line.amount),
                expected=frozen.get(cl.invoice_line_id, {}).get("expected"),
                disputed=format_amount(cl.disputed_amount),
                proposed=None if cl.proposed_amount is None else format_amount(cl.proposed_amount),
                approved=format_amount(cl.amount),
            )
            for cl in sorted(
                memo.lines,
                key=lambda cl: (
                    cl.invoice_line.invoice_id != memo.invoice_id,
                    cl.invoice_line.invoice.number,
                    cl.invoice_line.line_no,
                ),
            )  # fmt: skip
        ],
        "above_proposal": memo.above_proposal,
        "justification": memo.justification,
        "comparison": memo.comparison,
        "changed_since": changes_since(dispute) if memo.comparison else [],
        "reversal": reversal_document(memo.reversal) if memo.reversal else None,
    }


@operation(
    "GET", "/disputes/<ref>/credit-lines", scope="read", path_params=REF,
    summary="Each line the dispute may credit: billed, expected, disputed, proposed, left, and"
    " the memos that credited it before",
    answers={200: CreditLines}, refusals=(404,),
)  # fmt: skip
def credit_lines_show(ref: str) -> Response:
    """What each line of the dispute may still be credited, with the comparison's proposal."""
    dispute = load_dispute(ref, g.user)
    lines = [line_numbers(v) for v in line_views(dispute)]
    return reply(CreditLines(dispute=dispute.ref, currency=dispute.currency, lines=lines))


@operation(
    "POST", f"/credit-memos/{id_rule('memo_id')}/reversal", scope="approve",
    summary="Reverse an issued credit memo (a reversal document numbered RV-YYYY-NNNNNN)",
    body=ReversalRequest, path_params=id_param("memo_id", "the credit memo's id"),
    answers={201: answers.ReversalDocument}, refusals=(403, 404, 409),
)  # fmt: skip
def credit_memo_reverse(memo_id: int, body: ReversalRequest) -> Response:
    reversal = reverse_memo(memo_id, g.user, body.reason)
    return reply(reversal_document(reversal), 201)
