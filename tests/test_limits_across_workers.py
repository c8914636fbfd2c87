"""The documented limits hold across gunicorn workers when they share Redis: a token's budget
is one budget however the balancer spreads its calls."""

import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.services.test_signin_throttle import REDIS_URL, redis_reachable

ROOT = Path(__file__).resolve().parent.parent
WORKERS, LIMIT, CALLS = 3, 5, 15


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "disputedesk", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _get(sock: Path, path: str, token: str) -> int:
    with socket.socket(socket.AF_UNIX) as conn:
        conn.settimeout(20)
        conn.connect(str(sock))
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                     "Connection: close\r\n\r\n".encode())  # fmt: skip
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    return int(raw.split(b" ", 2)[1])


def _every_worker_up(sock: Path, log: Path, deadline: float) -> None:
    """Knock on /healthz (no budget) until every worker has answered once."""
    seen: set[str] = set()
    while len(seen) < WORKERS and time.monotonic() < deadline:
        with ThreadPoolExecutor(WORKERS * 2) as pool:
            list(pool.map(lambda _: _get(sock, "/healthz", "none"), range(WORKERS * 2)))
        seen = {json.loads(x)["message"].split()[0] for x in log.read_text().splitlines()
                if x and '"gunicorn.access"' in x}  # fmt: skip
        time.sleep(0.2)


def test_a_tokens_budget_is_one_across_workers_sharing_redis(tmp_path):
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_URL}")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "REDIS_URL": REDIS_URL, "API_RATE_LIMIT": f"{LIMIT} per minute"}  # fmt: skip
    _flask(env, "db", "upgrade")
    _flask(env, "create-user", "erp@w.example", "--role", "integration",
           "--password", "a-long-enough-password")  # fmt: skip
    token = _flask(env, "create-token", "erp@w.example").strip().splitlines()[-1]
    sock = tmp_path / "g.sock"
    log = (tmp_path / "stderr.log").open("wb")
    server = subprocess.Popen(  # the access log names the worker that answered (its pid)
        [sys.executable, "-m", "gunicorn", "-c", "python:disputedesk.gunicorn_conf",
         "-w", str(WORKERS), "--bind", f"unix:{sock}", "--access-logformat", "%(p)s %(U)s",
         "disputedesk.wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not sock.exists() and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.1)
        _every_worker_up(sock, tmp_path / "stderr.log", deadline)
        with ThreadPoolExecutor(CALLS) as pool:  # at once, as a busy integration calls
            statuses = list(pool.map(lambda _: _get(sock, "/api/v1/advertisers", token),
                                     range(CALLS)))  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    lines = [json.loads(x) for x in (tmp_path / "stderr.log").read_text().splitlines() if x]
    workers = {x["message"].split()[0] for x in lines if x["logger"] == "gunicorn.access"
               and x["message"].endswith("/api/v1/advertisers")}  # fmt: skip
    assert len(workers) > 1, "the calls should have reached more than one worker"
    assert statuses.count(200) == LIMIT and statuses.count(429) == CALLS - LIMIT, statuses
