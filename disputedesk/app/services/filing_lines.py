"""The lines a filing names, on its own invoice and on the advertiser's other invoices.

A case may span several invoices of one advertiser and currency: it names each line and what
it disputes of it. The case's own invoice (the one the filing names) is its lead; the money
rules (caps, comparison, memo lines, holds) are per line, on each line's own invoice.
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Invoice, InvoiceLine
from disputedesk.app.queries.credit_lines import Prior, cap_message, left_on, priors
from disputedesk.app.queries.listing import spanning
from disputedesk.app.services.adjudication import lock_lines
from disputedesk.workflows.dispute import OPEN_STATES
from disputedesk.workflows.errors import Conflict
from disputedesk.workflows.money import BadAmount, parse_amount

Named = list[tuple[InvoiceLine, int]]  # each line and the amount disputed on it


def lock_invoices(numbers: Iterable[str]) -> None:
    """Lock the invoices a filing spans in id order (PostgreSQL), so that two filings over the
    same invoices take turns without deadlocking."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(Invoice.id)
            .where(Invoice.number.in_(sorted(set(numbers))))
            .order_by(Invoice.id)
            .with_for_update()
        )


def other_invoices(lead: Invoice, numbers: Iterable[str], errors: dict[str, str]) -> dict:
    """The other invoices a filing names, each the lead's advertiser's and in its currency."""
    wanted = sorted(set(numbers) - {lead.number})
    found = {
        invoice.number: invoice
        for invoice in db.session.scalars(
            select(Invoice).where(Invoice.number.in_(wanted)).options(selectinload(Invoice.lines))
        )
    }
    for number in wanted:
        invoice = found.get(number)
        if invoice is None or invoice.advertiser_id != lead.advertiser_id:
            errors["lines"] = f"{lead.advertiser.name} has no invoice {number}"
        elif invoice.currency != lead.currency:
            errors["lines"] = (
                f"invoice {number} is billed in {invoice.currency}, {lead.number} in "
                f"{lead.currency}: a case is in one currency"
            )
    return found


def validate_lines(
    invoice: Invoice, asked: Sequence[tuple[int, str]], errors: dict[str, str], *, prefix: str = ""
) -> tuple[Named, dict[int, list[Prior]]]:
    """The named lines of one invoice with their amounts, and the credits on them (on every
    line, when none is named: a whole-invoice dispute is capped at what they have left).
    `prefix` names the invoice in the messages, for a line on another invoice than the lead."""
    by_no = {line.line_no: line for line in invoice.lines}
    named = [by_no[no] for no, _ in asked if no in by_no]
    lock_lines(line.id for line in named)
    prior = priors(line.id for line in (named or invoice.lines))
    lines = []
    for line_no, text in asked:
        line = by_no.get(line_no)
        if line is None:
            errors["lines"] = f"invoice {invoice.number} has no line {line_no}"
            return [], prior
        try:
            amount = parse_amount(text)
        except BadAmount as error:
            errors["lines"] = f"{prefix}line {line_no}: amount {error}"
            return [], prior
        if amount > (left := left_on(line, prior.get(line.id, []))):
            errors["lines"] = prefix + cap_message(line, left, prior.get(line.id, []))
            return [], prior
        lines.append((line, amount))
    if len({line.line_no for line, _ in lines}) != len(lines):
        errors["lines"] = f"{prefix}each line may appear once"
    return lines, prior


def refuse_overlap(invoice: Invoice, lines: Named) -> None:
    """Refuse a second open dispute on the same invoice lines, naming the first: one on the
    invoice itself, or one spanning it from another invoice."""
    open_disputes = db.session.scalars(
        select(Dispute)
        .where(
            or_(Dispute.invoice_id == invoice.id, Dispute.id.in_(spanning(invoice.id))),
            Dispute.state.in_(OPEN_STATES),
        )
        .options(selectinload(Dispute.lines))
        .order_by(Dispute.id)
    ).all()
    wanted = {line.id for line, _ in lines}
    for other in open_disputes:
        taken = {dl.invoice_line_id for dl in other.lines}
        # A dispute without lines contests the whole invoice.
        overlap = not wanted or not taken or wanted & taken
        if overlap:
            raise Conflict(
                f"{other.ref} is already open on invoice {invoice.number}"
                + ("" if not taken or not wanted else " for the same lines"),
                dispute=other.ref,
            )
