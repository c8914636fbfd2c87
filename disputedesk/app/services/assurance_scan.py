"""The assurance scan: compare every line of the given invoices and keep their exceptions true.

The caller owns the transaction: an invoice push or a feed scans in its own transaction (so
what it changed and what it found commit together); the backfill commits per batch.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    BillingException,
    Contract,
    DeliveryRecord,
    Invoice,
    InvoiceLine,
)
from disputedesk.app.queries.comparison import billed_line, contract_terms, delivery_row
from disputedesk.app.services.exception_trail import record
from disputedesk.workflows.assurance import Finding, finding_for
from disputedesk.workflows.comparison import ContractUse, LineComparison, compare_invoice
from disputedesk.workflows.money import format_amount

CHUNK = 900  # ids in one IN list (SQLite's limit is 999 parameters)


@dataclass
class ScanResult:
    invoices: int = 0
    lines: int = 0
    found: int = 0  # new exceptions
    updated: int = 0  # open exceptions whose numbers changed
    cleared: int = 0  # open exceptions a later scan found right


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def scan_invoices(invoice_ids: Iterable[int], now: datetime) -> ScanResult:
    """Compare every line of these invoices; raise, update or clear their exceptions."""
    result = ScanResult()
    ids = sorted(set(invoice_ids))
    keyed = []
    for part in _chunks(ids):
        keyed += db.session.execute(select(*PERIOD_KEY).where(Invoice.id.in_(part))).all()
    for chunk in _whole_periods(sorted(keyed), 300):
        _scan_chunk(chunk, now, result)
    return result


# An invoice's billing period: invoices of one advertiser and period share make-goods and caps.
PERIOD_KEY = (Invoice.advertiser_id, Invoice.period_start, Invoice.period_end, Invoice.id)


def _whole_periods(keyed: list, size: int) -> Iterable[list[int]]:
    """Cut invoices sorted by period into chunks of about `size`, never inside a period, so each
    chunk compares an invoice once (not again with every chunk its period reaches into)."""
    chunk: list[int] = []
    for n, row in enumerate(keyed):
        if len(chunk) >= size and row[:3] != keyed[n - 1][:3]:
            yield chunk
            chunk = []
        chunk.append(row[3])
    if chunk:
        yield chunk


def _scan_chunk(ids: Sequence[int], now: datetime, result: ScanResult) -> None:
    targets = list(db.session.scalars(select(Invoice).where(Invoice.id.in_(ids))))
    periods = {(i.advertiser_id, i.period_start, i.period_end) for i in targets}
    # earlier invoices of the same advertiser and period draw on the same make-goods and caps
    invoices = list(
        db.session.scalars(
            select(Invoice)
            .where(tuple_(Invoice.advertiser_id, Invoice.period_start, Invoice.period_end)
                   .in_(periods))
            .order_by(Invoice.id)
        )
    ) if periods else []  # fmt: skip
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    for part in _chunks([i.id for i in invoices]):
        for line in db.session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(part))):
            lines[line.invoice_id].append(line)
    advertisers = {i.advertiser_id for i in invoices}
    terms = defaultdict(list)
    for c in db.session.scalars(select(Contract).where(Contract.advertiser_id.in_(advertisers))):
        terms[c.advertiser_id].append(contract_terms(c))
    rows = defaultdict(list)
    campaigns = sorted({x.campaign_ref for group in lines.values() for x in group})
    for part in _chunks(campaigns):
        for d in db.session.scalars(
            select(DeliveryRecord).where(DeliveryRecord.campaign_ref.in_(part))
        ):
            rows[d.campaign_ref].append(delivery_row(d))
    wanted = set(ids)
    compared: dict[int, list[LineComparison]] = {}
    uses: dict[tuple, ContractUse] = defaultdict(ContractUse)
    for invoice in invoices:
        own = lines[invoice.id]
        given = [r for ref in {x.campaign_ref for x in own} for r in rows[ref]]
        found = compare_invoice(
            [billed_line(x, invoice.currency) for x in own],
            invoice.period_start, invoice.period_end, terms[invoice.advertiser_id], given,
            uses[(invoice.advertiser_id, invoice.period_start, invoice.period_end)],
        )  # fmt: skip
        if invoice.id in wanted:
            compared[invoice.id] = found
    team_of = dict(
        db.session.execute(
            select(Advertiser.id, Advertiser.team_id).where(Advertiser.id.in_(advertisers))
        ).all()
    )
    _record(targets, compared, team_of, now, result)


def _record(targets, compared, team_of, now: datetime, result: ScanResult) -> None:  # noqa: ANN001
    line_ids = [c.line.line_id for found in compared.values() for c in found]
    existing = {}
    for part in _chunks(line_ids):
        for e in db.session.scalars(
            select(BillingException)
            .where(BillingException.invoice_line_id.in_(part))
            .with_for_update()
        ):
            existing[e.invoice_line_id] = e
    new: list[BillingException] = []
    for invoice in targets:
        invoice.scanned_at = now
        result.invoices += 1
        for c in compared.get(invoice.id, []):
            result.lines += 1
            known = existing.get(c.line.line_id)
            if made := _keep(invoice, c, finding_for(c), known, team_of, now, result):
                new.append(made)
    db.session.flush()  # the new exceptions have their ids: their first events name them
    for e in new:
        record(e, None, "found", _summary(e), now)


def _keep(invoice, c, finding: Finding | None, known, team_of, now, result):  # noqa: ANN001, ANN202
    """Bring the line's exception in line with what the scan found; return a new one."""
    if finding is None:
        if known is not None and known.status == "open":
            known.status, known.closed_at, known.scanned_at = "cleared", now, now
            record(known, None, "cleared", {"why": "a later scan found the line billed right"}, now)
            result.cleared += 1
        elif known is not None:
            known.scanned_at = now
        return None
    numbers = _numbers(c, finding)
    if known is None:
        known = BillingException(
            invoice_line_id=c.line.line_id, invoice_id=invoice.id,
            advertiser_id=invoice.advertiser_id, team_id=team_of[invoice.advertiser_id],
            currency=invoice.currency, billed=c.line.amount, status="open", found_at=now,
            scanned_at=now, version=0, **numbers,
        )  # fmt: skip
        db.session.add(known)
        result.found += 1
        return known
    known.scanned_at = now
    before = {k: getattr(known, k) for k in ("kind", "expected", "variance", "contract_label")}
    after = {k: numbers[k] for k in before}
    if known.status == "cleared" or (known.status == "open" and before != after):
        for k, v in numbers.items():
            setattr(known, k, v)
        known.billed = c.line.amount
        kind = "found_again" if known.status == "cleared" else "rescanned"
        known.status, known.closed_at = "open", None
        record(known, None, kind, {"before": _show(before), "after": _show(after)}, now)
        result.updated += 1
    return None


def _numbers(c: LineComparison, finding: Finding) -> dict:
    return {
        "kind": finding.kind,
        "expected": finding.expected,
        "variance": finding.variance,
        "why": finding.why,
        "contract_id": None if c.contract is None else c.contract.id,
        "contract_label": None if c.contract is None else c.contract.label,
        "comparison": c.as_dict(),
    }


def _show(values: dict) -> dict:
    money = ("expected", "variance")
    return {k: (format_amount(v) if k in money and v is not None else v) for k, v in values.items()}


def _summary(e: BillingException) -> dict:
    return _show(
        {"kind": e.kind, "billed": e.billed, "expected": e.expected, "variance": e.variance,
         "contract": e.contract_label, "why": e.why}
    ) | {"billed": format_amount(e.billed)}  # fmt: skip


def scan_everything(now: datetime, batch: int = 2_000, echo=None) -> ScanResult:  # noqa: ANN001
    """Backfill: scan every invoice, period by period, a batch of invoices per transaction."""
    total = ScanResult()
    last = None
    while True:
        query = select(*PERIOD_KEY).order_by(*PERIOD_KEY).limit(batch)
        if last is not None:
            query = query.where(tuple_(*PERIOD_KEY) > tuple_(*last))
        rows = db.session.execute(query).all()
        if not rows:
            return total
        if len(rows) == batch and (whole := [r for r in rows if r[:3] != rows[-1][:3]]):
            rows = whole  # the last period starts the next batch, whole
        part = scan_invoices([r[3] for r in rows], now)
        db.session.commit()
        for f in ("invoices", "lines", "found", "updated", "cleared"):
            setattr(total, f, getattr(total, f) + getattr(part, f))
        last = tuple(rows[-1])
        if echo:
            echo(total)
