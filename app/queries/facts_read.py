"""Reading the pre-aggregated facts under a filter set: the widgets' one query shape."""

from datetime import date, timedelta

from sqlalchemy import BigInteger, cast, func, select

from app.extensions import db
from app.models import DisputeFact
from app.queries.insight_filters import InsightFilters, monday
from workflows.insight import NO_DAY


def facts_sum(f: InsightFilters, kinds: tuple[str, ...], *group, period: bool = True):  # noqa: ANN002,ANN202
    """Sum the facts of these kinds under the filters, grouped by kind and `group`."""
    amount = DisputeFact.amount if f.currency else DisputeFact.reporting_amount
    query = select(DisputeFact.kind, *group, total(DisputeFact.n), total(amount)).where(
        DisputeFact.kind.in_(kinds)
    )
    if period:
        query = query.where(DisputeFact.day.between(f.start, f.end))
    query = cut(query, f)
    return db.session.execute(query.group_by(DisputeFact.kind, *group)).all()


def cut(query, f: InsightFilters):  # noqa: ANN001,ANN202
    """Narrow a facts query to the filters' team, reason, product, tier and currency."""
    for column, value in (
        (DisputeFact.team_id, f.team_id),
        (DisputeFact.reason_code, f.reason_code),
        (DisputeFact.product, f.product),
        (DisputeFact.tier, f.tier),
        (DisputeFact.currency, f.currency),
    ):
        if value:
            query = query.where(column == value)
    return query


def weeks(f: InsightFilters) -> list[date]:
    """Return the Mondays of the weeks the period touches."""
    first, out = monday(f.start), []
    while first <= f.end:
        out.append(first)
        first += timedelta(weeks=1)
    return out


def week_arg(week: date) -> dict[str, str]:
    return {"week": week.isoformat()}


def before_period(f: InsightFilters, kinds: tuple[str, ...]):  # noqa: ANN202
    """Sum the facts of these kinds before the period (every day since the first)."""
    shifted = InsightFilters(**{**f.__dict__, "start": NO_DAY, "end": f.start - timedelta(days=1)})
    return [(kind, n, amount) for kind, n, amount in facts_sum(shifted, kinds)]


def total(column):  # noqa: ANN001,ANN201
    """SUM as a whole number (PostgreSQL sums BIGINT into NUMERIC, which reads as Decimal)."""
    return cast(func.sum(column), BigInteger)
