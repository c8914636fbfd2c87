"""Fixtures of the web tests: the cast of users and a signed-in client per user."""

import pytest
from flask import Flask

from tests.factories import Cast, Factory
from tests.web.helpers import Web


@pytest.fixture
def cast(make: Factory) -> Cast:
    return make.cast()


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app)
