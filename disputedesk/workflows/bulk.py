"""Bulk intake: many disputed lines at once, grouped into cases by one documented rule.

Rule: the lines of one invoice with one reason code make one case (its description and
currency the first row's; its amount the sum of its lines). Rows keep their order; each case
is named by its first row. A line named twice in an upload is refused, as a filing refuses it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 5_000


@dataclass
class Group:
    invoice_number: str
    reason_code: str
    description: str
    currency: str
    rows: list[int] = field(default_factory=list)  # 1-based row numbers of the upload
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line_no, amount)


def group_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Group], dict[str, str]]:
    """The cases the rows make, and every row's problem that grouping finds ("rows[3]")."""
    groups: dict[tuple[str, str], Group] = {}
    seen: dict[tuple[str, int], int] = {}
    problems: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        key = (row["invoice_number"], row["reason_code"])
        line = (row["invoice_number"], row["line_no"])
        if line in seen:
            problems[f"rows[{n}]"] = (
                f"line {row['line_no']} of {row['invoice_number']} is already in rows[{seen[line]}]"
            )
            continue
        seen[line] = n
        group = groups.setdefault(
            key, Group(*key, description=row["description"], currency=row["currency"])
        )
        if row["currency"] != group.currency:
            problems[f"rows[{n}]"] = f"the invoice's other rows are in {group.currency}"
            continue
        group.rows.append(n)
        group.lines.append((row["line_no"], row["amount"]))
    return list(groups.values()), problems
