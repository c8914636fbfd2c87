"""Billing data whose scan finds one exception: a contract, delivery rows and a pushed invoice."""

from datetime import date

from disputedesk.app.services.feeds import import_contracts, import_delivery
from disputedesk.app.services.invoices import InvoiceLineInput, create_invoice

START, END = date(2026, 10, 1), date(2026, 10, 31)


def with_terms(cast):
    """Give the cast's advertiser a contract at 4.00 CPM and two campaigns' delivery."""
    import_contracts(cast.integration, [contract(cast, "4.00")])
    import_delivery(cast.integration, [delivery("D-1", "CMP-A", 1_000_000),
                                       delivery("D-2", "CMP-B", 800_000)])  # fmt: skip
    return cast


def contract(cast, rate, version=1, currency="USD"):
    return {"advertiser_ref": cast.advertiser.ref, "reference": "IO-9", "version": version,
            "effective_from": "2026-01-01", "effective_to": "2026-12-31", "currency": currency,
            "lines": [{"product": "display", "unit_kind": "cpm", "rate": rate}]}  # fmt: skip


def delivery(ref, campaign, units):
    return {"external_ref": ref, "campaign_ref": campaign, "source": "first_party",
            "period_start": START.isoformat(), "period_end": END.isoformat(),
            "delivered_units": units}  # fmt: skip


def push(cast, number="INV-A1", currency="USD"):
    """Push an invoice of two lines at 4.00 CPM; the second bills 1,000,000 of 800,000 delivered."""
    lines = [  # a million impressions each, billed at 4.00 CPM: 4,000.00
        InvoiceLineInput(n, "display", campaign, "cpm", 1_000_000, "4.00", "4000.00")
        for n, campaign in ((1, "CMP-A"), (2, "CMP-B"))
    ]
    return create_invoice(cast.integration, number, cast.advertiser.ref, currency, START, END,
                          lines)[0]  # fmt: skip
