"""The integration feeds: contracts and delivery records, in bulk, all or nothing."""

from typing import Annotated, Any

from flask import Response, g
from pydantic import Field

from app.api.fields import Answer, Request, one_of
from app.api.registry import operation, reply
from app.services.feeds import FeedResult, import_contracts, import_delivery
from workflows.feeds import MAX_CONTRACTS, MAX_DELIVERY_ROWS

# Each row is checked by the feed service, which answers every bad row with its position.
Row = Annotated[dict[str, Any], Field(description="one row; fields as in the CSV format")]


class ContractFeed(Request):
    contracts: Annotated[list[Row], Field(min_length=1, max_length=MAX_CONTRACTS)]
    dry_run: bool = False


class DeliveryFeed(Request):
    records: Annotated[list[Row], Field(min_length=1, max_length=MAX_DELIVERY_ROWS)]
    dry_run: bool = False


class RowOutcome(Answer):
    index: int
    key: str
    action: one_of(("created", "updated", "unchanged"))
    detail: str


class FeedAnswer(Answer):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    rows: list[RowOutcome]


def _answer(result: FeedResult) -> Response:
    rows = [
        RowOutcome(index=r.index, key=r.key, action=r.action, detail=r.detail) for r in result.rows
    ]
    return reply(FeedAnswer(dry_run=result.dry_run, **result.summary(), rows=rows))


@operation(
    "POST", "/feeds/contracts", summary="Record contracts (idempotent by reference)",
    scope="integration", body=ContractFeed, answers={200: FeedAnswer}, refusals=(403, 409),
)  # fmt: skip
def feed_contracts(body: ContractFeed) -> Response:
    result = import_contracts(g.user, body.contracts, dry_run=body.dry_run, limit=MAX_CONTRACTS)
    return _answer(result)


@operation(
    "POST", "/feeds/delivery", summary="Record delivery records (idempotent by reference)",
    scope="integration", body=DeliveryFeed, answers={200: FeedAnswer}, refusals=(403, 409),
)  # fmt: skip
def feed_delivery(body: DeliveryFeed) -> Response:
    result = import_delivery(g.user, body.records, dry_run=body.dry_run, limit=MAX_DELIVERY_ROWS)
    return _answer(result)
