"""File a dispute against an invoice."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Dispute, DisputedLine, IdempotencyKey, Invoice, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.fx import rate_on
from disputedesk.app.queries.reports import books_zone
from disputedesk.app.services.exception_trail import link_filed_dispute
from disputedesk.app.services.filing_lines import (
    lock_invoices,
    other_invoices,
    refuse_overlap,
    validate_lines,
)
from disputedesk.app.services.sla_clocks import apply_clock_effects
from disputedesk.app.services.write_path import CaseChange, create_case, transaction
from disputedesk.workflows import edge
from disputedesk.workflows.books import books_day
from disputedesk.workflows.codes import INTAKE_CHANNELS, REASON_CODES, a_role
from disputedesk.workflows.errors import Conflict, InvalidInput, NotPermitted
from disputedesk.workflows.money import (
    BadAmount,
    convert,
    format_amount,
    format_rate,
    parse_amount,
    priority_for,
)
from disputedesk.workflows.permissions import may_file


class KeyReused(Conflict):
    """An idempotency key sent again with another request."""


@dataclass(frozen=True)
class Filing:
    """What someone asks to dispute."""

    invoice_number: str
    reason_code: str
    description: str
    disputed_amount: str
    currency: str
    lines: tuple[tuple[int, str], ...] = ()  # (line_no, amount as a decimal string)
    # Lines on the advertiser's other invoices, for one case over several: (invoice, line_no,
    # amount). The invoice named above is the case's own.
    other_lines: tuple[tuple[str, int, str], ...] = ()
    intake_channel: str = "portal"

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()


def file_dispute(
    user: User, filing: Filing, idempotency_key: str | None = None, now: datetime | None = None
) -> Dispute:
    """Validate and file a dispute in one transaction; replay a known Idempotency-Key."""
    if not may_file(user.as_actor()):
        raise NotPermitted(f"{a_role(user.role)} cannot file disputes")
    with transaction():
        return file_in(user, filing, idempotency_key, now)


def file_in(
    user: User, filing: Filing, idempotency_key: str | None = None, now: datetime | None = None
) -> Dispute:
    """File inside the caller's transaction (a bulk upload files many in one)."""
    if isinstance(filing.invoice_number, str):  # it is looked up before the rest is checked
        edge.check_text("invoice_number", filing.invoice_number, edge.MAX_INVOICE_NUMBER,
                        single_line=True)  # fmt: skip
    if others := {number for number, _, _ in filing.other_lines} - {filing.invoice_number}:
        lock_invoices({filing.invoice_number, *others})
    invoice = db.session.scalar(
        select(Invoice)
        .where(Invoice.number == filing.invoice_number)
        .options(
            selectinload(Invoice.lines),
            joinedload(Invoice.advertiser, innerjoin=True).joinedload(Advertiser.team),
        )
        .with_for_update(of=Invoice)  # filings on one invoice take turns (PostgreSQL)
    )
    if idempotency_key and (replay := _replay(user, idempotency_key, filing)):
        return replay
    amount, lines = _validate(filing, invoice)
    for on_invoice, its_lines in _by_invoice(invoice, lines).items():
        refuse_overlap(on_invoice, its_lines)
    now = now or utcnow()
    dispute = _new_dispute(user, filing, invoice, amount, lines, now)
    with create_case(dispute, user, now, commit=False) as change:
        _record_filing(change, invoice, lines)
    if idempotency_key:  # the case has its id now: it went in with its events
        db.session.add(
            IdempotencyKey(
                user_id=user.id,
                key=idempotency_key,
                request_hash=filing.fingerprint(),
                dispute_id=dispute.id,
            )
        )
    return dispute


def _replay(user: User, key: str, filing: Filing) -> Dispute | None:
    known = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )
    if known is None:
        return None
    if known.request_hash != filing.fingerprint():
        raise KeyReused("this Idempotency-Key was already used with a different request")
    return db.session.get(Dispute, known.dispute_id)


def _new_dispute(
    user: User, filing: Filing, invoice: Invoice, amount: int, lines: list, now: datetime
) -> Dispute:
    # Relations and empty collections set here are not read back while the case is written.
    rate = rate_on(invoice.currency, books_day(now, books_zone()))
    reporting = convert(amount, rate.micros)
    return Dispute(
        advertiser=invoice.advertiser,
        invoice=invoice,
        team=invoice.advertiser.team,
        advertiser_id=invoice.advertiser_id,
        invoice_id=invoice.id,
        team_id=invoice.advertiser.team_id,
        state="filed",
        reason_code=filing.reason_code,
        description=filing.description.strip(),
        disputed_amount=amount,
        currency=invoice.currency,
        reporting_amount=reporting,
        fx_rate=rate.micros,
        fx_rate_on=rate.effective_on,
        priority=priority_for(amount, invoice.currency, invoice.advertiser.tier, reporting),
        intake_channel=filing.intake_channel,
        filed_by_id=user.id,
        filed_at=now,
        updated_at=now,
        lines=[
            DisputedLine(invoice_line=line, invoice_line_id=line.id, amount=a) for line, a in lines
        ],
        sla_clocks=[],
        evidence=[],
        credit_memos=[],
    )


def _record_filing(change: CaseChange, invoice: Invoice, lines: list) -> None:
    """Audit the filing and start its clocks, as any change records what it did."""
    dispute = change.dispute
    change.record("filed", to_state="filed", data={
        "invoice": invoice.number,
        "reason_code": dispute.reason_code,
        "disputed_amount": format_amount(dispute.disputed_amount),
        "currency": invoice.currency,
        "fx_rate": format_rate(dispute.fx_rate),
        "priority": dispute.priority,
        "lines": line_record(lines),
        **({"invoices": spanned} if len(spanned := _numbers(invoice, lines)) > 1 else {}),
    })  # fmt: skip
    apply_clock_effects(dispute, "file", change.now, change.record)
    named = [line for line, _ in lines] or list(invoice.lines)
    known = link_filed_dispute(dispute, named, change.user, change.now)
    if known:
        change.record("exceptions_linked", data={"exceptions": [e.ref for e in known]})


def _validate(filing: Filing, invoice: Invoice | None) -> tuple[int, list[tuple[Any, int]]]:
    errors: dict[str, str] = {}
    if invoice is None:
        errors["invoice_number"] = f"no invoice {filing.invoice_number!r}"
    if filing.reason_code not in REASON_CODES:
        errors["reason_code"] = "one of " + ", ".join(REASON_CODES)
    if not filing.description.strip():
        errors["description"] = "describe what the advertiser disputes"
    elif problem := edge.text_problem(filing.description, edge.MAX_TEXT):
        errors["description"] = problem
    if filing.intake_channel not in INTAKE_CHANNELS:
        errors["intake_channel"] = "one of " + ", ".join(INTAKE_CHANNELS)
    try:
        amount = parse_amount(filing.disputed_amount)
    except BadAmount as error:
        errors["disputed_amount"], amount = str(error), 0
    if invoice is None:
        raise InvalidInput(errors)
    if filing.currency != invoice.currency:
        errors["currency"] = f"invoice {invoice.number} is billed in {invoice.currency}"
    lines, prior = validate_lines(invoice, filing.lines, errors)
    if filing.other_lines and not errors.get("lines"):
        lines += _other_lines(filing, invoice, errors)
    if len({line.invoice_id for line, _ in lines}) > 1:
        ceiling, what = sum(a for _, a in lines), "the amounts disputed on its lines"
        if amount != ceiling and "disputed_amount" not in errors:  # each invoice holds its own
            errors["disputed_amount"] = (
                "a case over several invoices disputes what its lines add up to, "
                f"{invoice.currency} {format_amount(ceiling)}"
            )
    elif lines:
        ceiling, what = sum(a for _, a in lines), "the amounts disputed on its lines"
    else:  # a whole invoice: its total less the live credits its lines already carry
        credited = sum(p.amount for on_line in prior.values() for p in on_line)
        ceiling = max(invoice.total - credited, 0)
        what = "the invoice total"
        if credited:
            what = f"what is left after {invoice.currency} {format_amount(credited)} credited"
    if amount and not errors.get("lines") and "disputed_amount" not in errors and amount > ceiling:
        most = f"{invoice.currency} {format_amount(ceiling)}"
        errors["disputed_amount"] = f"cannot exceed {what}, {most}"
    if errors:
        raise InvalidInput(errors)
    return amount, lines


def _other_lines(filing: Filing, invoice: Invoice, errors: dict[str, str]) -> list:
    """The lines named on the advertiser's other invoices, each checked on its own invoice."""
    if not filing.lines:
        errors["lines"] = f"name the lines disputed on {invoice.number} too: a case over several"
        errors["lines"] += " invoices names its lines"
        return []
    asked: dict[str, list[tuple[int, str]]] = {}
    for number, line_no, text in filing.other_lines:
        asked.setdefault(number, []).append((line_no, text))
    found = other_invoices(invoice, asked, errors)
    lines: list = []
    for number, pairs in asked.items():
        if errors.get("lines"):
            return []
        if number == invoice.number:
            errors["lines"] = f"lines on {number}, the case's own invoice, go with its lines"
            return []
        named, _ = validate_lines(found[number], pairs, errors, prefix=f"{number} ")
        lines += named
    return lines


def _by_invoice(invoice: Invoice, lines: list) -> dict[Invoice, list]:
    """The named lines grouped by their invoice, the case's own first (all of it, when none)."""
    grouped: dict[Invoice, list] = {invoice: []}
    for line, amount in lines:
        grouped.setdefault(line.invoice, []).append((line, amount))
    return grouped


def _numbers(invoice: Invoice, lines: list) -> list[str]:
    return [invoice.number, *sorted({line.invoice.number for line, _ in lines} - {invoice.number})]


def line_record(lines: list) -> list[dict]:
    """The lines as the audit trail records them; each names its invoice when there are
    several (a line number alone is ambiguous then)."""
    several = len({line.invoice_id for line, _ in lines}) > 1
    return [
        {"line_no": line.line_no, "amount": format_amount(a),
         **({"invoice": line.invoice.number} if several else {})}
        for line, a in lines
    ]  # fmt: skip
