"""Demo data: the users of every role, advertisers, invoices, and disputes in every state."""

import random
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Advertiser, Contract, Invoice, InvoiceLine, PortalAccess, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.seed.disputes import seed_disputes
from disputedesk.app.seed.terms import contract_variants, delivery_rows
from disputedesk.app.services.assurance_scan import scan_everything
from disputedesk.app.services.users import create_user, find_or_create_team
from disputedesk.workflows.money import line_amount

DEMO_PASSWORD = "demo-password"
TEAM = "Billing Operations"
USERS = (  # email, role, team, approval limit in USD, name
    ("admin@demo.test", "admin", None, 0, "Alex Morgan"),
    ("lead@demo.test", "lead", TEAM, 1_000, "Jordan Lee"),
    ("analyst@demo.test", "analyst", TEAM, 0, "Priya Raman"),
    ("analyst2@demo.test", "analyst", TEAM, 0, "Marcus Chen"),
    ("approver@demo.test", "approver", None, 100_000, "Dana Whitfield"),
    ("approver2@demo.test", "approver", None, 50_000, "Sam Ortiz"),
    ("viewer@demo.test", "viewer", None, 0, "Taylor Brooks"),
    ("sales2@demo.test", "viewer", None, 0, "Riley Diaz"),
    ("integration@demo.test", "integration", None, 0, "Billing system"),
    ("advertiser@demo.test", "advertiser", None, 0, "Pat Payables"),  # the portal: ADV-0001, -0002
)
PRODUCTS = {  # product: (unit kind, rate in micros per unit, per mille for cpm)
    "sponsored_products": ("cpc", 850_000),
    "display": ("cpm", 6_500_000),
    "video": ("cpm", 18_000_000),
    "offsite": ("cpm", 9_000_000),
    "in_store": ("flat", 2_500_000_000),
}
NAMES = (
    "Northwind Foods",
    "Bluebird Beverages",
    "Cedar Home",
    "Atlas Pet Supply",
    "Lumen Beauty",
    "Harbor Snacks",
    "Pioneer Outdoors",
    "Maple Kids",
    "Summit Electronics",
    "Orchard Organics",
)
SUFFIXES = ("", " Canada", " Mexico", " Media Group", " Marketplace")


def seed_demo(now: datetime | None = None, scale: float = 1.0) -> str:
    """Create the demo data unless it is there already; return what was done.

    `scale` shrinks the number of disputes (the browser tests walk every page on a fifth).
    """
    _users()
    if db.session.scalar(select(Advertiser.id).limit(1)):
        return "demo data already present; nothing to do"
    rng, now = random.Random(2026), now or utcnow()
    invoices = _billing(rng, now.date())
    _portal_access(now)
    scan_everything(now)  # as if each invoice had been pushed: the scan finds the seeded errors
    disputes = seed_disputes(rng, invoices, now, scale)
    return f"created {len(invoices)} invoices and {disputes} disputes"


def _users() -> None:
    for email, role, team, limit, name in USERS:
        if not db.session.scalar(select(User.id).where(User.email == email)):
            create_user(email, role, password=DEMO_PASSWORD, team=team,
                        approval_limit=limit * 100, name=name)  # fmt: skip


def _portal_access(now: datetime) -> None:
    """The demo's agency person sees two advertisers in the portal."""
    person, lead = _user("advertiser@demo.test"), _user("lead@demo.test")
    for ref in ("ADV-0001", "ADV-0002"):
        advertiser = db.session.scalar(select(Advertiser).where(Advertiser.ref == ref))
        db.session.add(PortalAccess(user_id=person.id, advertiser_id=advertiser.id,
                                    invited_by_id=lead.id, invited_at=now))  # fmt: skip
    db.session.commit()


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _billing(rng: random.Random, today: date) -> list[Invoice]:
    team = find_or_create_team(TEAM)
    owners = [_user("viewer@demo.test"), _user("sales2@demo.test")]
    invoices = []
    for n in range(50):
        name = NAMES[n % len(NAMES)] + SUFFIXES[n // len(NAMES)]
        currency = "CAD" if "Canada" in name else "MXN" if "Mexico" in name else "USD"
        advertiser = Advertiser(
            ref=f"ADV-{n + 1:04d}",
            name=name,
            kind=("supplier", "agency", "seller")[n % 3],
            tier="strategic" if n % 9 == 0 else "standard",
            team=team,
            sales_owner=owners[n % 2],
            cs_owner=owners[(n // 2) % 2],
        )
        db.session.add(advertiser)
        products, contracts = rng.sample(sorted(PRODUCTS), 3), []
        for product in products:
            kind, rate = PRODUCTS[product]
            contracts.append(
                Contract(
                    advertiser=advertiser,
                    reference=f"IO-{n + 1:04d}",
                    product=product,
                    rate_micros=rate,
                    discount_bp=rng.choice((0, 0, 500, 1000)),
                    effective_from=date(today.year - 1, 1, 1),
                    effective_to=date(today.year, 12, 31),
                    currency=currency,
                )
            )
        db.session.add_all(contracts + contract_variants(advertiser, n, contracts))
        for month in range(10):
            invoices.append(_invoice(rng, advertiser, currency, contracts, today, n, month))
    db.session.commit()
    return invoices


def _invoice(rng, advertiser, currency, contracts, today, n, month) -> Invoice:  # noqa: ANN001
    start = date(today.year, 1, 1) + timedelta(days=31 * month)
    start = start.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    invoice = Invoice(
        number=f"INV-{today.year}-{n + 1:03d}{month + 1:02d}",
        advertiser=advertiser,
        currency=currency,
        period_start=start,
        period_end=end,
    )
    for line_no, contract in enumerate(contracts[: rng.randint(2, 3)], start=1):
        product = contract.product
        kind, rate = PRODUCTS[product]
        campaign = f"CMP-{n + 1:03d}-{product[:3].upper()}-{month + 1:02d}"
        units = 1 if kind == "flat" else rng.randint(50, 4000) * (1000 if kind == "cpm" else 100)
        billed_rate = rate + rng.choice((0, 0, 0, 150_000, 400_000))  # some billed above contract
        delivered = units if kind == "flat" else int(units * rng.uniform(0.85, 1.0))
        invalid = int(delivered * rng.uniform(0, 0.04))
        rows = delivery_rows(n, kind, campaign, start, end, delivered, invalid)
        if (n * 7 + month * 3 + line_no) % 7:  # most lines: billed right, on what was delivered
            billed_rate = contract.rate_micros * (10_000 - contract.discount_bp) // 10_000
            units = units if kind == "flat" else _valid_units(rows, start, end)
        invoice.lines.append(
            InvoiceLine(
                line_no=line_no,
                product=product,
                campaign_ref=campaign,
                unit_kind=kind,
                billed_units=units,
                billed_rate_micros=billed_rate,
                amount=line_amount(units, billed_rate, kind),
            )
        )
        db.session.add_all(rows)
    db.session.add(invoice)
    return invoice


def _valid_units(rows, start: date, end: date) -> int:  # noqa: ANN001
    """The valid first-party units of the period, pro-rated as the comparison counts them."""
    total = Fraction(0)
    for r in rows:
        if r.source in (None, "first_party"):
            inside = (min(r.period_end, end) - max(r.period_start, start)).days + 1
            whole = (r.period_end - r.period_start).days + 1
            total += Fraction(max(r.delivered_units - r.invalid_units, 0) * max(inside, 0), whole)
    return max(int(total), 1)
