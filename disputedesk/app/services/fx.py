"""The FX feed: dated rates in bulk, all or nothing; a day's rate is never rewritten."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, tuple_

from disputedesk.app.extensions import db
from disputedesk.app.models import FxRate, User
from disputedesk.app.services.feeds import FeedResult, RowOutcome
from disputedesk.app.services.write_path import transaction
from disputedesk.workflows import edge
from disputedesk.workflows.errors import Conflict, InvalidInput, NotPermitted
from disputedesk.workflows.money import (
    CURRENCIES,
    REPORTING_CURRENCY,
    BadAmount,
    format_rate,
    parse_rate,
)

MAX_FX_ROWS = 1000
MAX_SOURCE = 80


def _row(index: int, row: Any) -> tuple[str, date, int, str] | dict[str, str]:
    if not isinstance(row, dict):
        return {f"{index}": "each row is an object"}
    errors, at = {}, f"{index}."
    currency, day, rate, source = (row.get(k) for k in ("currency", "effective_on", "rate",
                                                          "source"))  # fmt: skip
    if currency not in CURRENCIES or currency == REPORTING_CURRENCY:
        others = ", ".join(c for c in CURRENCIES if c != REPORTING_CURRENCY)
        errors[at + "currency"] = f"one of {others}"
    try:
        day = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
    except ValueError:
        day = None
    if day is None:
        errors[at + "effective_on"] = "a day such as 2026-11-01"
    try:
        rate = parse_rate(rate)
        if rate <= 0:
            raise BadAmount("must be greater than zero")
    except BadAmount as error:
        errors[at + "rate"] = f"{error}"
    if not isinstance(source, str) or not source.strip():
        errors[at + "source"] = "who published the rate, such as ECB reference rate"
    elif problem := edge.text_problem(source, MAX_SOURCE, single_line=True):
        errors[at + "source"] = problem
    return errors or (currency, day, rate, source.strip())


def record_rates(user: User | None, rows: Sequence[Any], *, dry_run: bool = False) -> FeedResult:
    """Record dated rates; the same rate again is unchanged, another rate for a day on file is
    refused (409), and any bad row refuses the whole feed naming it."""
    if user is not None and not user.can("send_feeds"):
        raise NotPermitted("only the integration user sends feeds")
    if len(rows) > MAX_FX_ROWS:
        raise InvalidInput({"rates": f"at most {MAX_FX_ROWS} rows"})
    parsed, errors = [], {}
    for index, row in enumerate(rows, 1):
        result = _row(index, row)
        (errors.update if isinstance(result, dict) else parsed.append)(result)
    if errors:
        raise InvalidInput(errors)
    keys = [(c, d) for c, d, _, _ in parsed]
    if len(set(keys)) != len(keys):
        raise InvalidInput({"rates": "a currency and day appear twice"})
    with transaction(commit=not dry_run):
        on_file = select(FxRate).where(tuple_(FxRate.currency, FxRate.effective_on).in_(keys))
        held = {(r.currency, r.effective_on): r for r in db.session.scalars(on_file)}
        outcomes = []
        for index, (currency, day, rate, source) in enumerate(parsed, 1):
            key, was = f"{currency} {day}", held.get((currency, day))
            if was is not None and was.rate_micros != rate:
                raise Conflict(f"{key} is on file at {format_rate(was.rate_micros)}: a rate "
                               "once on file is not rewritten (amounts froze it)")  # fmt: skip
            if was is None:
                db.session.add(FxRate(currency=currency, effective_on=day, rate_micros=rate,
                                      source=source))  # fmt: skip
            outcomes.append(RowOutcome(index, key, "unchanged" if was else "created"))
        if dry_run:
            db.session.rollback()
    return FeedResult(outcomes, dry_run)
