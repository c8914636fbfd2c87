"""The `disputedesk` command: every command of the app (db, seed-demo, sla, outbox, audit, …)
with the app already chosen, and `serve` for gunicorn with the packaged settings."""

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from disputedesk.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Disputedesk: case management for advertiser billing disputes."""


@main.command("serve", with_appcontext=False, context_settings={"ignore_unknown_options": True})
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_args: tuple[str, ...]) -> None:
    """Serve with gunicorn and the packaged settings (BIND, WEB_CONCURRENCY, LOG_FORMAT).

    Anything after `serve` goes to gunicorn as it is, e.g. `disputedesk serve -w 2`.
    """
    command = [sys.executable, "-m", "gunicorn", "-c", "python:disputedesk.gunicorn_conf"]
    os.execv(sys.executable, [*command, *gunicorn_args, "disputedesk.wsgi:app"])


if __name__ == "__main__":
    main()
