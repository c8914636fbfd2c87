"""Command-line tools: `disputedesk …` (each group in its own module of this package)."""

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from disputedesk.app.cli import assurance, evidence, inbound, insight, outbox
from disputedesk.app.cli.imports import import_group
from disputedesk.app.extensions import db
from disputedesk.app.models import User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.sla_sweep import sweep
from disputedesk.app.services.users import create_user
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.errors import InvalidInput


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(audit)
    app.cli.add_command(sla)
    app.cli.add_command(credits)
    insight.init_app(app)
    assurance.init_app(app)
    evidence.init_app(app)
    app.cli.add_command(outbox.outbox)
    app.cli.add_command(inbound.inbound)
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
@click.option("--scope", "scopes", help="read, write, approve, integration (default: the role's)")
@click.option("--days", type=int, help="Days until it expires (default 90, at most 365).")
@click.option("--name", default="", help="What the token is for, shown in listings.")
def create_token_command(email: str, scopes: str | None, days: int | None, name: str) -> None:
    """Create an API token for a user and print it (shown once)."""
    from disputedesk.app.services.tokens import issue_token

    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        token, row = issue_token(user, scopes=scopes, days=days, name=name)
    except InvalidInput as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"API token {row.id} for {user.email}, scopes {row.scopes}, expires "
               f"{row.expires_at:%Y-%m-%d} (store it now; it is not shown again):")  # fmt: skip
    click.echo(token)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill the database with demo users, advertisers, invoices and disputes (idempotent)."""
    from disputedesk.app.seed import DEMO_PASSWORD, seed_demo

    created = seed_demo()
    click.echo(created)
    click.echo(f"\nDemo logins (password: {DEMO_PASSWORD}):")
    for user in db.session.scalars(select(User).where(User.email.like("%@demo.test"))):
        click.echo(f"  {user.email:<26} {user.role}")


@click.group()
def audit() -> None:
    """Audit trail tools."""


SHOWN = 50  # findings printed; a rewritten trail would otherwise print one line per event


@audit.command("verify")
@click.option(
    "--checkpoint",
    "kept",
    type=click.Path(exists=True, dir_okay=False),
    help="A signed file written earlier by `audit checkpoint --out`, to hold the trail to.",
)
def audit_verify(kept: str | None) -> None:
    """Check every chain, head, state and the ledger; exit 1 naming what does not hold."""
    from disputedesk.app.services.audit_verify import checkpoint_file_problem, verify_trail

    problems, entry_ids = [], ()
    if kept:
        document = json.loads(Path(kept).read_text())
        problems += [p for p in [checkpoint_file_problem(document)] if p]
        entry_ids = (document.get("ledger_entry"),)
    for found in verify_trail(checkpoint_ids=entry_ids):
        if isinstance(found, int):
            count = found
            continue
        where = format_ref(found.dispute_id) if found.dispute_id else "ledger"
        problems.append(f"{where}{f' event #{found.seq}' if found.seq else ''}: {found.detail}")
    for problem in problems[:SHOWN]:
        click.echo(f"broken: {problem}")
    if len(problems) > SHOWN:
        click.echo(f"… and {len(problems) - SHOWN} more")
    if problems:
        raise SystemExit(1)
    click.echo(f"ok: {count} events, every chain, head, state and checkpoint holds")


@audit.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the signed file here.")
def audit_checkpoint(out: str | None) -> None:
    """Append every chain head to the ledger; write the signed checkpoint file an auditor keeps."""
    from disputedesk.app.services.audit_verify import checkpoint

    entry = checkpoint(Path(out) if out else None)
    click.echo(f"checkpoint {entry.id}: {entry.chains} chains, {entry.events} events")


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
@click.option("--batch", type=click.IntRange(min=1), default=100, help="Cases per transaction.")
def sla_sweep(now: str | None, loop: int | None, batch: int) -> None:
    """Warn clocks at risk, breach overdue ones, escalate; print what it did."""
    from disputedesk.app.ops.metrics import SWEEP_SECONDS

    moment = _instant(now)
    if loop is None:
        with SWEEP_SECONDS.time():
            click.echo(sweep(moment, breach_batch=batch))
        return
    if moment is not None:
        raise click.UsageError("--now and --loop do not go together")
    while True:
        started = time.monotonic()
        try:
            with SWEEP_SECONDS.time():
                done = sweep(breach_batch=batch)
            click.echo(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {done}")
        except Exception as error:  # a failed sweep is retried on the next tick
            db.session.rollback()
            click.echo(f"sweep failed: {error}", err=True)
        time.sleep(max(0.0, loop - (time.monotonic() - started)))


@click.group()
def credits() -> None:
    """Credit memo reports."""


@credits.command("export")
@click.option("--month", required=True, help="The month of issue, such as 2026-11.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv")
def credits_export(month: str, fmt: str) -> None:
    """Print every credit memo issued in the month (month-end close)."""
    from disputedesk.app.queries.reports import credit_rows, render

    try:
        rows = credit_rows(month)
    except InvalidInput as error:
        raise click.ClickException(error.detail) from None
    output = render(rows, fmt)
    if isinstance(output, bytes):  # the workbook goes to stdout as it is: redirect it to a file
        click.get_binary_stream("stdout").write(output)
    else:
        click.echo(output, nl=False)
