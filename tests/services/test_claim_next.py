"""Claiming the next case hands each case to exactly one analyst."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, User
from disputedesk.app.services.assignment import claim_next
from disputedesk.workflows.errors import NotPermitted


def test_claim_takes_the_most_urgent_then_the_oldest_case_of_my_team(make):
    cast = make.cast()
    old_p3 = make.dispute(cast, amount=150_000)
    p1 = make.dispute(cast, amount=15_000_000)
    make.dispute(cast, amount=150_000)
    other_team = make.advertiser(cast.other_team)
    make.dispute(cast, advertiser=other_team, amount=50_000_000)
    assert claim_next(cast.analyst).id == p1.id
    assert claim_next(cast.analyst2).id == old_p3.id


def test_claim_skips_assigned_and_closed_cases_and_answers_none_when_empty(make):
    cast = make.cast()
    make.dispute(cast, "investigating")
    make.dispute(cast, "resolved")
    assert claim_next(cast.analyst) is None


@pytest.mark.parametrize("role", ["viewer", "approver", "admin", "integration"])
def test_only_team_workers_claim(make, role):
    cast = make.cast()
    make.dispute(cast)
    with pytest.raises(NotPermitted):
        claim_next(cast.by_role()[role])


def test_many_concurrent_claimers_never_get_the_same_case(app, make):
    cast = make.cast()
    cases = [make.dispute(cast).id for _ in range(12)]
    claimers = [cast.analyst.id, cast.analyst2.id] + [
        make.user("analyst", cast.team).id for _ in range(6)
    ]
    db.session.remove()

    def claim_all(user_id: int) -> list[int]:
        claimed = []
        with app.app_context():
            user = db.session.get(User, user_id)
            while (dispute := claim_next(user)) is not None:
                claimed.append(dispute.id)
            db.session.remove()
        return claimed

    with ThreadPoolExecutor(max_workers=len(claimers)) as pool:
        results = list(pool.map(claim_all, claimers))
    claimed = [case for result in results for case in result]
    assert sorted(claimed) == sorted(cases)  # every case once, none twice
    owners = dict(db.session.execute(select(Dispute.id, Dispute.assignee_id)).all())
    for user_id, result in zip(claimers, results, strict=True):
        assert all(owners[case] == user_id for case in result)
