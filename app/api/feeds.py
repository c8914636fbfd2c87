"""The integration feeds: contracts and delivery records, in bulk, all or nothing."""

from flask import Response, g, jsonify

from app.api.blueprint import bp
from app.api.requests import json_body
from app.services.feeds import FeedResult, import_contracts, import_delivery
from workflows.errors import InvalidInput
from workflows.feeds import MAX_CONTRACTS, MAX_DELIVERY_ROWS


def _dry_run(body: dict) -> bool:
    value = body.get("dry_run", False)
    if type(value) is not bool:
        raise InvalidInput({"dry_run": "true or false"})
    return value


def _answer(result: FeedResult) -> Response:
    return jsonify(
        dry_run=result.dry_run,
        **result.summary(),
        rows=[
            {"index": r.index, "key": r.key, "action": r.action, "detail": r.detail}
            for r in result.rows
        ],
    )


@bp.post("/feeds/contracts")
def feed_contracts() -> Response:
    body = json_body()
    result = import_contracts(
        g.user, body.get("contracts"), dry_run=_dry_run(body), limit=MAX_CONTRACTS
    )
    return _answer(result)


@bp.post("/feeds/delivery")
def feed_delivery() -> Response:
    body = json_body()
    result = import_delivery(
        g.user, body.get("records"), dry_run=_dry_run(body), limit=MAX_DELIVERY_ROWS
    )
    return _answer(result)
