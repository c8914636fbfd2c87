"""`flask evidence check`: every evidence row whose stored file is missing or has changed."""

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the evidence commands."""
    app.cli.add_command(evidence)


@click.group()
def evidence() -> None:
    """Evidence files in storage."""


@evidence.command("check")
def evidence_check() -> None:
    """Read every stored file against its row; exit 1 naming each missing or changed file."""
    from disputedesk.app.models.disputes import format_ref
    from disputedesk.app.services.evidence import missing_files

    found = missing_files()
    for item, what in found:
        click.echo(f"{what}: evidence {item.id} of {format_ref(item.dispute_id)} "
                   f"({item.filename}, stored as {item.storage_key})")  # fmt: skip
    if found:
        raise SystemExit(1)
    click.echo("ok: every evidence file is in storage as it was uploaded")
