"""Fixtures of the portal tests: the usual cast, and an agency person who sees its advertiser."""

import pytest
from flask import Flask

from tests.api.helpers import Api
from tests.factories import Cast, Factory
from tests.web.helpers import Web


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app)


@pytest.fixture
def api(client, make: Factory) -> Api:  # noqa: ANN001
    return Api(client, make)


@pytest.fixture
def cast(make: Factory) -> Cast:
    return make.cast()


@pytest.fixture
def person(make: Factory, cast: Cast):  # noqa: ANN201
    """Sees cast.advertiser in the portal, not cast.other_advertiser."""
    return make.portal_person(cast.advertiser, inviter=cast.lead)
