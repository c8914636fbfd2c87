"""`flask check-config` and `flask security …`: settings, lockouts and sessions."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import ApiToken, User
from disputedesk.app.security import log
from disputedesk.app.security.sessions import end_all_sessions
from disputedesk.app.security.settings import production_problems
from disputedesk.app.security.throttle import current_throttle
from disputedesk.app.services.tokens import revoke_token, tokens_of
from disputedesk.app.services.transactions import transaction


@click.command("check-config")
@with_appcontext
def check_config_command() -> None:
    """Check the settings against production's rules; exit 1 naming each problem."""
    problems = production_problems(current_app.config)
    environment = current_app.config.get("ENVIRONMENT")
    if not problems:
        click.echo(f"ok: the settings are fit for production (DISPUTEDESK_ENV={environment})")
        return
    for problem in problems:
        click.echo(f"problem: {problem}")
    verdict = "refuses to start" if environment == "production" else "would refuse to start"
    click.echo(f"{len(problems)} problem(s): the service {verdict} with DISPUTEDESK_ENV=production")
    raise SystemExit(1)


@click.group("security")
def security() -> None:
    """Accounts: unlock after failed sign-ins, end sessions."""


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


@security.command("unlock")
@click.argument("email")
def unlock(email: str) -> None:
    """Clear an account's failed sign-ins so it may sign in again at once."""
    current_throttle().clear(email)
    with transaction():
        log.record("lockout_cleared", email=email.strip().lower())
    click.echo(f"unlocked {email}")


@security.command("sign-out")
@click.argument("email")
def sign_out(email: str) -> None:
    """End every web session of a user."""
    user = _user(email)
    with transaction():
        ended = end_all_sessions(user)
        log.record("signed_out_everywhere", subject=user, data={"sessions": ended})
    click.echo(f"ended {ended} session(s) of {user.email}")


@click.group("tokens")
def tokens() -> None:
    """API tokens: list a user's, revoke one (create with `create-token`)."""


@tokens.command("list")
@click.argument("email")
def tokens_list(email: str) -> None:
    """List a user's tokens: id, name, scopes, expiry, last use, revoked (never the secret)."""
    for token in tokens_of(_user(email)):
        state = "revoked" if token.revoked_at else "live"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
        click.echo(
            f"{token.id}\t{state}\t{token.scopes}\texpires {expires}\tused {used}\t{token.name}"
        )


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token at once: its next call gets 401."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"no token {token_id}")
    revoke_token(token_id, row.user, any_user=True)
    click.echo(f"revoked token {token_id} of {row.user.email}")


def init_app(app: Flask) -> None:
    """Register the security commands."""
    app.cli.add_command(check_config_command)
    app.cli.add_command(security)
    app.cli.add_command(tokens)
