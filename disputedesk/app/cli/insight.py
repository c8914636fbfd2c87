"""Commands for the dashboard facts and the month-end close: flask --app wsgi insight|close …"""

import json

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the insight and close commands."""
    app.cli.add_command(insight)
    app.cli.add_command(close)


@click.group()
def insight() -> None:
    """The dashboard's pre-aggregated facts."""


@insight.command("rebuild")
def insight_rebuild() -> None:
    """Recompute the facts from the raw rows (after a restore or a bulk load)."""
    from disputedesk.app.services.facts_rebuild import rebuild

    click.echo(f"{rebuild()} fact rows")


@insight.command("check")
def insight_check() -> None:
    """Compare the facts and rollups with a recomputation from the raw rows; exit 1 on a gap."""
    from disputedesk.app.services.facts import stored_facts, stored_rollups
    from disputedesk.app.services.facts_rebuild import recompute
    from disputedesk.workflows.insight import rolled_up

    stored, derived = stored_facts(), recompute()
    rolled = {k: v for k, v in rolled_up(derived).items() if v != (0, 0, 0)}
    wrong = False
    for name, have, want in (("facts", stored, derived), ("rollups", stored_rollups(), rolled)):
        differ = sorted(k for k in have.keys() | want.keys() if have.get(k) != want.get(k))
        for key in differ[:20]:
            click.echo(f"{name} {key}: stored {have.get(key)}, recomputed {want.get(key)}")
        wrong = wrong or bool(differ)
    if wrong:
        raise SystemExit(1)
    click.echo(f"facts and rollups agree with the raw rows ({len(stored)} + {len(rolled)} rows)")


@click.group()
def close() -> None:
    """Month-end close: the roll-forward of disputed amounts, and sealing a month."""


@close.command("report")
@click.option("--month", required=True, help="A books' month, such as 2026-11.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def close_report(month: str, fmt: str) -> None:
    """Print the month's roll-forward per currency and in the reporting currency."""
    from disputedesk.app.queries.close import as_text_rows, roll_forward
    from disputedesk.workflows.books import BadMonth

    try:
        report = roll_forward(month)
    except BadMonth as error:
        raise click.ClickException(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
        return
    rows = as_text_rows(report)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells))
    if report["sealed"]:
        click.echo(f"sealed {report['sealed']['at']} by {report['sealed']['by']}, "
                   f"sha256 {report['sealed']['digest']}")  # fmt: skip


@close.command("backfill")
def close_backfill() -> None:
    """Post to the close's ledger every case that never posted (after an upgrade or a bulk load)."""
    from disputedesk.app.services.facts_rebuild import post_unposted

    click.echo(f"posted {post_unposted()} cases to the close's ledger")


@close.command("seal")
@click.option("--month", required=True, help="A books' month that has ended, such as 2026-11.")
def close_seal(month: str) -> None:
    """Seal the month: store its roll-forward, credits export and chain heads under one hash."""
    from disputedesk.app.services.close import seal_month
    from disputedesk.workflows.errors import DomainError

    try:
        seal = seal_month(month, None)
    except DomainError as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"sealed {month}: sha256 {seal.digest}")
