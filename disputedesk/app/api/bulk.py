"""Bulk intake through the API: many disputed lines in one upload, filed as cases."""

from typing import Annotated

from flask import Response, g
from pydantic import Field

from disputedesk.app.api.fields import (
    Amount,
    Answer,
    Currency,
    LineNo,
    ReasonCode,
    Request,
    line,
    text,
)
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.services.bulk_intake import file_bulk
from disputedesk.workflows import bulk, edge


class BulkRow(Request):
    invoice_number: line(edge.MAX_INVOICE_NUMBER)
    line_no: LineNo
    amount: Amount
    currency: Currency
    reason_code: ReasonCode
    description: text(edge.MAX_TEXT, min_length=1)


class BulkUpload(Request):
    batch_ref: line(80) = Field(description="your reference for the upload: sent again, it "
                                "answers with the cases first filed")  # fmt: skip
    rows: Annotated[list[BulkRow], Field(min_length=1, max_length=bulk.MAX_ROWS)]
    dry_run: bool = False


class BulkCase(Answer):
    rows: list[int] = Field(description="the upload's rows (1-based) the case holds")
    dispute: str | None = Field(description="the case's reference; none on a dry run")
    invoice_number: str
    reason_code: ReasonCode
    amount: str


class BulkAnswer(Answer):
    dry_run: bool
    cases: list[BulkCase]


@operation(
    "POST", "/disputes/bulk", scope="write", body=BulkUpload, answers={200: BulkAnswer},
    refusals=(403, 409),
    summary="File many disputed lines at once: each invoice's lines of one reason code make "
    "one case; all or nothing, every bad row named",
)  # fmt: skip
def disputes_bulk(body: BulkUpload) -> Response:
    rows = [r.model_dump() for r in body.rows]
    filed = file_bulk(g.user, body.batch_ref, rows, dry_run=body.dry_run)
    cases = [
        BulkCase(rows=f.rows, dispute=f.dispute.ref if f.dispute else None,
                 invoice_number=f.invoice_number, reason_code=f.reason_code, amount=f.amount)
        for f in filed
    ]  # fmt: skip
    return reply(BulkAnswer(dry_run=body.dry_run, cases=cases))
