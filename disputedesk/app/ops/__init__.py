"""Running the service: health checks, request ids and JSON logs, Prometheus metrics."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the health checks, the request-id and logging hooks, and /metrics."""
    from disputedesk.app.ops import health, logs, metrics

    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(health.bp)
