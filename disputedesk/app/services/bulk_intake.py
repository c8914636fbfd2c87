"""Bulk intake: an upload of many disputed lines, validated whole and filed as cases (grouped
by workflows/bulk.py), all or nothing, idempotent by the client's reference for the upload."""

from dataclasses import dataclass
from datetime import datetime

from disputedesk.app.models import Dispute, User
from disputedesk.app.services.filing import Filing, KeyReused, file_in
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows import bulk, edge
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import Conflict, DomainError, InvalidInput, NotPermitted
from disputedesk.workflows.money import BadAmount, format_amount, parse_amount
from disputedesk.workflows.permissions import may_file


class DryRun(Exception):  # noqa: N818 - not an error: it rolls a checked upload back
    """Roll back an upload that was only checked."""


@dataclass(frozen=True)
class Filed:
    rows: list[int]
    dispute: Dispute | None  # None on a dry run
    invoice_number: str
    reason_code: str
    amount: str


def file_bulk(
    user: User, batch_ref: str, rows: list[dict], *, dry_run: bool = False,
    now: datetime | None = None,
) -> list[Filed]:  # fmt: skip
    """File the upload's cases in one transaction; name every bad row; the same reference
    again answers with the cases first filed (another upload under it is a conflict)."""
    if not may_file(user.as_actor()):
        raise NotPermitted(f"{a_role(user.role)} cannot file disputes")
    edge.check_text("batch_ref", batch_ref, 80, single_line=True)
    if not rows or len(rows) > bulk.MAX_ROWS:
        raise InvalidInput({"rows": f"from 1 to {bulk.MAX_ROWS:,} rows"})
    groups, problems = bulk.group_rows(rows)
    filed: list[Filed] = []
    try:
        with transaction():
            for group in groups:
                key = f"bulk:{batch_ref.strip()}:{group.invoice_number}:{group.reason_code}"
                try:
                    filing = _filing(group)
                    dispute = file_in(user, filing, key, now)
                except KeyReused:
                    raise Conflict(f"{batch_ref} was the reference of another upload") from None
                except DomainError as error:
                    problems[f"rows[{group.rows[0]}]"] = error.detail
                    continue
                filed.append(Filed(group.rows, None if dry_run else dispute,
                                   group.invoice_number, group.reason_code,
                                   filing.disputed_amount))  # fmt: skip
            if problems:
                raise InvalidInput(dict(sorted(problems.items(), key=_row_order)))
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return filed


def _filing(group: bulk.Group) -> Filing:
    try:
        total = sum(parse_amount(amount) for _, amount in group.lines)
    except BadAmount as error:
        raise InvalidInput({"amount": str(error)}) from None
    return Filing(
        invoice_number=group.invoice_number, reason_code=group.reason_code,
        description=group.description, disputed_amount=format_amount(total),
        currency=group.currency, lines=tuple(group.lines), intake_channel="import",
    )  # fmt: skip


def _row_order(item: tuple[str, str]) -> int:
    return int(item[0].removeprefix("rows[").removesuffix("]"))
