"""flask --app wsgi inbound read FILE…: take replies saved as .eml files (IMAP is left out)."""

from pathlib import Path

import click
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import User
from disputedesk.app.services.inbound_mail import receive
from disputedesk.workflows.errors import DomainError
from disputedesk.workflows.permissions import roles_with


@click.group()
def inbound() -> None:
    """Inbound e-mail from advertisers."""


@inbound.command("read")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "as_email", help="The integration user receiving (default: the first).")
def read(files: tuple[str, ...], as_email: str | None) -> None:
    """Thread each .eml file onto its case, or leave it in the leads' triage list."""
    receivers = roles_with("deliver_inbound_email")
    query = select(User).where(User.role.in_(receivers), User.active.is_(True))
    if as_email:
        query = query.where(User.email == as_email.lower())
    receiver = db.session.scalars(query.order_by(User.id)).first()
    if receiver is None:
        raise click.ClickException("no active integration user to receive the mail")
    failed = 0
    for name in files:  # one file's trouble never stops the rest of the batch
        try:
            record = receive(Path(name).read_bytes(), receiver)
        except DomainError as error:
            click.echo(f"{name}: refused: {error}", err=True)
            continue
        except Exception as error:  # noqa: BLE001 - reported, and the batch goes on
            db.session.rollback()
            failed += 1
            click.echo(f"{name}: failed: {type(error).__name__}: {error}", err=True)
            continue
        where = f"DSP-{record.dispute_id:06d}" if record.dispute_id else f"triage ({record.reason})"
        click.echo(f"{name}: {record.status} → {where}")
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} files failed (see above)")
