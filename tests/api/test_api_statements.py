"""The API's reads send a fixed number of statements, at most ten, however many rows they return."""

from tests.api.helpers import Api
from tests.factories import Cast, Factory
from tests.web.test_queue_queries import FEW, MANY, counted_queries

MOST = 10


def statements(call) -> int:  # noqa: ANN001
    with counted_queries() as sent:
        answer = call()
    assert answer.status_code == 200
    return len(sent)


def test_the_dispute_list_sends_as_many_statements_for_40_disputes_as_for_3(
    api: Api, make: Factory, cast: Cast
):
    states = ("filed", "investigating", "escalated", "resolved")
    for n in range(FEW):
        make.dispute(cast, states[n % 4], advertiser=make.advertiser(cast.team))
    lead = api(cast.lead)
    lead.get("/disputes")  # the token's first use is logged once; not a read's cost
    few = statements(lambda: lead.get("/disputes?limit=50"))
    for n in range(FEW, MANY):
        make.dispute(cast, states[n % 4], advertiser=make.advertiser(cast.team))
    assert statements(lambda: lead.get("/disputes?limit=50")) == few <= MOST
    assert len(lead.get("/disputes?limit=50").get_json()["items"]) == MANY


def test_one_dispute_reads_in_as_many_statements_when_big_as_when_small(
    api: Api, make: Factory, cast: Cast
):
    small = make.dispute(cast, "investigating", assignee=cast.analyst)
    big = make.dispute(cast, "resolved", assignee=cast.analyst)
    lead = api(cast.lead)
    lead.get(f"/disputes/{small.ref}")
    one = statements(lambda: lead.get(f"/disputes/{small.ref}"))
    assert statements(lambda: lead.get(f"/disputes/{big.ref}")) == one <= MOST
