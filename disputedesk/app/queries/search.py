"""Search disputes by reference, invoice number or advertiser: each alternative index-served."""

import re

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, and_, any_, cast, func, or_, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Dispute, DisputedLine, Invoice, InvoiceLine
from disputedesk.app.models.disputes import parse_ref

REF_DIGITS = 6  # DSP-000280: a reference's number is zero-padded to six digits
PARTIAL_REF = re.compile(rf"DSP-?([0-9]{{0,{REF_DIGITS}}})", re.IGNORECASE)
LIKE_ESCAPE = "\\"


def _reference(text: str) -> ColumnElement[bool] | None:
    """Match a reference, its number (280), or the start of one (DSP, DSP-0002): an id range."""
    dispute_id = parse_ref(text)
    if dispute_id:
        return Dispute.id == dispute_id
    partial = PARTIAL_REF.fullmatch(text)
    if not partial:
        return None
    digits = partial.group(1)
    if not digits:
        return Dispute.id > 0  # "DSP" is the start of every reference
    width = 10 ** (REF_DIGITS - len(digits))
    return and_(Dispute.id >= int(digits) * width, Dispute.id < (int(digits) + 1) * width)


def escape_like(text: str) -> str:
    """Escape LIKE's wildcards, so a searched % or _ means itself."""
    return re.sub(r"([%_\\])", r"\\\1", text)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """Match lower(column) starting with `prefix`, as its expression index can serve it.

    PostgreSQL's index is text_pattern_ops, which serves LIKE 'prefix%' in any collation;
    SQLite's LIKE optimisation skips expressions, so there it is a range of the index.
    """
    lowered = func.lower(column)
    if _postgres():
        return lowered.like(escape_like(prefix) + "%", escape=LIKE_ESCAPE)
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string past every match
    return and_(lowered >= prefix, lowered < following)


def _among(column: ColumnElement[int], ids: Select) -> ColumnElement[bool]:
    """Match column against the ids a subquery finds, as a condition its index can serve.

    Inside an OR PostgreSQL runs `IN (subquery)` as a filter over every row; `= ANY(array)`
    from a one-off subquery is an index condition, so the OR becomes a BitmapOr. SQLite
    serves each IN (subquery) of an OR by its own index already.
    """
    if _postgres():
        found = ids.with_only_columns(func.array_agg(ids.selected_columns[0]))
        # The cast makes it ANY(array), not ANY(subquery), which PostgreSQL reads as IN.
        return column == any_(cast(found.scalar_subquery(), ARRAY(Integer)))
    return column.in_(ids)


def search_clause(q: str, accounts: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
    """Match a reference, the start of an invoice number, or an advertiser's name or ref.

    Each alternative is a condition on the dispute's own indexed columns (its id, invoice,
    advertiser), so each is served by its index on its own and they are OR-ed on the dispute.
    `accounts` narrows the advertisers matched by name to those the searcher may see (Sales:
    their own accounts), so a broad name does not gather every other account's cases first.
    """
    text = q.strip()
    lowered = text.lower()
    invoices = select(Invoice.id).where(_starts_with(Invoice.number, lowered))
    advertisers = select(Advertiser.id).where(  # a small table: read whole, by name or ref
        or_(
            func.lower(Advertiser.name).like(f"%{escape_like(lowered)}%", escape=LIKE_ESCAPE),
            Advertiser.ref == text.upper(),
        )
    )
    if accounts is not None:
        advertisers = advertisers.where(accounts)
    reference = _reference(text)
    return or_(
        *([reference] if reference is not None else []),
        _among(Dispute.invoice_id, invoices),
        _among(Dispute.id, _spanning(text)),
        _among(Dispute.advertiser_id, advertisers),
    )


def _spanning(text: str) -> Select:
    """The cases with lines on the invoice numbered exactly `text`, besides their own: a case
    over several invoices is found by each (by the whole number: a prefix would read the lines
    of every invoice it starts)."""
    return (
        select(DisputedLine.dispute_id)
        .join(InvoiceLine, InvoiceLine.id == DisputedLine.invoice_line_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.number.in_({text, text.upper()}))
    )
