"""Reading a case's audit packet while the case is written: one lock order, no deadlock
(PostgreSQL). The packet appends its download to the case's chain, so it takes the case's row
before the chain's head, as every write does (load_for_change, then the head in _finish)."""

import threading
import time
import urllib.error
import urllib.request

from sqlalchemy import func, select, text

from disputedesk.app.extensions import db
from disputedesk.app.models import Comment, Event
from tests.concurrency import TIMEOUT, Reply, call, postgres_only, race, served

pytestmark = postgres_only
ROUNDS = 6


def download(base: str, token: str, path: str) -> Reply:
    """GET a binary answer (a zip): its status, and its size in the body."""
    request = urllib.request.Request(f"{base}/api/v1{path}",
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return Reply(response.status, {"bytes": len(response.read())})
    except urllib.error.HTTPError as error:
        return Reply(error.code, {"detail": error.read().decode(errors="replace")[:200]})


def waiting_on_a_lock(conn) -> bool:  # noqa: ANN001
    sql = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
           " AND datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
    return conn.execute(text(sql)).scalar() > 0


def test_a_packet_asked_while_a_writer_holds_the_case_waits_its_turn(app, cast, make):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    reader, ref, case_id = make.token(cast.lead), case.ref, case.id
    with served(app) as base, db.engine.connect() as writer:
        # A writer's order: the case's row (load_for_change), then the chain's head (_finish).
        writer.execute(text("SELECT id FROM disputes WHERE id = :d FOR UPDATE"), {"d": case_id})
        replies: list[Reply] = []
        asked = threading.Thread(target=lambda: replies.append(
            download(base, reader, f"/disputes/{ref}/audit-packet")))  # fmt: skip
        asked.start()
        with db.engine.connect() as watch:
            deadline = time.monotonic() + 10
            while not waiting_on_a_lock(watch) and time.monotonic() < deadline:
                time.sleep(0.05)
        writer.execute(
            text("SELECT seq FROM chain_heads WHERE dispute_id = :d FOR UPDATE"), {"d": case_id}
        )  # a deadlock here, were the packet holding the head
        writer.commit()
        asked.join(TIMEOUT)
    assert [r.status for r in replies] == [200], replies


def test_packets_downloaded_while_the_case_is_commented_all_answer(app, cast, make):
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    reader, writer = make.token(cast.lead), make.token(cast.analyst)
    ref, case_id = case.ref, case.id
    with served(app) as base:
        replies = []
        for n in range(ROUNDS):
            replies += race(
                lambda: download(base, reader, f"/disputes/{ref}/audit-packet"),
                lambda n=n: call(base, writer, "POST", f"/disputes/{ref}/comments",
                                 {"body": f"checked the logs {n}"}),
                lambda: download(base, reader, f"/audit-packets?refs={ref}"),
            )  # fmt: skip
    assert [r.status for r in replies] == [200, 201, 200] * ROUNDS, replies
    db.session.expire_all()
    comments = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.dispute_id == case_id)
    )
    downloads = db.session.scalar(
        select(func.count()).select_from(Event)
        .where(Event.dispute_id == case_id, Event.type == "audit_packet_downloaded")
    )  # fmt: skip
    assert (comments, downloads) == (ROUNDS, 2 * ROUNDS)
