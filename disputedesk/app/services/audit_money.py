"""The money columns held to the trail: what each event recorded when the money was written.

A keyed chain proves its events were not changed; the rows beside it could still be. The
filing records the disputed amount, the memo's preparation its amount and line credits, the
reversal its amount: `audit verify` reads those from the chain as it walks it and then holds
every dispute, memo, credit line and reversal to them, naming each that differs.
"""

from collections.abc import Iterator
from contextlib import closing
from typing import NamedTuple

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import CreditLine, CreditMemo, Dispute, Invoice, InvoiceLine, Reversal
from disputedesk.workflows.money import convert, format_amount, format_rate


class Said(NamedTuple):
    """A money column that differs from the trail: where, and what each says."""

    dispute_id: int
    seq: int | None
    detail: str


class MoneyTrail:
    """What the trail says each money column holds, gathered during the walk of the chains."""

    def __init__(self) -> None:
        self.disputed: dict[int, tuple[int, str, str | None]] = {}  # dispute: seq, amount, cur
        self.memos: dict[int, tuple[int, int, str, str | None, dict]] = {}
        self.reversals: dict[str, tuple[int, int, str]] = {}  # number: dispute, seq, amount
        self.rates: dict[int, tuple[int, str]] = {}  # dispute: seq, the FX rate it froze
        self.named: set[int] = set()  # disputes whose amount is named already

    def note(self, dispute_id: int, events: list) -> None:
        for e in events:
            data = e.data or {}
            if e.type == "filed" and "disputed_amount" in data:
                self.disputed[dispute_id] = (e.seq, data["disputed_amount"], data.get("currency"))
                if "fx_rate" in data:
                    self.rates[dispute_id] = (e.seq, data["fx_rate"])
            elif e.type == "credit_memo_prepared" and "memo_id" in data:
                lines = {(x.get("invoice"), x["line_no"]): x["amount"]
                         for x in data.get("lines") or ()}  # fmt: skip
                self.memos[data["memo_id"]] = (dispute_id, e.seq, data.get("amount"),
                                               data.get("currency"), lines)  # fmt: skip
            elif e.type == "credit_memo_reversed" and data.get("number"):
                self.reversals[data["number"]] = (dispute_id, e.seq, data.get("amount"))

    def findings(self, batch: int = 5000) -> Iterator[Said]:
        yield from self._disputes(batch)
        yield from self._rates(batch)
        yield from self._memos(batch)
        yield from self._lines(batch)
        yield from self._reversals(batch)

    def _disputes(self, batch: int) -> Iterator[Said]:
        rows = select(Dispute.id, Dispute.disputed_amount, Dispute.currency).order_by(Dispute.id)
        for dispute_id, amount, currency in _stream(rows, batch):
            if (said := self.disputed.get(dispute_id)) and said[1:] != (
                format_amount(amount), currency
            ):  # fmt: skip
                shown, filed = f"{currency} {format_amount(amount)}", f"{said[2]} {said[1]}"
                self.named.add(dispute_id)
                yield Said(dispute_id, said[0], f"disputed amount is {shown}; filed as {filed}")

    def _rates(self, batch: int) -> Iterator[Said]:
        """The frozen rate as the filing recorded it, and the USD amount it gives."""
        rows = select(Dispute.id, Dispute.disputed_amount, Dispute.fx_rate,
                      Dispute.reporting_amount).order_by(Dispute.id)  # fmt: skip
        for dispute_id, amount, rate, reporting in _stream(rows, batch):
            if (said := self.rates.get(dispute_id)) is None or dispute_id in self.named:
                continue
            if rate is None or format_rate(rate) != said[1]:
                shown = "none" if rate is None else format_rate(rate)
                yield Said(dispute_id, said[0], f"FX rate is {shown}; filed at {said[1]}")
            elif reporting != convert(amount, rate):
                want = format_amount(convert(amount, rate))
                shown = format_amount(reporting or 0)
                yield Said(dispute_id, said[0], f"USD amount is {shown}; {want} at the frozen rate")

    def _memos(self, batch: int) -> Iterator[Said]:
        rows = select(CreditMemo.id, CreditMemo.amount, CreditMemo.currency).order_by(CreditMemo.id)
        for memo_id, amount, currency in _stream(rows, batch):
            if (said := self.memos.get(memo_id)) and (said[2], said[3]) != (
                format_amount(amount), currency
            ):  # fmt: skip
                shown, prepared = f"{currency} {format_amount(amount)}", f"{said[3]} {said[2]}"
                yield Said(said[0], said[1], f"memo {memo_id} is {shown}; prepared for {prepared}")

    def _lines(self, batch: int) -> Iterator[Said]:
        rows = (
            select(CreditLine.memo_id, Invoice.number, InvoiceLine.line_no, CreditLine.amount)
            .join(InvoiceLine, InvoiceLine.id == CreditLine.invoice_line_id)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .order_by(CreditLine.memo_id, InvoiceLine.line_no)
        )
        for memo_id, number, line_no, amount in _stream(rows, batch):
            said = self.memos.get(memo_id)
            if not (said and said[4]):
                continue
            # A memo over several invoices names each line's invoice; one over one does not.
            prepared = said[4].get((number, line_no), said[4].get((None, line_no)))
            if prepared != format_amount(amount):
                yield Said(said[0], said[1], f"credit memo {memo_id} line {line_no} "
                              f"credits {format_amount(amount)}; it was prepared for "
                              f"{prepared or 'nothing'}")  # fmt: skip

    def _reversals(self, batch: int) -> Iterator[Said]:
        rows = select(Reversal.number, Reversal.amount).order_by(Reversal.id)
        for number, amount in _stream(rows, batch):
            if (said := self.reversals.get(number)) and said[2] != format_amount(-amount):
                yield Said(said[0], said[1], f"reversal {number} reverses "
                              f"{format_amount(amount)}; it was recorded as {said[2]}")  # fmt: skip


def _stream(query, batch: int):  # noqa: ANN001, ANN202
    with closing(db.session.execute(query.execution_options(yield_per=batch))) as rows:
        yield from rows
