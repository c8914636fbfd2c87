"""gunicorn's settings: `disputedesk serve` reads them (-c python:disputedesk.gunicorn_conf)."""

import os

import gunicorn.http.wsgi

# gunicorn names itself in a Server header on every answer and has no setting to stop it;
# the header tells an attacker what to try, so it says only the product's name.
gunicorn.http.wsgi.SERVER = "disputedesk"

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# Logs: under gunicorn every line is JSON (LOG_FORMAT=text asks for plain text): gunicorn's own
# lines and its access log (with the request id the app answered with) through
# python-json-logger, the app's through its own JSON handler on the root logger.
os.environ.setdefault("LOG_FORMAT", "json")
_JSON = os.environ["LOG_FORMAT"] == "json"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus request_id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "out": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _JSON else "text",
            "stream": "ext://sys.stderr",
        },
    },  # fmt: skip
    # With JSON the root logger is the app's: it adds its own JSON handler (app/ops/logs.py).
    "root": {"level": "INFO", "handlers": [] if _JSON else ["out"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["out"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["out"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server) -> None:  # noqa: ANN001
    """Empty the metrics directory: files of a previous run's processes would add up forever."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and os.path.isdir(folder):
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker) -> None:  # noqa: ANN001
    """A worker that exits leaves its live gauges behind unless marked dead (prometheus-client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
