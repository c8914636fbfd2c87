"""`python -m bench run --http`: gunicorn on 127.0.0.1 under a bounded concurrent load.

Each read is sent by CLIENTS threads at once, each on its own keep-alive connection, for the
given seconds (and at most MAX_REQUESTS in all). Claim-next is sent by CLAIMERS threads with
the tokens of the team's analysts, and no case may be handed out twice.
"""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from bench.seed import PASSWORD
from disputedesk.app.extensions import db
from disputedesk.app.models import User
from disputedesk.app.services.users import create_token

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, CLAIMERS, MAX_REQUESTS = 8, 16, 20_000
WORKERS = 2 * (os.cpu_count() or 1) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench-" + os.urandom(8).hex()}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "disputedesk.wsgi:app"], cwd=ROOT, env=env)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(port, "/login", {})
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer on 127.0.0.1 within 60 s")


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read(), answer
    finally:
        conn.close()


def sign_in(port: int, email: str) -> dict[str, str]:
    """Sign in through the login form (CSRF token included); return the session header."""
    status, body, answer = get(port, "/login", {})
    cookie = answer.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    form = f"email={email}&password={PASSWORD}" + (f"&csrf_token={token[1].decode()}"
                                                   if token else "")  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/login", body=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status not in (302, 303):
        raise SystemExit(f"{email} could not sign in over HTTP ({answer.status})")
    return {"Cookie": answer.getheader("Set-Cookie", cookie).split(";")[0]}


def load(port: int, method: str, paths: Callable[[], str], headers: list[dict[str, str]],
         seconds: float, expect: int) -> dict:  # fmt: skip
    """Send requests from len(headers) threads for `seconds`; return latencies and answers."""
    latencies: list[float] = []
    answers: list[bytes] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(sent: dict[str, str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop and len(latencies) < MAX_REQUESTS:
            started = time.perf_counter()
            conn.request(method, paths(), headers=sent)
            answer = conn.getresponse()
            body = answer.read()
            with lock:
                latencies.append(time.perf_counter() - started)
                (answers.append(body) if answer.status == expect else failures.append(
                    answer.status))  # fmt: skip
            if answer.status == 204:
                break  # nothing left to claim
        conn.close()

    threads = [threading.Thread(target=client, args=(h,)) for h in headers]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]
    return {"n": len(latencies), "per_second": len(latencies) / elapsed, "answers": answers,
            "median_ms": statistics.median(ordered) * 1000, "failures": failures,
            "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000}  # fmt: skip


def run_http(app: Flask, url: str, sample: Any, seconds: float, markdown: str | None) -> list:
    """Drive gunicorn with the reads and claim-next; print (and append) the table."""
    from bench.ops import file_for_claims

    team = db.session.scalars(select(User).where(User.team_id == sample.analyst.team_id,
                                                 User.role == "analyst")).all()  # fmt: skip
    claimers = [{"Authorization": f"Bearer {create_token(u)}"} for u in team]
    reader = {
        "Authorization": f"Bearer {create_token(db.session.get(User, sample.integration.id))}"
    }
    queued = file_for_claims(app, sample)
    port = free_port()
    server = start_gunicorn(url, port)
    try:
        pages = {"my queue": (sample.analyst, "/queue"), "team queue": (sample.lead, "/team"),
                 "approvals inbox": (sample.approver, "/approvals"),
                 "case page": (sample.lead, f"/disputes/{sample.case_ref}")}  # fmt: skip
        rows = []
        for name, (person, path) in pages.items():
            session = sign_in(port, person.email)
            rows.append((name, load(port, "GET", lambda p=path: p, [session] * CLIENTS,
                                    seconds, 200)))  # fmt: skip
        rows.append(("API get one dispute", load(
            port, "GET", lambda: f"/api/v1/disputes/{sample.case_ref}", [reader] * CLIENTS,
            seconds, 200)))  # fmt: skip
        claims = load(
            port,
            "POST",
            lambda: "/api/v1/disputes/claim-next",
            [claimers[i % len(claimers)] for i in range(CLAIMERS)],
            seconds,
            200,
        )
        refs = [re.search(rb'"ref":\s*"(DSP-\d+)"', a)[1] for a in claims["answers"]]
        assert len(refs) == len(set(refs)), "a case was handed out twice"
        rows.append((f"claim-next, {CLAIMERS} claimers ({len(refs)} of {queued} claimed)", claims))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [f"over HTTP: gunicorn -w {WORKERS} on 127.0.0.1, {CLIENTS} concurrent clients, "
             f"{seconds:g} s each", "", "| operation | requests/s | median ms | p95 ms | "
             "requests | failures |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, r in rows:
        lines.append(f"| {name} | {r['per_second']:.0f} | {r['median_ms']:.1f} | "
                     f"{r['p95_ms']:.1f} | {r['n']} | {len(r['failures'])} |")  # fmt: skip
    print("\n".join(lines))
    if markdown:
        with open(markdown, "a") as out:
            out.write("\n".join(lines) + "\n\n")
    return rows
