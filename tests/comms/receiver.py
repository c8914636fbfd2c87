"""A real HTTP receiver on 127.0.0.1 (an ephemeral port) that checks webhook signatures.

It verifies the way the README tells receivers to, with its own HMAC code, not the app's.
"""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    secrets: list[str] = field(default_factory=list)  # one per subscription pointing here
    answer: int = 200
    received: list[Received] = field(default_factory=list)


def signature_ok(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """As the README shows: one t, one or more v1 (two during a secret rotation's overlap)."""
    try:
        pairs = [item.split("=", 1) for item in header.split(",")]
        timestamp = int(dict(pairs)["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return any(hmac.compare_digest(expected.hexdigest(), v) for k, v in pairs if k == "v1")


@contextmanager
def http_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            header = self.headers.get("Disputedesk-Signature", "")
            ok = any(signature_ok(secret, header, body) for secret in receiver.secrets)
            receiver.received.append(Received(dict(self.headers.items()), body, ok))
            self.send_response(receiver.answer if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/disputedesk"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
