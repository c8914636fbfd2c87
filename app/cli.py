"""Command-line tools: flask --app wsgi …"""

import time
from contextlib import closing
from datetime import UTC, datetime

import click
from flask import Flask
from sqlalchemy import select

from app.cli_import import import_group
from app.extensions import db
from app.models import User
from app.models.disputes import format_ref
from app.services.audit import find_broken_events
from app.services.sla_sweep import sweep
from app.services.users import create_token, create_user
from workflows.codes import ROLES
from workflows.errors import InvalidInput


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(audit)
    app.cli.add_command(sla)
    app.cli.add_command(credits)
    app.cli.add_command(import_group)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--team", help="Team name; created when new.")
@click.option("--approval-limit", type=int, default=0, help="In whole units of USD.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(
    email: str, role: str, team: str | None, approval_limit: int, password: str
) -> None:
    """Create a user."""
    try:
        user = create_user(
            email, role, password=password, team=team, approval_limit=approval_limit * 100
        )
    except InvalidInput as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"created {user.email} ({user.role})")


@click.command("create-token")
@click.argument("email")
def create_token_command(email: str) -> None:
    """Create an API token for a user and print it (shown once)."""
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    click.echo(f"API token for {user.email} (store it now; it is not shown again):")
    click.echo(create_token(user))


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill the database with demo users, advertisers, invoices and disputes (idempotent)."""
    from app.seed import DEMO_PASSWORD, seed_demo

    created = seed_demo()
    click.echo(created)
    click.echo(f"\nDemo logins (password: {DEMO_PASSWORD}):")
    for user in db.session.scalars(select(User).where(User.email.like("%@demo.test"))):
        click.echo(f"  {user.email:<26} {user.role}")


@click.group()
def audit() -> None:
    """Audit trail tools."""


@audit.command("verify")
def audit_verify() -> None:
    """Check every dispute's hash chain; exit 1 naming the first broken event."""
    with closing(find_broken_events()) as walk:  # stopping early closes the database cursor
        for found in walk:
            if isinstance(found, int):
                click.echo(f"ok: {found} events, every chain holds")
                return
            ref = format_ref(found.dispute_id)
            click.echo(f"broken: {ref} event #{found.seq} (id {found.id}) does not match its hash")
            raise SystemExit(1)


@click.group()
def sla() -> None:
    """SLA clock tools."""


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("an ISO-8601 instant such as 2026-01-20T16:00:00-06:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. Z or -06:00")
    return moment.astimezone(UTC)


@sla.command("sweep")
@click.option("--now", help="Sweep as of this ISO-8601 instant instead of the clock's time.")
@click.option("--loop", type=click.IntRange(min=1), help="Sweep every SECONDS until stopped.")
def sla_sweep(now: str | None, loop: int | None) -> None:
    """Warn clocks at risk, breach overdue ones, escalate; print what it did."""
    moment = _instant(now)
    if loop is None:
        click.echo(sweep(moment))
        return
    if moment is not None:
        raise click.UsageError("--now and --loop do not go together")
    while True:
        started = time.monotonic()
        try:
            click.echo(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {sweep()}")
        except Exception as error:  # a failed sweep is retried on the next tick
            db.session.rollback()
            click.echo(f"sweep failed: {error}", err=True)
        time.sleep(max(0.0, loop - (time.monotonic() - started)))


@click.group()
def credits() -> None:
    """Credit memo reports."""


@credits.command("export")
@click.option("--month", required=True, help="The month of issue, such as 2026-11.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
def credits_export(month: str, fmt: str) -> None:
    """Print every credit memo issued in the month (month-end close)."""
    from app.queries.reports import credit_rows, render

    try:
        rows = credit_rows(month)
    except InvalidInput as error:
        raise click.ClickException(error.detail) from None
    click.echo(render(rows, fmt), nl=False)
