"""A request id on every request and answer, and logs as one JSON object per line."""

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID = "X-Request-Id"
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a balancer's id is kept if it looks sane


class RequestContext(logging.Filter):
    """Add the request id, method and path to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", None)
            record.method, record.path = request.method, request.path
        return True


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestContext())
    handler.disco_json = True  # the mark that this handler is ours: installed once per process
    return handler


def configure_json_logging() -> None:
    """Send the process's logs to stderr as JSON lines (once, however many apps are built)."""
    root = logging.getLogger()
    if not any(getattr(h, "disco_json", False) for h in root.handlers):
        root.addHandler(json_handler())
    root.setLevel(logging.INFO)


def _begin() -> None:
    sent = request.headers.get(REQUEST_ID, "")
    g.request_id = sent if ACCEPTED_ID.match(sent) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID] = g.get("request_id") or uuid.uuid4().hex
    if request.endpoint not in ("static", "ops.healthz"):
        elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
        logging.getLogger("disputedesk.request").info(
            "request",
            extra={
                "status": response.status_code,
                "duration_ms": round(elapsed_ms, 1),
                "endpoint": request.endpoint,
            },  # fmt: skip
        )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    if app.config.get("LOG_JSON"):
        configure_json_logging()
