"""The worker delivers the outbox at least once: notices, e-mail through real SMTP, retries."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Notification, Outbox
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.channels import channels, deliver_all
from disputedesk.app.services.mail import message_id, send_email_row
from disputedesk.app.services.notice_delivery import send_digests, set_email_modes
from disputedesk.app.services.outbox import LEASE, claim, deliver_pending
from tests.comms.mailbox import Mailbox


def rows(**where) -> list[Outbox]:  # noqa: ANN003
    db.session.expire_all()
    query = select(Outbox).filter_by(**where).order_by(Outbox.id)
    return list(db.session.scalars(query))


def assigned_case(make, cast):  # noqa: ANN001, ANN201
    return make.dispute(cast, "filed", assignee=cast.analyst)


def test_an_assignment_reaches_the_bell_and_arrives_by_email_with_the_case_link(
    make, cast, mailbox: Mailbox, app
):
    dispute = assigned_case(make, cast)
    result = deliver_all()
    assert result.delivered >= 2 and result.retrying == result.dead == 0
    [notice] = db.session.scalars(
        select(Notification).where(Notification.user_id == cast.analyst.id)
    )
    assert notice.title == f"{dispute.ref} is assigned to you" and notice.read_at is None
    [message] = mailbox.to(cast.analyst.email)
    assert message["Subject"] == f"[Disputedesk] {dispute.ref} is assigned to you"
    link = f"{app.config['BASE_URL']}/disputes/{dispute.ref}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert link in text and f'href="{link}"' in html
    [email_row] = rows(channel="email")
    assert message["Message-ID"] == message_id(email_row.key)
    assert email_row.status == "delivered" and email_row.response_code == 250
    assert rows(status="pending") == []


def test_the_outbox_drains_nothing_is_left_pending_after_a_round(make, cast, mailbox):
    for _ in range(3):
        assigned_case(make, cast)
    deliver_all()
    assert db.session.scalar(select(func.count()).where(Outbox.status != "delivered")) == 0
    assert len(mailbox.to(cast.analyst.email)) == 3


def test_a_refused_delivery_is_retried_later_with_backoff_then_dead_lettered(
    make, cast, mailbox: Mailbox, app, monkeypatch
):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    mailbox.refuse_with = "451 4.3.0 mailbox busy, try later"
    assigned_case(make, cast)
    now = utcnow()
    assert deliver_all(now=lambda: now).retrying == 1
    [email_row] = rows(channel="email")
    base = app.config["OUTBOX_RETRY_BASE_SECONDS"]
    wait = (email_row.next_attempt_at - now).total_seconds()
    assert base / 2 <= wait <= base  # first retry: half to all of the base step
    assert (email_row.attempts, email_row.response_code) == (1, 451)
    assert "mailbox busy" in email_row.last_error
    assert deliver_all(now=lambda: now).delivered == 0  # not due yet: not tried again
    later = now + timedelta(hours=3)
    assert deliver_all(now=lambda: later).retrying == 1
    second = rows(channel="email")[0]
    assert base <= (second.next_attempt_at - later).total_seconds() <= 2 * base
    muchlater = later + timedelta(hours=3)
    assert deliver_all(now=lambda: muchlater).dead == 1
    [dead] = rows(status="dead")
    assert dead.attempts == 3 and mailbox.messages == []


def test_a_permanent_smtp_refusal_goes_straight_to_the_dead_letters(make, cast, mailbox):
    mailbox.refuse_with = "550 5.1.1 no such user"
    assigned_case(make, cast)
    assert deliver_all().dead == 1
    [dead] = rows(status="dead")
    assert dead.attempts == 1 and dead.response_code == 550


def test_a_message_delivered_twice_is_recognisably_the_same(make, cast, mailbox):
    assigned_case(make, cast)
    deliver_pending(channels(), limit=4)  # filing (event, hold), assignment (notice, event)
    now = utcnow()
    [row] = claim(now, 10)
    send_email_row(row, now)  # the worker dies here, before recording the delivery
    db.session.rollback()
    after_lease = now + LEASE + timedelta(seconds=1)
    assert deliver_all(now=lambda: after_lease).delivered == 1
    first, second = mailbox.to(cast.analyst.email)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Disputedesk-Idempotency-Key"] == second["Disputedesk-Idempotency-Key"]


@pytest.mark.parametrize(
    ("mode", "immediate", "in_digest"), [("immediate", 1, 0), ("digest", 0, 1), ("off", 0, 0)]
)
def test_email_follows_each_persons_choice_and_the_bell_shows_everything(
    make, cast, mailbox, mode, immediate, in_digest
):
    set_email_modes(cast.analyst, {"assigned": mode})
    dispute = assigned_case(make, cast)
    deliver_all()
    assert len(mailbox.to(cast.analyst.email)) == immediate
    assert (
        db.session.scalar(select(func.count()).where(Notification.user_id == cast.analyst.id)) == 1
    )
    assert send_digests(utcnow()) == in_digest
    deliver_all()
    assert len(mailbox.to(cast.analyst.email)) == immediate + in_digest
    if in_digest:
        digest = mailbox.to(cast.analyst.email)[-1]
        assert dispute.ref in digest.get_body(("plain",)).get_content()
        assert send_digests(utcnow()) == 0  # a notice is in one digest only


def test_without_a_mail_server_the_demo_writes_eml_files(make, cast, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    dispute = assigned_case(make, cast)
    deliver_all()
    [written] = list(tmp_path.glob("*.eml"))
    assert dispute.ref in written.read_text()


def test_two_workers_at_once_deliver_each_message_exactly_once(make, cast, mailbox, app):
    for _ in range(6):
        assign(make.dispute(cast, "filed").ref, cast.lead, cast.analyst2.email)
    analyst = cast.analyst2.email
    db.session.remove()
    start = threading.Barrier(2)

    def work():  # noqa: ANN202
        with app.app_context():
            start.wait()
            try:
                return deliver_all(batch=2)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [f.result() for f in [pool.submit(work), pool.submit(work)]]
    total = db.session.scalar(select(func.count()).select_from(Outbox))
    assert sum(r.delivered for r in results) == total  # each row by one worker, once
    assert rows(status="pending") == []
    ids = [m["Message-ID"] for m in mailbox.to(analyst)]
    assert len(ids) == len(set(ids)) == 6


def test_the_deliver_command_prints_what_it_did(make, cast, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    assigned_case(make, cast)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "delivered 5, retrying 0, dead 0" in result.output  # notice, e-mail, 3 events
    assert str(tmp_path) in result.output  # says where the demo's e-mail went
