"""The list pages and the case page read in a fixed number of SQL queries, however many rows."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import cycle

import pytest
from sqlalchemy import event

from disputedesk.app.extensions import db
from disputedesk.app.models import Contract, DeliveryRecord, Dispute
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.comments import add_comment
from disputedesk.app.services.filing import Filing, file_dispute
from tests.factories import Cast, Factory
from tests.web.helpers import Web, case_refs, text

FEW, MANY = 3, 40


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database while the block runs."""
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def queries_for(client, path: str, expect_rows: int | None = None) -> int:
    with counted_queries() as statements:
        answer = client.get(path)
    assert answer.status_code == 200
    if expect_rows is not None:
        assert len(case_refs(text(answer))) == expect_rows
    return len(statements)


def grow(add: Callable[[], None], existing: list, to: int) -> None:
    while len(existing) < to:
        existing.append(add())


# Each list page: who reads it, and how to add one more row it shows. Rows have their own
# advertiser, and assignees vary, so a lazy load per row could not hide behind the session.
def my_case(make: Factory, cast: Cast, states: Iterator[str]) -> Dispute:
    advertiser = make.advertiser(cast.team)
    return make.dispute(cast, next(states), assignee=cast.analyst, advertiser=advertiser)


def team_case(make: Factory, cast: Cast, states: Iterator[str]) -> Dispute:
    state, assignee = next(states)
    advertiser = make.advertiser(cast.team)
    return make.dispute(cast, state, assignee=assignee, advertiser=advertiser)


def watched_case(make: Factory, cast: Cast, states: Iterator[str]) -> Dispute:
    advertiser = make.advertiser(cast.team, owner=cast.viewer)
    return make.dispute(cast, next(states), advertiser=advertiser)


@pytest.mark.parametrize(
    ("page", "role", "add", "states"),
    [
        ("/queue", "analyst", my_case, ["filed", "investigating", "escalated"]),
        ("/team", "lead", team_case, [("filed", None), ("investigating", "analyst"),
                                      ("escalated", "analyst2")]),
        ("/track?q=Advertiser", "viewer", watched_case, ["filed", "resolved", "escalated"]),
    ],
    ids=["my queue", "team queue", "tracking"],
)  # fmt: skip
def test_a_list_page_issues_the_same_queries_for_3_rows_as_for_40(
    web: Web, make, cast, page, role, add, states
):
    if role == "lead":
        states = [(s, getattr(cast, a) if a else None) for s, a in states]
    rows: list[Dispute] = []
    next_row = cycle(states)
    grow(lambda: add(make, cast, next_row), rows, FEW)
    client = web(getattr(cast, role))
    few = queries_for(client, page, expect_rows=FEW)
    grow(lambda: add(make, cast, next_row), rows, MANY)
    assert queries_for(client, page, expect_rows=MANY) == few


def case_of_size(make: Factory, cast: Cast, lines: int, comments: int) -> Dispute:
    """File a case on `lines` invoice lines, each with its contract and delivery, then talk."""
    invoice = make.invoice(cast.advertiser, amounts=(400_000,) * lines)
    db.session.add(
        Contract(
            advertiser_id=cast.advertiser.id,
            reference=f"IO-{invoice.number}",
            product="display",
            rate_micros=3_500_000_000,
            effective_from=date(2026, 1, 1),
            effective_to=date(2026, 12, 31),
        )
    )
    db.session.add_all(
        DeliveryRecord(
            campaign_ref=line.campaign_ref,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            delivered_units=900,
            invalid_units=20,
        )
        for line in invoice.lines
    )
    db.session.commit()
    filing = Filing(
        invoice_number=invoice.number,
        reason_code="rate_mismatch",
        description="billed above the IO",
        disputed_amount=f"{lines * 100}.00",
        currency="USD",
        lines=tuple((line.line_no, "100.00") for line in invoice.lines),
    )
    dispute = file_dispute(cast.integration, filing)
    assign(dispute.ref, cast.lead, cast.analyst.email)
    authors = cycle([(cast.analyst, "internal"), (cast.viewer, "account_team"),
                     (cast.lead, "account_team")])  # fmt: skip
    for n in range(comments):
        author, visibility = next(authors)
        add_comment(dispute.ref, author, f"note {n}", visibility)
    return dispute


@pytest.mark.parametrize("role", ["lead", "analyst", "viewer"])
def test_the_case_page_issues_the_same_queries_for_a_small_case_as_for_a_big_one(
    web: Web, make, cast, role
):
    client = web(getattr(cast, role))
    small = case_of_size(make, cast, lines=1, comments=2)
    big = case_of_size(make, cast, lines=12, comments=40)
    small_count = queries_for(client, f"/disputes/{small.ref}")
    assert queries_for(client, f"/disputes/{big.ref}") == small_count
    assert "note 38" in text(client.get(f"/disputes/{big.ref}"))  # shared with everyone
