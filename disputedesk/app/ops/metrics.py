"""Prometheus metrics at /metrics: request latency by route, outbox depth, open disputes by
state, SLA sweep duration. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (prometheus-client's
multiprocess mode) so every worker's numbers add up in one scrape. gunicorn.conf.py empties
the directory when the server starts; a command-line run writes under its command's name
rather than its pid, so cron's runs reuse one set of files instead of adding one a minute.
"""

import os
import sys
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from disputedesk.app.extensions import db
from disputedesk.workflows.dispute import OPEN_STATES


def process_identity(argv: list[str], server: bool) -> str:
    """The name a process's metric files carry: a server worker's pid, a command's words
    ("cli-sla-sweep" for `disputedesk sla sweep --at …`)."""
    if server:
        return str(os.getpid())  # (not used to set the value class: see below)
    words, skip = [], False
    for arg in argv[1:]:
        if skip or arg.startswith("-"):
            skip = arg in ("--app", "-A", "--env-file", "-e") and not skip
            continue
        if arg.replace("-", "").isalnum():
            words.append(arg)
    return "cli-" + ("-".join(words[:3]) or "run")


_SERVER = "gunicorn" in os.environ.get("SERVER_SOFTWARE", "") or "gunicorn" in sys.argv[0]
if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and not _SERVER:  # before the first metric
    # A worker keeps prometheus-client's own pid at write time (a preloaded app forks).
    _identity = process_identity(sys.argv, server=False)
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: _identity)

REQUEST_SECONDS = Histogram(
    "disputedesk_request_seconds", "Time to answer a request, by route",
    ["method", "route", "status"],
)  # fmt: skip
SWEEP_SECONDS = Histogram(
    "disputedesk_sla_sweep_seconds", "Time one SLA sweep took",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60),
)  # fmt: skip
bp = Blueprint("metrics", __name__)


class DatabaseGauges(Collector):
    """Read the outbox depth and the open disputes by state from the database at scrape time."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _read(self) -> tuple[int, int, dict[str, int]]:
        from disputedesk.app.models import Dispute, Outbox

        with self.app.app_context():
            undelivered = select(Outbox.status, func.count()).where(Outbox.delivered_at.is_(None))
            counts = dict(db.session.execute(undelivered.group_by(Outbox.status)).all())
            states = select(Dispute.state, func.count()).where(Dispute.state.in_(OPEN_STATES))
            by_state = dict(db.session.execute(states.group_by(Dispute.state)).all())
        dead = counts.pop("dead", 0)
        return sum(counts.values()), dead, by_state

    def collect(self):  # noqa: ANN201
        try:
            waiting, dead, by_state = self._read()
        except SQLAlchemyError:  # a scrape must answer even when the database does not
            return
        outbox = GaugeMetricFamily(
            "disputedesk_outbox_depth", "Messages waiting to be sent (dead ones are not waiting)"
        )
        outbox.add_metric([], waiting)
        yield outbox
        given_up = GaugeMetricFamily(
            "disputedesk_outbox_dead", "Messages given up on after every attempt: an operator's"
        )
        given_up.add_metric([], dead)
        yield given_up
        open_cases = GaugeMetricFamily(
            "disputedesk_open_disputes", "Open disputes by state", labels=["state"]
        )
        for state in OPEN_STATES:
            open_cases.add_metric([state], by_state.get(state, 0))
        yield open_cases


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None and request.endpoint != "static":
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUEST_SECONDS.labels(request.method, route, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


@bp.get("/metrics")
def metrics():  # noqa: ANN201
    token = current_app.config.get("METRICS_TOKEN")
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        abort(404)  # say nothing about what is here to those without the token
    registry = current_app.extensions["metrics_registry"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _process_registry() -> CollectorRegistry:
    """This process's metrics, or every worker's under prometheus-client's multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def init_app(app: Flask) -> None:
    registry = _process_registry()
    gauges = DatabaseGauges(app)
    scrape = CollectorRegistry()  # this app's database gauges beside the process's metrics
    scrape.register(gauges)
    app.extensions["metrics_registry"] = _Merged(registry, scrape)
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)


class _Merged:
    """Both registries in one scrape: generate_latest only needs `collect`."""

    def __init__(self, *registries: CollectorRegistry) -> None:
        self.registries = registries

    def collect(self):  # noqa: ANN201
        for registry in self.registries:
            yield from registry.collect()
