"""The billed facts: each invoice line on its billing period's first day, in its currency and in
the reporting currency at the rate in force that day (the rate on file then, frozen once
counted), added in the flush that inserts the invoice, whichever code inserts it."""

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from disputedesk.app.models import Advertiser, FxRate, Invoice
from disputedesk.app.services.facts import Facts, add_facts
from disputedesk.workflows.money import RATE_DIGITS, REPORTING_CURRENCY, convert, to_reporting


def billing_rate(connection: Connection, currency: str, day: date) -> int | None:
    """The rate (micros) in force for the currency on the day, None without one on file."""
    if currency == REPORTING_CURRENCY:
        return 10**RATE_DIGITS
    return connection.execute(
        select(FxRate.rate_micros)
        .where(FxRate.currency == currency, FxRate.effective_on <= day)
        .order_by(FxRate.effective_on.desc())
        .limit(1)
    ).scalar()


def billed_facts(invoice: Invoice, team_id: int, tier: str, rate: int | None) -> Facts:
    """Return what an invoice adds to the billed facts: each line on its period's first day
    (without a rate on file, at the standing rate: billing is never refused for want of one)."""
    out: dict = defaultdict(lambda: (0, 0, 0))
    for line in invoice.lines:
        key = ("billed", invoice.period_start.isoformat(), team_id, "", line.product,
               invoice.currency, tier, "", "", 0)  # fmt: skip
        n, amount, rep = out[key]
        reporting = (convert(line.amount, rate) if rate is not None
                     else to_reporting(line.amount, invoice.currency))  # fmt: skip
        out[key] = (n + 1, amount + line.amount, rep + reporting)
    return dict(out)


def count_new_invoices(session: Session, _context: object) -> None:
    """Add every invoice a flush inserts to the billed facts, in the same transaction."""
    for invoice in [o for o in session.new if isinstance(o, Invoice)]:
        # Mid-flush the advertiser may be known by id only: read it on the flush's connection.
        connection = session.connection()
        team_id, tier = connection.execute(
            select(Advertiser.team_id, Advertiser.tier).where(
                Advertiser.id == invoice.advertiser_id
            )
        ).one()
        rate = billing_rate(connection, invoice.currency, invoice.period_start)
        add_facts(billed_facts(invoice, team_id, tier, rate), connection)


def watch_invoices() -> None:
    """Keep the billed facts from whichever code inserts invoices (service, feeds, seeds)."""
    if not event.contains(Session, "after_flush", count_new_invoices):
        event.listen(Session, "after_flush", count_new_invoices)
