"""The shape every dashboard widget shares: a titled table whose numbers link to their cases."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from disputedesk.workflows.money import format_amount


@dataclass(frozen=True)
class Cell:
    """One value; `link` holds the drill-down arguments of the cases behind it."""

    text: str
    value: Any = None  # the number a chart draws (count, minor units, percent)
    link: dict[str, str] | None = None
    numeric: bool = False


@dataclass
class Widget:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    chart: str = ""  # bar, line, stack, pareto, credits: how static/dashboard.js draws it
    series: tuple[int, ...] = ()  # the columns drawn
    line: int | None = None  # a column drawn as a line over the bars
    horizontal: bool = False
    wide: bool = False  # spans the whole row of the grid

    def as_json(self) -> dict[str, Any]:
        """Return the widget as plain data (the API): columns and rows of values."""
        return {
            "name": self.name,
            "title": self.title,
            "columns": self.columns,
            "rows": [
                [c.value if c.value is not None else c.text for c in row] for row in self.rows
            ],
        }


def text(value: str) -> Cell:
    return Cell(str(value), value)


def code(value: str) -> Cell:
    """A vocabulary code shown as words (rate_card_error → rate card error)."""
    return Cell(value.replace("_", " "), value)


def count(n: int, link: dict[str, str] | None = None) -> Cell:
    return Cell(f"{n:,}", n, link if n else None, numeric=True)


def money(minor: int, link: dict[str, str] | None = None) -> Cell:
    whole, cents = format_amount(minor).split(".")
    return Cell(
        f"{int(whole):,}.{cents}", f"{whole}.{cents}", link if minor else None, numeric=True
    )


def percent(part: int, whole: int) -> Cell:
    """A share as a percentage with one decimal, or a dash when there is nothing to divide."""
    if not whole:
        return Cell("–", None, numeric=True)
    share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Cell(f"{share}%", float(share), numeric=True)


def days(value: int | None) -> Cell:
    return Cell("–" if value is None else str(value), value, numeric=True)


def nearest_rank(histogram: dict[int, int], share: Decimal) -> int | None:
    """Return the nearest-rank percentile of a {days: count} histogram (None when empty)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, int((share * total).to_integral_value(rounding="ROUND_CEILING")))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable")
