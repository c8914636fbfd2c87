"""compose.yaml and the Dockerfile, read as an operator's checklist: every process they start is
a real command of the package, and the environment they give it passes production's refusal.

The image itself is built and run by `make compose-smoke` on a machine with Docker."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
OURS = {name: service for name, service in SERVICES.items() if service.get("build")}

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="files, not the database: read once"
)


def _disputedesk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "disputedesk", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_compose_starts_two_web_instances_behind_a_proxy_the_worker_the_sweep_and_its_stores():
    commands = {name: service["command"] for name, service in OURS.items()}
    assert commands == {
        "migrate": ["disputedesk", "db", "upgrade"],
        "web1": ["disputedesk", "serve"],
        "web2": ["disputedesk", "serve"],
        "worker": ["disputedesk", "outbox", "deliver", "--loop", "5"],
        "sweep": ["disputedesk", "sla", "sweep", "--loop", "60"],
    }
    assert {"postgres", "redis", "proxy"} <= set(SERVICES)
    upstream = re.findall(r"server (\w+):8000;", (ROOT / "deploy/nginx.conf").read_text())
    assert upstream == ["web1", "web2"]
    for name in ("web1", "web2", "worker", "sweep"):  # nothing runs before the schema is at head
        assert OURS[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "instance:/srv/disputedesk/instance" in OURS[name]["volumes"]  # shared evidence


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_process_compose_starts_is_a_command_of_the_package(name):
    words = [word for word in OURS[name]["command"][1:] if not word.startswith("-")]
    words = [word for word in words if not word.isdigit()]
    done = _disputedesk(*words, "--help")
    assert done.returncode == 0, done.stderr


def test_the_images_command_is_the_packaged_server():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["disputedesk", "serve"]' in dockerfile
    assert "pip install --no-cache-dir /wheels/*.whl" in dockerfile  # the wheel, not the tree
    assert re.search(r"^USER disputedesk$", dockerfile, re.M)  # not root


def _substituted(value: str) -> str:
    """${NAME:?message} and ${NAME:-default}, as compose would fill them for a real deployment."""
    secrets = {"SECRET_KEY": "s" * 40, "AUDIT_KEY": "a" * 40, "METRICS_TOKEN": "m" * 40}
    return re.sub(
        r"\$\{(\w+)(?::[?-]([^}]*))?\}",
        lambda m: secrets.get(m.group(1), m.group(2) if "?" not in m.group(0) else ""),
        str(value),
    )


def test_the_environment_compose_gives_passes_productions_checks():
    environment = {key: _substituted(value) for key, value in OURS["web1"]["environment"].items()}
    assert environment["DATABASE_URL"].startswith("postgresql://")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}
    done = _disputedesk("check-config", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    env.pop("REDIS_URL")  # without shared limits production names the problem
    refused = _disputedesk("check-config", env=env)
    assert refused.returncode == 1 and "REDIS_URL" in refused.stdout + refused.stderr
