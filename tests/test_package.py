"""The package an operator installs: the built wheel, in a fresh virtualenv outside the source
tree, runs its command, migrates a database and serves pages and static files on its own."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the package is the same on either database: built and served once, on SQLite",
)


def _run(*command: str | Path, cwd: Path, env: dict | None = None, timeout: int = 600) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, timeout=timeout,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT, cwd=out)
    return next(out.glob("disputedesk-*.whl"))


def test_the_wheel_holds_the_package_with_its_templates_static_and_migrations_and_nothing_else(
    wheel,
):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("disputedesk-")}
    assert tops == {"disputedesk"}  # no top-level `app`, `workflows`, `config` or `tests`
    for needed in ("disputedesk/templates/base.html", "disputedesk/static/htmx.min.js",
                   "disputedesk/migrations/env.py", "disputedesk/migrations/alembic.ini",
                   "disputedesk/wsgi.py", "disputedesk/gunicorn_conf.py"):  # fmt: skip
        assert needed in names
    versions = [n for n in names if n.startswith("disputedesk/migrations/versions/")]
    assert len(versions) == len(list((ROOT / "disputedesk/migrations/versions").glob("*.py")))
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "disputedesk = disputedesk.__main__:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback only)
        return answer.status, answer.read()


def test_the_installed_wheel_runs_its_command_migrates_and_serves_a_page(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin/pip", "install", "-q", wheel, cwd=tmp_path, timeout=900)
    site = tmp_path / "site"  # a deployment's own folder: nothing of the source tree in reach
    site.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "DISPUTEDESK_INSTANCE": str(site / "instance"),
           "DATABASE_URL": f"sqlite:///{site / 'live.db'}"}  # fmt: skip
    usage = _run(venv / "bin/disputedesk", "--help", cwd=site, env=env)
    for command in ("db", "seed-demo", "sla", "outbox", "audit", "close", "serve"):
        assert f"  {command} " in usage
    _run(venv / "bin/disputedesk", "db", "upgrade", cwd=site, env=env)
    _run(venv / "bin/disputedesk", "create-user", "ops@example.com", "--role", "admin",
         "--password", "a long enough password", cwd=site, env=env)  # fmt: skip

    port, log = _free_port(), (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [venv / "bin/disputedesk", "serve", "-w", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        deadline, page = time.monotonic() + 60, None
        while page is None and time.monotonic() < deadline and server.poll() is None:
            try:
                page = _get(f"http://127.0.0.1:{port}/login")
            except OSError:
                time.sleep(0.3)
        assert page is not None, (tmp_path / "serve.log").read_text()[-3000:]
        status, body = page
        assert status == 200 and b"Sign in" in body
        assert _get(f"http://127.0.0.1:{port}/static/htmx.min.js")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/readyz")[0] == 200  # the database at the head
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert (site / "live.db").exists() and (site / "instance").is_dir()
