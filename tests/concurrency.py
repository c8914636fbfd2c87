"""Real concurrent requests: the app served by a threaded werkzeug server, callers released at once.

Each request runs in its own server thread with its own app context, database session and
connection, as under gunicorn; a threading.Barrier lets every caller go at the same instant.
"""

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from disputedesk.app.extensions import db

TIMEOUT = 30  # seconds; a request that waits this long on a lock is a deadlock, not a race


# SQLite serialises every writer, so there is no race to lose; the PostgreSQL run has them.
postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="real concurrent requests need PostgreSQL (set TEST_DATABASE_URL)",
)


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve the app on an ephemeral port of 127.0.0.1; yield its base URL."""
    db.session.commit()  # let the server's sessions see what the test set up
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(TIMEOUT)
        db.session.expire_all()


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> Reply:
    """Send one JSON request with a bearer token; return status and decoded body."""
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return Reply(response.status, json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as error:
        return Reply(error.code, json.loads(error.read() or b"{}"))


def race(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run the calls in threads released together by one barrier; return their replies."""
    barrier = threading.Barrier(len(calls))

    def go(fn: Callable[[], Reply]) -> Reply:
        barrier.wait(TIMEOUT)
        return fn()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(go, calls))
