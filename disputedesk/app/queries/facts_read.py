"""Reading the pre-aggregated facts under a filter set: the widgets' one query shape.

A question is answered from the weekly rollups when one cuboid holds every dimension it is cut
or grouped by (workflows/insight.py): whole weeks of the period come from the rollups, the
days of a week the period only partly covers from the daily facts. A question cut by two of
reason, product, currency and tier at once reads the daily facts alone. Either way the sums
are the same; only the number of rows read differs.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import BigInteger, cast, func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import DisputeFact, FactRollup
from disputedesk.app.queries.insight_filters import InsightFilters, monday
from disputedesk.workflows.insight import DAY_GRAIN, NO_DAY, cuboid_for

FILTERS = ("team_id", "reason_code", "product", "tier", "currency")


def facts_sum(f: InsightFilters, kinds: tuple[str, ...], *group, period: bool = True) -> list:  # noqa: ANN002
    """Sum the facts of these kinds under the filters, grouped by kind and `group`.

    `group` names DisputeFact columns; each row is (kind, *group values, count, amount). Grouped
    by day, a kind summed by week may come as its week's Monday: callers count weeks by Monday.
    """
    names = [column.key for column in group]
    cuboid = cuboid_for({n for n in FILTERS if getattr(f, n)} | set(names))
    if cuboid is None:
        return _sum(DisputeFact, None, f, kinds, names, (f.start, f.end) if period else None)
    if not period or set(kinds) <= DAY_GRAIN:
        return _sum(FactRollup, cuboid, f, kinds, names, (f.start, f.end) if period else None)
    if set(kinds) & DAY_GRAIN:
        raise ValueError("kinds read by day and kinds read by week are summed apart")
    whole, edges = split_weeks(f.start, f.end)
    rows = _sum(FactRollup, cuboid, f, kinds, names, whole) if whole else []
    for edge in edges:
        rows += _sum(DisputeFact, None, f, kinds, names, edge)
    return merged(rows) if edges and whole else rows


def top_buckets(f: InsightFilters, kind: str, limit: int) -> list[tuple[int, int, int]]:
    """The buckets (advertisers) with the largest open sums of a kind that has no day."""
    cuboid = cuboid_for({n for n in FILTERS if getattr(f, n)})
    model = DisputeFact if cuboid is None else FactRollup
    amount = total(model.amount if f.currency else model.reporting_amount)
    query = select(model.bucket, total(model.n), amount).where(
        model.kind == kind, model.day == NO_DAY
    )
    if cuboid is not None:
        query = in_cuboid(query, cuboid)
    query = cut(query, f, model).group_by(model.bucket).having(total(model.n) > 0)
    query = query.order_by(amount.desc(), model.bucket).limit(limit)
    return [tuple(row) for row in db.session.execute(query)]


def currency_sums(kinds: tuple[str, ...], start: date, end: date) -> list[tuple]:
    """(kind, currency, amount, amount in the reporting currency) over [start, end], all teams."""
    whole, edges = split_weeks(start, end)
    parts = [(FactRollup, whole)] if whole else []
    parts += [(DisputeFact, edge) for edge in edges]
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for model, days in parts:
        query = select(
            model.kind, model.currency, total(model.amount), total(model.reporting_amount)
        ).where(model.kind.in_(kinds), model.day.between(*days))
        if model is FactRollup:
            query = in_cuboid(query, "currency")
        for kind, currency, amount, reporting in db.session.execute(
            query.group_by(model.kind, model.currency)
        ):
            out[kind, currency][0] += amount
            out[kind, currency][1] += reporting
    return [(kind, currency, a, r) for (kind, currency), (a, r) in out.items()]


def split_weeks(start: date, end: date) -> tuple[tuple[date, date] | None, list]:
    """Cut [start, end] into its whole weeks (Monday to Sunday) and the days either side."""
    first = monday(start) + timedelta(weeks=1) if start.weekday() else start
    last = monday(end) - timedelta(days=1) if end.weekday() != 6 else end
    if first > last:
        return None, [(start, end)]
    edges = [(start, first - timedelta(days=1))] if first > start else []
    edges += [(last + timedelta(days=1), end)] if last < end else []
    return (first, last), edges


def merged(rows: list) -> list:
    """Add up rows with the same kind and group values (from the rollups and the days)."""
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        sums = out[tuple(row[:-2])]
        sums[0] += row[-2]
        sums[1] += row[-1]
    return [(*key, n, amount) for key, (n, amount) in out.items()]


def _sum(model: type, cuboid: str | None, f: InsightFilters, kinds, names, days) -> list:  # noqa: ANN001
    group = [getattr(model, name) for name in names]
    amount = model.amount if f.currency else model.reporting_amount
    query = select(model.kind, *group, total(model.n), total(amount)).where(model.kind.in_(kinds))
    if cuboid is not None:
        query = in_cuboid(query, cuboid)
    if days is not None:
        query = query.where(model.day.between(*days))
    query = cut(query, f, model)
    return [tuple(row) for row in db.session.execute(query.group_by(model.kind, *group))]


def in_cuboid(query, cuboid: str):  # noqa: ANN001,ANN201
    """Narrow a rollups query to one cuboid, saying what it drops so the index is a range."""
    kept = cuboid.split("+")
    query = query.where(FactRollup.cuboid == cuboid)
    for name in FILTERS:
        if name not in kept:
            query = query.where(getattr(FactRollup, name) == (0 if name == "team_id" else ""))
    return query


def cut(query, f: InsightFilters, model: type = DisputeFact):  # noqa: ANN001,ANN202
    """Narrow a facts query to the filters' team, reason, product, tier and currency."""
    for name in FILTERS:
        if value := getattr(f, name):
            query = query.where(getattr(model, name) == value)
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
