"""A feed's contract line is refused by name for a wrong unit kind, never crashes on it."""

from datetime import date

import pytest

from disputedesk.workflows.feeds import FeedRowError, contract_line

ROW = {"product": "display", "rate": "12.00"}
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_a_line_without_a_unit_kind_takes_the_products():
    assert contract_line(ROW, *YEAR).unit_kind is None


def test_a_wrong_unit_kind_is_refused_naming_the_choices():
    with pytest.raises(FeedRowError, match="unit_kind is one of cpm"):
        contract_line({**ROW, "unit_kind": "bogus"}, *YEAR)
