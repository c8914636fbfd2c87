"""Fixtures of the communication tests: the cast, a live SMTP server wired into the app."""

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.comms.mailbox import Mailbox, smtp_server
from tests.comms.receiver import Receiver, http_receiver
from tests.factories import Cast, Factory
from tests.web.helpers import Web


@pytest.fixture
def cast(make: Factory) -> Cast:
    return make.cast()


@pytest.fixture
def web(app: Flask) -> Web:
    return Web(app)


@pytest.fixture
def mailbox(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server() as box:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", box.port)
        yield box


@pytest.fixture
def receiver(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """An HTTP receiver on loopback, with loopback allowed as a webhook destination."""
    with http_receiver() as found:
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", True)
        yield found


@pytest.fixture
def api(client, make: Factory):  # noqa: ANN001, ANN201
    from tests.api.helpers import Api

    return Api(client, make)
