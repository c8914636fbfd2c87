"""The benchmark harness still works: seed a thousand disputes, time every operation once."""

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench.run import run
from bench.seed import seed
from disputedesk.app.extensions import limiter


@pytest.fixture(scope="module", autouse=True)
def _limits_back_on():  # noqa: ANN202
    """The harness's apps turn rate limits off, and Flask-Limiter is one object for every app:
    turn them back on for the rest of the suite."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


@pytest.fixture(scope="module")
def bench_url(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.db'}"
        return
    url = make_url(server).set(database=f"disputedesk_bench_{uuid.uuid4().hex[:10]}")
    yield url.render_as_string(hide_password=False)
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def seeded(bench_url: str) -> dict:
    return seed(bench_url, 1000, datetime.now(UTC).replace(microsecond=0), quiet=True)


def test_seed_makes_the_realistic_mix_with_the_write_paths_queue_keys(seeded):
    counts = seeded["counts"]
    assert counts["disputes"] == 1000
    assert counts["events"] == 5 * 1000
    assert 2.3 <= counts["sla_clocks"] / 1000 <= 2.6  # about 2.45 clocks a dispute
    assert counts["invoice_lines"] == 3 * 1000
    assert counts["credit_memos"] > 0 and counts["approvals"] > 0


def test_every_operation_runs_and_is_timed_beside_its_floor(seeded, bench_url, tmp_path: Path):
    table = run(bench_url, None, 0.01, markdown=str(tmp_path / "results.md"))
    names = [op.name for op, _, _ in table]
    assert "approvals inbox" in names and "SLA sweep, 1,000 due" in names
    for op, timing, floor in table:
        assert timing is not None, f"{op.name} found nothing to run on"
        assert timing.median_ms > 0 and timing.statements >= 1, op.name
        if op.floor:
            assert floor is not None and floor.median_ms > 0, op.name
    written = (tmp_path / "results.md").read_text()
    assert "| my queue |" in written and "1,0" in written


def test_a_relative_sqlite_path_is_the_working_directory_s_for_seed_and_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.__main__ import absolute_sqlite

    monkeypatch.chdir(tmp_path)
    assert (
        absolute_sqlite("sqlite:///instance/bench.db") == f"sqlite:///{tmp_path}/instance/bench.db"
    )
    assert absolute_sqlite("sqlite:////srv/bench.db") == "sqlite:////srv/bench.db"
    url = "postgresql://postgres@127.0.0.1:5432/disputedesk_bench"
    assert absolute_sqlite(url) == url
