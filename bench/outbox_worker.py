"""Time the outbox worker on PostgreSQL: notices to the bell and e-mail to a real SMTP sink.

Creates a throwaway database, queues N notices (each becomes a bell row and an immediate
e-mail, so 2·N messages go through the worker), starts an SMTP server on 127.0.0.1, runs
one worker or several at once, reports messages per second, and drops the database.

    .venv/bin/python -m bench.outbox_worker [--server URL] [--notices 2000] [--workers 2]
"""

import argparse
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a module (-m): bench/http.py would shadow http

from disputedesk.app import create_app  # noqa: E402
from disputedesk.app.extensions import db  # noqa: E402
from disputedesk.app.models import Outbox, User  # noqa: E402
from disputedesk.app.models.types import utcnow  # noqa: E402
from disputedesk.app.services.channels import deliver_all  # noqa: E402
from tests.comms.mailbox import smtp_server  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    name = f"bench_outbox_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = (
        args.server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    )
    try:
        with smtp_server() as box:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1",
                              "MAIL_PORT": box.port})  # fmt: skip
            with app.app_context():
                upgrade(directory=str(ROOT / "disputedesk" / "migrations"))
                users = [User(email=f"u{i}@bench.test", role="analyst") for i in range(20)]
                db.session.add_all(users)
                db.session.flush()
                now = utcnow()
                rows = [dict(kind="assigned", channel="notify", recipient_id=users[i % 20].id,
                             payload={"ref": f"DSP-{i:06d}"}, created_at=now,
                             next_attempt_at=now, attempts=0, status="pending")
                        for i in range(args.notices)]  # fmt: skip
                db.session.execute(insert(Outbox), rows)
                db.session.commit()
                results = []

                def work() -> None:
                    with app.app_context():
                        results.append(deliver_all(batch=100))
                        db.session.remove()

                started = time.perf_counter()
                threads = [threading.Thread(target=work) for _ in range(args.workers)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - started
                delivered = sum(r.delivered for r in results)
                left = db.session.scalar(select(func.count()).where(Outbox.status != "delivered"))
                print(f"{args.workers} worker(s): {delivered} messages ({args.notices} notices + "
                      f"{len(box.messages)} e-mails over SMTP) in {elapsed:.1f} s = "
                      f"{delivered / elapsed:.0f} messages/s; not delivered: {left}")  # fmt: skip
                db.session.remove()
                db.engine.dispose()
    finally:
        with psycopg.connect(args.server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
