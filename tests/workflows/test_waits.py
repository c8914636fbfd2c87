"""What a case waits on, as rules: the pages show these, never work them out themselves."""

import pytest

from disputedesk.workflows.waits import returned_from_approval


@pytest.mark.parametrize(
    ("state", "memo", "returned"),
    [("investigating", "rejected", True), ("investigating", "issued", False),
     ("investigating", None, False), ("resolved", "rejected", False)],
)  # fmt: skip
def test_a_case_is_returned_from_approval_only_under_investigation_after_a_rejection(
    state, memo, returned
):
    assert returned_from_approval(state, memo) is returned
