"""Memo and reversal numbers carry the books' year (America/Chicago), not UTC's: a memo issued
at 19:00 in Chicago on 31 December sits in the December close and is numbered in that year."""

from datetime import UTC, datetime

from disputedesk.app.queries.memos import current_memo
from disputedesk.app.services.reversals import reverse_memo
from tests.close_books import _credit, _file, at


def test_new_years_eve_in_chicago_is_still_the_old_year_for_memos_and_reversals(make):
    cast = make.cast()
    eve = at("2026-12-31", 19)  # 01:00 UTC on 1 January 2027
    assert eve.astimezone(UTC).year == 2027
    late = _file(make, cast, at("2026-12-20"), 100_000)
    _credit(cast, late, "500.00", resolved=at("2026-12-30"), issued=eve)
    memo = current_memo(late)
    assert memo.number == "CM-2026-000001"
    reversal = reverse_memo(memo.id, cast.approver, "credited twice", now=eve)
    assert reversal.number == "RV-2026-000001"

    morning = datetime(2027, 1, 1, 6, 30, tzinfo=UTC)  # 00:30 in Chicago: the new year
    early = _file(make, cast, at("2026-12-21"), 100_000)
    _credit(cast, early, "400.00", resolved=at("2026-12-30"), issued=morning)
    assert current_memo(early).number == "CM-2027-000001"
    again = reverse_memo(current_memo(early).id, cast.approver, "wrong invoice", now=morning)
    assert again.number == "RV-2027-000001"
