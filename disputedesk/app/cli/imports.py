"""`flask import contracts|delivery|fx-rates FILE.csv [--dry-run]`: the feeds from a CSV file."""

import csv
import io
from typing import Any, BinaryIO

import click

from disputedesk.app.services.feeds import FeedResult, import_contracts, import_delivery
from disputedesk.app.services.fx import record_rates
from disputedesk.workflows.errors import DomainError, InvalidInput
from disputedesk.workflows.spreadsheet import blank, decode_text

CONTRACT_HEAD = (
    "advertiser_ref",
    "reference",
    "version",
    "tolerance_bp",
    "delivery_source",
    "effective_from",
    "effective_to",
)
CONTRACT_LINE = (
    "product",
    "campaign_ref",
    "unit_kind",
    "rate",
    "discount_bp",
    "cap_units",
    "cap_amount",
    "makegood_units",
    "line_effective_from",
    "line_effective_to",
)
DELIVERY_COLUMNS = (
    "external_ref",
    "campaign_ref",
    "source",
    "period_start",
    "period_end",
    "delivered_units",
    "invalid_units",
)


def contracts_from_csv(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Group CSV rows (one per contract line) into contracts keyed by advertiser, IO, version."""
    contracts: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        head = {f: (row.get(f) or "").strip() for f in (*CONTRACT_HEAD, "currency")}
        key = (head["advertiser_ref"], head["reference"], head["version"] or "1")
        line = {f.removeprefix("line_"): (row.get(f) or "").strip() for f in CONTRACT_LINE}
        contract = contracts.setdefault(key, head | {"lines": [], "_line": row["_line"]})
        if {f: contract[f] for f in head} != head:
            raise click.ClickException(
                f"line {row['_line']}: {key[0]}/{key[1]} v{key[2]} differs from its first row in "
                "a contract-wide column (tolerance, delivery source, currency, dates)"
            )
        contract["lines"].append(line)
    return list(contracts.values())


def _rows(file: BinaryIO, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The file's rows, numbered by line, blank rows left out, in whichever of UTF-8 and
    Windows-1252 it was saved in."""
    try:
        text, encoding = decode_text(file.read())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if encoding != "utf-8":
        click.echo(f"read as {encoding}", err=True)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise click.ClickException("the CSV lacks columns: " + ", ".join(missing))
    return [row | {"_line": str(reader.line_num)} for row in reader if not blank(row)]


def _report(result: FeedResult) -> None:
    for row in result.rows:
        if row.action != "unchanged":
            prefix = "would be " if result.dry_run else ""
            detail = f" ({row.detail})" if row.detail else ""
            click.echo(f"{row.key}: {prefix}{row.action}{detail}")
    counts = ", ".join(f"{n} {a}" for a, n in result.summary().items())
    click.echo(f"dry run, nothing saved: would be {counts}" if result.dry_run else counts)


@click.group("import")
def import_group() -> None:
    """Load contracts or delivery records from a CSV file (all rows or none)."""


@import_group.command("contracts")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change.")
def import_contracts_command(file: BinaryIO, dry_run: bool) -> None:
    """Import contracts: one row per contract line (see README, Feeds)."""
    contracts = contracts_from_csv(_rows(file, CONTRACT_HEAD + CONTRACT_LINE[:4]))
    lines = [c.pop("_line") for c in contracts]
    _run(lambda: import_contracts(None, contracts, dry_run=dry_run), "contracts", lines)


@import_group.command("delivery")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change.")
def import_delivery_command(file: BinaryIO, dry_run: bool) -> None:
    """Import delivery records: one row per record (see README, Feeds)."""
    rows = _rows(file, DELIVERY_COLUMNS)
    lines = [r.pop("_line") for r in rows]
    _run(lambda: import_delivery(None, rows, dry_run=dry_run), "records", lines)


def _run(action: Any, name: str, lines: list[str]) -> None:
    """Run the import; name each refused row by its CSV line (a contract by its first line)."""
    try:
        result = action()
    except InvalidInput as error:
        for where, message in error.errors.items():
            index = where.removeprefix(f"{name}[").removesuffix("]")
            place = f"line {lines[int(index) - 1]}" if index.isdecimal() else where
            click.echo(f"{place}: {message}", err=True)
        raise click.ClickException("nothing imported") from None
    _report(result)


FX_COLUMNS = ("currency", "effective_on", "rate", "source")


@import_group.command("fx-rates")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change.")
def import_fx_command(file: BinaryIO, dry_run: bool) -> None:
    """Import dated FX rates: currency, effective_on, rate (USD per unit), source."""
    rows = _rows(file, FX_COLUMNS)
    lines = [r.pop("_line") for r in rows]
    try:
        result = record_rates(None, rows, dry_run=dry_run)
    except InvalidInput as error:
        for where, message in error.errors.items():
            index, _, field = where.partition(".")
            place = f"line {lines[int(index) - 1]}" if index.isdecimal() else where
            click.echo(f"{place}: {field + ' ' if field else ''}{message}", err=True)
        raise click.ClickException("nothing imported") from None
    except DomainError as error:
        raise click.ClickException(f"{error.detail}; nothing imported") from None
    _report(result)
