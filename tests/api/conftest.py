"""Fixtures of the API tests: an `api` caller and the usual cast of users."""

import pytest
from flask.testing import FlaskClient

from tests.api.helpers import Api
from tests.factories import Cast, Factory


@pytest.fixture
def api(client: FlaskClient, make: Factory) -> Api:
    return Api(client, make)


@pytest.fixture
def cast(make: Factory) -> Cast:
    return make.cast()
