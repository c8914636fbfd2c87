"""`flask assurance scan`: the backfill of the assurance scan over every invoice there is."""

import time

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the assurance commands."""
    app.cli.add_command(assurance)


@click.group()
def assurance() -> None:
    """Billing assurance: the scan that finds billing errors before the advertiser does."""


@assurance.command("scan")
@click.option("--batch", type=click.IntRange(1, 20_000), default=2_000, show_default=True,
              help="Invoices scanned per transaction.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="Print only the summary.")
def assurance_scan(batch: int, quiet: bool) -> None:
    """Compare every line of every invoice; raise, update or clear billing exceptions."""
    from disputedesk.app.models.types import utcnow
    from disputedesk.app.services.assurance_scan import scan_everything

    started = time.perf_counter()

    def progress(total) -> None:  # noqa: ANN001
        if not quiet:
            click.echo(f"… {total.invoices:,} invoices, {total.lines:,} lines", err=True)

    total = scan_everything(utcnow(), batch=batch, echo=progress)
    click.echo(
        f"scanned {total.invoices:,} invoices ({total.lines:,} lines) in "
        f"{time.perf_counter() - started:.1f} s: {total.found:,} exceptions found, "
        f"{total.updated:,} updated, {total.cleared:,} cleared"
    )
