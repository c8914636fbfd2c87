"""Read what an invoice line is compared against, and compare it (workflows.comparison)."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord, Dispute, Invoice, InvoiceLine
from disputedesk.workflows.comparison import (
    BilledLine,
    ContractTerms,
    ContractUse,
    DeliveryRow,
    LineComparison,
    compare_invoice,
)


@dataclass(frozen=True)
class ComparedLine:
    comparison: LineComparison
    disputed_amount: int | None  # what the dispute contests on this line, when it names lines
    invoice_number: str = ""  # the line's invoice (a case may span several of one advertiser)


def billed_line(line: InvoiceLine, currency: str) -> BilledLine:
    return BilledLine(
        line.id, line.line_no, line.kind, line.product, line.campaign_ref, line.unit_kind,
        line.billed_units, line.billed_rate_micros, line.amount, currency,
    )  # fmt: skip


def contract_terms(c: Contract) -> ContractTerms:
    return ContractTerms(
        c.id, c.reference, c.version, c.product, c.campaign_ref, c.unit_kind, c.rate_micros,
        c.discount_bp, c.cap_units, c.cap_amount, c.makegood_units, c.tolerance_bp,
        c.delivery_source, c.effective_from, c.effective_to, c.currency,
    )  # fmt: skip


def delivery_row(d: DeliveryRecord) -> DeliveryRow:
    return DeliveryRow(
        d.id, d.campaign_ref, d.source, d.period_start, d.period_end, d.delivered_units,
        d.invalid_units,
    )  # fmt: skip


def compare_lines(invoice: Invoice, lines: Sequence[InvoiceLine]) -> list[LineComparison]:
    """Compare invoice lines with the advertiser's contracts and the campaigns' delivery rows.

    Make-goods and caps are per contract line per billing period, so the lines of earlier
    invoices of the same advertiser and period are priced first and draw on them first.
    """
    if not lines:
        return []
    earlier: dict[Invoice, list[InvoiceLine]] = {}
    for inv, line in db.session.execute(  # one statement, however many earlier invoices
        select(Invoice, InvoiceLine)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(
            Invoice.advertiser_id == invoice.advertiser_id,
            Invoice.period_start == invoice.period_start,
            Invoice.period_end == invoice.period_end,
            Invoice.id < invoice.id,
        )
        .order_by(Invoice.id, InvoiceLine.line_no)
    ):
        earlier.setdefault(inv, []).append(line)
    every = [x for group in earlier.values() for x in group] + list(invoice.lines)
    terms, rows = _terms_and_rows(invoice, every)
    use = ContractUse()
    for inv, own in earlier.items():
        compare_invoice([billed_line(x, inv.currency) for x in own],
                        inv.period_start, inv.period_end, terms, rows, use)  # fmt: skip
    wanted = {line.id for line in lines}
    compared = compare_invoice(
        [billed_line(x, invoice.currency) for x in invoice.lines],
        invoice.period_start, invoice.period_end, terms, rows, use,
    )  # fmt: skip
    return [c for c in compared if c.line.line_id in wanted]


def _terms_and_rows(
    invoice: Invoice, lines: Sequence[InvoiceLine]
) -> tuple[list[ContractTerms], list[DeliveryRow]]:
    contracts = db.session.scalars(
        select(Contract).where(
            Contract.advertiser_id == invoice.advertiser_id,
            Contract.product.in_({line.product for line in lines}),
            Contract.effective_from <= invoice.period_end,
            Contract.effective_to >= invoice.period_start,
        )
    )
    deliveries = db.session.scalars(
        select(DeliveryRecord).where(
            DeliveryRecord.campaign_ref.in_({line.campaign_ref for line in lines}),
            DeliveryRecord.period_start <= invoice.period_end,
            DeliveryRecord.period_end >= invoice.period_start,
        )
    )
    return [contract_terms(c) for c in contracts], [delivery_row(d) for d in deliveries]


def compare_dispute(dispute: Dispute) -> list[ComparedLine]:
    """Compare each disputed line (every line of the invoice when the dispute names none):
    the case's own invoice first, then each other invoice it spans, each in line order."""
    disputed = {dl.invoice_line_id: dl.amount for dl in dispute.lines}
    lines = [dl.invoice_line for dl in dispute.lines] or list(dispute.invoice.lines)
    by_invoice: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        by_invoice.setdefault(line.invoice_id, []).append(line)
    invoices = sorted(
        (line_group[0].invoice for line_group in by_invoice.values()),
        key=lambda inv: (inv.id != dispute.invoice_id, inv.number),
    )
    compared = []
    for invoice in invoices:
        for c in sorted(compare_lines(invoice, by_invoice[invoice.id]),
                        key=lambda c: c.line.line_no):  # fmt: skip
            compared.append(ComparedLine(c, disputed.get(c.line.line_id), invoice.number))
    return compared
