"""The integration feeds: contracts, delivery records and FX rates, in bulk, all or nothing."""

from datetime import date
from typing import Annotated, Any

from flask import Response, g
from pydantic import ConfigDict, Field

from disputedesk.app.api.fields import Answer, Currency, Request, one_of
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.queries.fx import rates
from disputedesk.app.services.feeds import FeedResult, import_contracts, import_delivery
from disputedesk.app.services.fx import MAX_FX_ROWS, record_rates
from disputedesk.workflows.codes import DELIVERY_SOURCES, PRODUCTS, UNIT_KINDS
from disputedesk.workflows.feeds import MAX_CONTRACTS, MAX_DELIVERY_ROWS
from disputedesk.workflows.money import CURRENCIES, format_rate

# The rows' fields are declared here (names, what each holds); their values are checked by the
# feed service, which answers every bad row with its position and the CSV format's message, and
# takes numbers and dates as JSON numbers or as the CSV's text.
Text = str | None
Choice = Annotated[str | None, Field(description="one of the values listed")]
Whole = Annotated[int | str | None, Field(description="a whole number (or its digits as text)")]
Day = Annotated[str | None, Field(description="a date, YYYY-MM-DD")]
Decimal = Annotated[str | int | float | None, Field(description='a decimal such as "6.50"')]


class Row(Request):
    model_config = ConfigDict(extra="forbid", strict=False)


class ContractLineRow(Row):
    product: Choice = Field(None, description="one of " + ", ".join(PRODUCTS))
    campaign_ref: Text = None
    unit_kind: Choice = Field(None, description="one of " + ", ".join(UNIT_KINDS))
    rate: Decimal = None
    discount_bp: Whole = None
    cap_units: Whole = None
    cap_amount: Decimal = None
    makegood_units: Whole = None
    effective_from: Day = Field(None, description="default: the contract's")
    effective_to: Day = Field(None, description="default: the contract's")


class ContractRow(Row):
    advertiser_ref: Text = None
    reference: Text = Field(None, description="the insertion order; with version, the key")
    version: Whole = None
    tolerance_bp: Whole = None
    delivery_source: Choice = Field(None, description="one of " + ", ".join(DELIVERY_SOURCES))
    currency: Choice = Field(None, description="one of " + ", ".join(CURRENCIES))
    effective_from: Day = None
    effective_to: Day = None
    lines: list[ContractLineRow] | None = None


class DeliveryRow(Row):
    external_ref: Text = Field(None, description="the delivery source's id: the key")
    campaign_ref: Text = None
    source: Choice = Field(None, description="one of " + ", ".join(DELIVERY_SOURCES))
    period_start: Day = None
    period_end: Day = None
    delivered_units: Whole = None
    invalid_units: Whole = None


class FxRow(Row):
    currency: Choice = Field(None, description="a currency other than USD")
    effective_on: Day = None
    rate: Decimal = Field(None, description="units of USD per unit, such as 0.7301")
    source: Text = Field(None, description="where the rate comes from, such as ECB")


class ContractFeed(Request):
    contracts: Annotated[list[ContractRow], Field(min_length=1, max_length=MAX_CONTRACTS)]
    dry_run: bool = False


class DeliveryFeed(Request):
    records: Annotated[list[DeliveryRow], Field(min_length=1, max_length=MAX_DELIVERY_ROWS)]
    dry_run: bool = False


def _rows(rows: list[Row]) -> list[dict[str, Any]]:
    return [r.model_dump(exclude_none=True) for r in rows]


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
    result = import_contracts(
        g.user, _rows(body.contracts), dry_run=body.dry_run, limit=MAX_CONTRACTS
    )
    return _answer(result)


@operation(
    "POST", "/feeds/delivery", summary="Record delivery records (idempotent by reference)",
    scope="integration", body=DeliveryFeed, answers={200: FeedAnswer}, refusals=(403, 409),
)  # fmt: skip
def feed_delivery(body: DeliveryFeed) -> Response:
    result = import_delivery(
        g.user, _rows(body.records), dry_run=body.dry_run, limit=MAX_DELIVERY_ROWS
    )
    return _answer(result)


class FxFeed(Request):
    """Rows of currency, effective_on (YYYY-MM-DD), rate (USD per unit) and source."""

    rates: Annotated[list[FxRow], Field(min_length=1, max_length=MAX_FX_ROWS)]
    dry_run: bool = False


class FxRateDoc(Answer):
    currency: Currency
    effective_on: date
    rate: str = Field(description="units of USD per unit of the currency, such as 0.7301")
    source: str


class FxRateList(Answer):
    items: list[FxRateDoc]


class FxQuery(Request):
    model_config = ConfigDict(extra="forbid", strict=False)

    currency: Currency | None = None


@operation(
    "POST", "/feeds/fx-rates", summary="Record dated FX rates (a day's rate is never rewritten)",
    scope="integration", body=FxFeed, answers={200: FeedAnswer}, refusals=(403, 409),
)  # fmt: skip
def feed_fx_rates(body: FxFeed) -> Response:
    return _answer(record_rates(g.user, _rows(body.rates), dry_run=body.dry_run))


@operation(
    "GET", "/fx-rates", summary="The dated FX rates on file, newest first per currency",
    scope="read", query=FxQuery, answers={200: FxRateList},
)  # fmt: skip
def fx_rates(query: FxQuery) -> Response:
    items = [
        FxRateDoc(currency=r.currency, effective_on=r.effective_on,
                  rate=format_rate(r.rate_micros), source=r.source)
        for r in rates(query.currency)
    ]  # fmt: skip
    return reply(FxRateList(items=items))
