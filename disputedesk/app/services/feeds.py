"""Contract and delivery feeds: typed rows, idempotent by external reference, all or nothing."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Contract, DeliveryRecord, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.scan_scope import invoices_under_contracts, invoices_under_delivery
from disputedesk.app.services.assurance_scan import scan_invoices
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows import feeds
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.feeds import ContractIn, DeliveryIn, FeedRowError

CONTRACT_FIELDS = (
    "unit_kind",
    "rate_micros",
    "discount_bp",
    "cap_units",
    "cap_amount",
    "makegood_units",
    "effective_from",
    "effective_to",
)
DELIVERY_FIELDS = (
    "campaign_ref",
    "source",
    "period_start",
    "period_end",
    "delivered_units",
    "invalid_units",
)


@dataclass(frozen=True)
class RowOutcome:
    index: int  # 1-based position in the request or file
    key: str  # the external reference the row is known by
    action: str  # created, updated, unchanged
    detail: str = ""


@dataclass(frozen=True)
class FeedResult:
    rows: list[RowOutcome]
    dry_run: bool

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("created", "updated", "unchanged")}


def _allowed(user: User | None) -> None:
    if user is not None and not user.can("send_feeds"):
        raise NotPermitted("only the integration user sends feeds")


def _read(rows: object, reader: Any, name: str, limit: int | None) -> tuple[list, dict]:
    """Read every row; return (index, record) of the good ones and the errors of the others."""
    if not isinstance(rows, list) or not rows:
        raise InvalidInput({name: "a list of at least one row"})
    if limit is not None and len(rows) > limit:
        raise InvalidInput({name: f"at most {limit:,} rows a request; split the batch"})
    parsed, errors = [], {}
    for i, row in enumerate(rows, start=1):
        try:
            parsed.append((i, reader(row)))
        except FeedRowError as error:
            errors[f"{name}[{i}]"] = str(error)
    return parsed, errors


def import_contracts(
    user: User | None, rows: object, *, dry_run: bool = False, limit: int | None = None
) -> FeedResult:
    """Record contract versions with their lines; a version already recorded is unchanged."""
    _allowed(user)
    wanted: Sequence[tuple[int, ContractIn]]
    wanted, errors = _read(rows, feeds.contract, "contracts", limit)
    refs = {c.advertiser_ref for _, c in wanted}
    advertisers = {
        a.ref: a for a in db.session.scalars(select(Advertiser).where(Advertiser.ref.in_(refs)))
    }
    keys = {
        (advertisers[c.advertiser_ref].id, c.reference, c.version)
        for _, c in wanted
        if c.advertiser_ref in advertisers
    }
    existing: dict[tuple, list[Contract]] = {}
    if keys:
        for row in db.session.scalars(
            select(Contract).where(
                tuple_(Contract.advertiser_id, Contract.reference, Contract.version).in_(keys)
            )
        ):
            existing.setdefault((row.advertiser_id, row.reference, row.version), []).append(row)
    outcomes, seen, touched = [], set(), []
    for i, c in wanted:
        where = f"contracts[{i}]"
        advertiser = advertisers.get(c.advertiser_ref)
        if advertiser is None:
            errors[where] = f"no advertiser {c.advertiser_ref!r}"
            continue
        key = (advertiser.id, c.reference, c.version)
        if key in seen:
            errors[where] = f"{c.key} is twice in this request"
            continue
        seen.add(key)
        stored = existing.get(key)
        if stored is None:
            db.session.add_all(_contract_rows(advertiser, c))
            touched.append((advertiser.id, min(x.effective_from for x in c.lines),
                            max(x.effective_to for x in c.lines)))  # fmt: skip
            outcomes.append(RowOutcome(i, c.key, "created", f"{len(c.lines)} lines"))
        elif _same_terms(stored, c):
            outcomes.append(RowOutcome(i, c.key, "unchanged"))
        else:
            errors[where] = f"{c.key} is recorded with other terms; an amendment is a new version"
    return _finish(errors, outcomes, dry_run, lambda: invoices_under_contracts(touched))


def _contract_rows(advertiser: Advertiser, c: ContractIn) -> list[Contract]:
    return [
        Contract(
            advertiser_id=advertiser.id,
            reference=c.reference,
            version=c.version,
            tolerance_bp=c.tolerance_bp,
            delivery_source=c.delivery_source,
            currency=c.currency,
            product=line.product,
            campaign_ref=line.campaign_ref,
            **{f: getattr(line, f) for f in CONTRACT_FIELDS},
        )
        for line in c.lines
    ]


def _same_terms(stored: list[Contract], c: ContractIn) -> bool:
    def terms(row: Any) -> tuple:
        return (row.product, row.campaign_ref, *(getattr(row, f) for f in CONTRACT_FIELDS))

    head = {(r.tolerance_bp, r.delivery_source, r.currency) for r in stored}
    same_lines = sorted(map(terms, stored)) == sorted(map(terms, c.lines))
    return head == {(c.tolerance_bp, c.delivery_source, c.currency)} and same_lines


def import_delivery(
    user: User | None, rows: object, *, dry_run: bool = False, limit: int | None = None
) -> FeedResult:
    """Record delivery rows by external reference; a restated row (same ref) is updated."""
    _allowed(user)
    wanted: Sequence[tuple[int, DeliveryIn]]
    wanted, errors = _read(rows, feeds.delivery, "records", limit)
    by_ref = {}
    for chunk in _chunks(sorted({d.external_ref for _, d in wanted}), 900):
        by_ref |= {
            r.external_ref: r
            for r in db.session.scalars(
                select(DeliveryRecord).where(DeliveryRecord.external_ref.in_(chunk))
            )
        }
    slots = {}  # (campaign, source, start, end) → external ref, to refuse a second row there
    for chunk in _chunks(sorted({d.campaign_ref for _, d in wanted}), 900):
        for r in db.session.scalars(
            select(DeliveryRecord).where(DeliveryRecord.campaign_ref.in_(chunk))
        ):
            slots[(r.campaign_ref, r.source, r.period_start, r.period_end)] = r.external_ref
    outcomes, seen, touched = [], set(), []
    for i, d in wanted:
        where, slot = f"records[{i}]", (d.campaign_ref, d.source, d.period_start, d.period_end)
        if d.external_ref in seen:
            errors[where] = f"{d.external_ref} is twice in this request"
            continue
        seen.add(d.external_ref)
        if slots.get(slot, d.external_ref) != d.external_ref:
            errors[where] = (
                f"{slots[slot] or 'a row without a reference'} already covers "
                f"{d.campaign_ref} {d.source} {d.period_start} – {d.period_end}"
            )
            continue
        slots[slot] = d.external_ref
        stored = by_ref.get(d.external_ref)
        values = {f: getattr(d, f) for f in DELIVERY_FIELDS}
        if stored is None or any(getattr(stored, f) != v for f, v in values.items()):
            touched.append((d.campaign_ref, d.period_start, d.period_end))
            if stored is not None:  # a restatement also changes what its old slot said
                touched.append((stored.campaign_ref, stored.period_start, stored.period_end))
        if stored is None:
            db.session.add(DeliveryRecord(external_ref=d.external_ref, **values))
            outcomes.append(RowOutcome(i, d.external_ref, "created"))
        elif all(getattr(stored, f) == v for f, v in values.items()):
            outcomes.append(RowOutcome(i, d.external_ref, "unchanged"))
        else:
            changed = [f for f, v in values.items() if getattr(stored, f) != v]
            detail = ", ".join(f"{f} {getattr(stored, f)} → {values[f]}" for f in changed)
            for f in changed:
                setattr(stored, f, values[f])
            outcomes.append(RowOutcome(i, d.external_ref, "updated", detail))
    return _finish(errors, outcomes, dry_run, lambda: invoices_under_delivery(touched))


def _position(where: str) -> int:
    return int(where.rpartition("[")[2].rstrip("]") or 0)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _finish(
    errors: dict[str, str], outcomes: list[RowOutcome], dry_run: bool, affected: Callable
) -> FeedResult:
    if errors:
        db.session.rollback()
        raise InvalidInput(dict(sorted(errors.items(), key=lambda e: _position(e[0]))))
    if dry_run:
        db.session.rollback()
    else:
        # what the feed changes about what invoices should have said is scanned with it
        with transaction(lost_race="the same rows were fed at the same moment"):
            db.session.flush()
            scan_invoices(affected(), utcnow())
    return FeedResult(outcomes, dry_run)
