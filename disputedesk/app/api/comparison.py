"""The comparison of a dispute's lines with contract and delivery, in the JSON API."""

from datetime import date
from typing import Annotated, Any

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.fields import Answer, Currency
from disputedesk.app.api.params import REF
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.queries.comparison import compare_dispute
from disputedesk.app.queries.listing import load_dispute
from disputedesk.workflows.money import format_amount

ComparedLine = Annotated[
    dict[str, Any],
    Field(description="billed vs contracted vs delivered for one line (workflows/comparison)"),
]


class Comparison(Answer):
    dispute: str
    invoice_number: str
    currency: Currency
    period_start: date
    period_end: date
    basis: str
    lines: list[ComparedLine]


@operation(
    "GET", "/disputes/<ref>/comparison", scope="read", path_params=REF,
    summary="Billed vs contracted vs delivered for each disputed line",
    answers={200: Comparison}, refusals=(404,),
)  # fmt: skip
def dispute_comparison(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    invoice = dispute.invoice
    lines = [
        row.comparison.as_dict()
        | {"disputed_amount": None if row.disputed_amount is None
           else format_amount(row.disputed_amount)}
        for row in compare_dispute(dispute)
    ]  # fmt: skip
    return reply(
        Comparison(
            dispute=dispute.ref,
            invoice_number=invoice.number,
            currency=invoice.currency,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            basis="live",
            lines=lines,
        )  # fmt: skip
    )
