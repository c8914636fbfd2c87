"""flask --app wsgi outbox …: deliver the outbox, send the daily digests."""

import time
from datetime import UTC, datetime

import click
from flask import current_app

from disputedesk.app.extensions import db
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.channels import deliver_all
from disputedesk.app.services.notice_delivery import send_digests
from disputedesk.app.services.outbox import pending_counts


@click.group()
def outbox() -> None:
    """Outbox delivery: e-mail, in-app notices, webhooks."""


@outbox.command("deliver")
@click.option("--loop", type=click.IntRange(min=1), help="Deliver every SECONDS until stopped.")
@click.option("--batch", type=click.IntRange(min=1), default=100, show_default=True)
def deliver(loop: int | None, batch: int) -> None:
    """Deliver every message that is due; print what happened."""
    if not current_app.config["MAIL_SERVER"]:
        folder = current_app.config["MAIL_FILE_DIR"]
        click.echo(f"MAIL_SERVER is not set: e-mail is written as .eml files to {folder}")
    if loop is None:
        click.echo(deliver_all(batch=batch))
        return
    while True:
        started = time.monotonic()
        try:
            result = deliver_all(batch=batch)
            if result.delivered or result.retrying or result.dead:
                click.echo(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {result}")
        except Exception as error:  # a failed round is retried on the next tick
            db.session.rollback()
            click.echo(f"delivery failed: {error}", err=True)
        time.sleep(max(0.0, loop - (time.monotonic() - started)))


@outbox.command("digest")
def digest() -> None:
    """Queue the daily digest e-mail of everyone who chose it (run once a day)."""
    click.echo(f"queued {send_digests(utcnow())} digest e-mails")


@outbox.command("status")
def status() -> None:
    """Count the outbox's messages by status (pending, delivered, dead)."""
    counts = pending_counts()
    click.echo(", ".join(f"{k} {counts.get(k, 0)}" for k in ("pending", "delivered", "dead")))
