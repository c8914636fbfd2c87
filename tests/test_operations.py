"""Operating the service: health checks, request ids, JSON logs, Prometheus metrics."""

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from disputedesk.app.ops import health
from disputedesk.app.ops.logs import json_handler
from tests.web.helpers import Web


def test_healthz_answers_while_the_process_runs(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_readyz_answers_ready_with_the_database_at_the_migrations_head(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.get_json()["status"] == "ready"


def test_readyz_answers_503_when_migrations_are_behind(client, monkeypatch):
    monkeypatch.setattr(health, "_schema_heads", lambda: {"a_newer_revision"})
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert "migrations not at head" in answer.get_json()["problems"][0]


def test_every_answer_carries_a_request_id_and_keeps_a_sane_one_it_was_sent(client):
    made = client.get("/healthz").headers["X-Request-Id"]
    assert len(made) == 32
    assert (
        client.get("/login", headers={"X-Request-Id": "lb-42"}).headers["X-Request-Id"] == "lb-42"
    )
    odd = client.get("/login", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert odd != "<script>"


def test_logs_are_json_lines_with_the_request_id(app):
    handler = json_handler()
    with app.test_request_context("/queue", headers={"X-Request-Id": "req-7"}):
        app.preprocess_request()
        record = logging.LogRecord("disputedesk", logging.INFO, __file__, 1, "hello", None, None)
        handler.filter(record)
        line = json.loads(handler.format(record))
    assert line["message"] == "hello" and line["level"] == "INFO"
    assert line["request_id"] == "req-7" and line["path"] == "/queue"


def test_metrics_expose_latency_by_route_outbox_depth_open_disputes_and_sweeps(client, make):
    cast = make.cast()
    make.dispute(cast, "escalated")
    make.dispute(cast, "filed")
    client.get("/login")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'disputedesk_request_seconds_count{method="GET",route="/login",status="200"}' in body
    assert 'disputedesk_open_disputes{state="escalated"} 1.0' in body
    assert 'disputedesk_open_disputes{state="filed"} 1.0' in body
    assert "disputedesk_outbox_depth " in body
    assert "disputedesk_sla_sweep_seconds_count" in body


def test_the_outbox_depth_counts_only_what_is_still_to_be_sent_and_dead_is_its_own_gauge(client):
    from disputedesk.app.extensions import db
    from disputedesk.app.models import Outbox

    db.session.add_all([
        Outbox(kind="sla_warning", payload={}, status="pending"),
        Outbox(kind="sla_warning", payload={}, status="retrying", attempts=2),
        Outbox(kind="sla_breach", payload={}, status="dead", attempts=8),
    ])  # fmt: skip
    db.session.commit()
    body = client.get("/metrics").get_data(as_text=True)
    assert "disputedesk_outbox_depth 2.0" in body
    assert "disputedesk_outbox_dead 1.0" in body


def test_metrics_can_require_a_token(client, app):
    app.config["METRICS_TOKEN"] = "scrape-me"
    try:
        assert client.get("/metrics").status_code == 404
        scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    finally:
        app.config["METRICS_TOKEN"] = ""
    assert scraped.status_code == 200


ROLES = ("analyst", "lead", "approver", "viewer", "admin", "integration")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("role", [None, *ROLES[:-1]])
def test_health_checks_answer_everyone_alike_signed_in_or_not(app, make, path, role):
    cast = make.cast()
    client = Web(app)(cast.by_role()[role] if role else None)
    assert client.get(path).status_code == 200


def _get(sock: Path, path: str) -> bytes:
    with socket.socket(socket.AF_UNIX) as conn:
        conn.settimeout(10)
        conn.connect(str(sock))
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        raw = b""
        while chunk := conn.recv(4096):
            raw += chunk
    return raw


def test_gunicorn_names_no_server_version_and_logs_only_json(tmp_path):
    """Serve the real wsgi app with the packaged gunicorn settings: the raw answer's headers,
    every line the server and the app log, and the metrics directory it starts with."""
    root = Path(__file__).resolve().parent.parent
    sock, metrics = tmp_path / "g.sock", tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "histogram_99999.db").write_bytes(b"a dead process's file")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics)}  # fmt: skip
    log = (tmp_path / "stderr.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:disputedesk.gunicorn_conf", "-w", "1",
         "--bind", f"unix:{sock}", "disputedesk.wsgi:app"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90  # a loaded CI machine boots gunicorn slowly
        while not sock.exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.1)
        raw = _get(sock, "/healthz")
        _get(sock, "/login")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    head = raw.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 200")
    assert "Server: disputedesk" in head and "gunicorn" not in head.lower()
    assert "Content-Security-Policy:" in head
    assert not (metrics / "histogram_99999.db").exists()  # emptied when the server started
    lines = [json.loads(x) for x in (tmp_path / "stderr.log").read_text().splitlines() if x]
    assert {x["logger"] for x in lines} >= {"gunicorn.error", "disputedesk.request"}
    [login] = [x for x in lines if x.get("path") == "/login"]
    assert login["status"] == 200 and re.fullmatch(r"[0-9a-f]{32}", login["request_id"])


def test_a_command_line_run_reuses_its_metric_files(tmp_path):
    """Cron runs a command every minute: its metrics are written under the command's name."""
    from disputedesk.app.ops.metrics import process_identity

    assert process_identity(["disputedesk", "sla", "sweep", "--at", "2026-02-02T09:00"],
                            server=False) == "cli-sla-sweep"  # fmt: skip
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    script = "from disputedesk.app.ops.metrics import SWEEP_SECONDS; SWEEP_SECONDS.observe(0.2)"
    for _ in range(3):
        subprocess.run([sys.executable, "-c", script, "sla", "sweep"], env=env, check=True,
                       cwd=Path(__file__).resolve().parent.parent, timeout=120)  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["histogram_cli-sla-sweep.db"]
