"""The API limits each token's calls and answers 429 with Retry-After as a problem document."""

import pytest

from tests.api.helpers import Api, assert_problem


@pytest.fixture
def three_per_minute(app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    yield
    app.config["API_RATE_LIMIT"] = "600 per minute"


def test_a_token_over_its_limit_gets_429_with_retry_after(api: Api, cast, three_per_minute):
    caller = api(cast.analyst)
    assert [caller.get("/disputes").status_code for _ in range(3)] == [200] * 3
    refused = caller.get("/disputes")
    body = assert_problem(refused, 429)
    assert body["title"] == "Too Many Requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_each_token_has_its_own_budget(api: Api, cast, three_per_minute):
    for _ in range(4):
        api(cast.analyst).get("/disputes")
    assert api(cast.lead).get("/disputes").status_code == 200
