"""The memo lifecycle as data: every declared move, from every status."""

from types import SimpleNamespace

import pytest

from disputedesk.workflows.approvals import (
    MEMO_MOVES,
    MEMO_START,
    MEMO_STATUSES,
    may_move_memo,
    move_memo,
)
from disputedesk.workflows.errors import Conflict

MOVES = [(move, status) for move in MEMO_MOVES for status in MEMO_STATUSES]


def test_a_memo_starts_awaiting_approval_and_can_end_approved_rejected_issued_or_reversed():
    assert MEMO_START == "pending_approval"
    assert set(MEMO_STATUSES) == {"pending_approval", "approved", "rejected", "issued", "reversed"}


def test_only_an_issued_memo_is_reversed_and_only_once():
    memo = SimpleNamespace(status="issued")
    move_memo(memo, "reverse")
    assert memo.status == "reversed"
    with pytest.raises(Conflict):
        move_memo(memo, "reverse")


@pytest.mark.parametrize(("move", "status"), MOVES, ids=lambda x: getattr(x, "name", x))
def test_a_memo_moves_only_from_the_statuses_its_move_declares(move, status):
    memo = SimpleNamespace(status=status)
    if status in move.sources:
        move_memo(memo, move.name)
        assert memo.status == move.dest
    else:
        assert not may_move_memo(status, move.name)
        with pytest.raises(Conflict, match=f"the memo is {status.replace('_', ' ')}"):
            move_memo(memo, move.name)
        assert memo.status == status


def test_an_issued_memo_is_never_issued_twice():
    memo = SimpleNamespace(status="approved")
    move_memo(memo, "issue")
    with pytest.raises(Conflict):
        move_memo(memo, "issue")
