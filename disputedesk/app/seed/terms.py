"""Demo contract terms and delivery shapes that exercise every rule of the comparison.

Deterministic from the advertiser's number, so the main seed's random sequence is untouched:
amendments (a v2 from July; a v2 from mid-September that splits a period by days), a campaign
line beside the line for every campaign, a contract in the wrong currency, a second
overlapping insertion order (ambiguous), tolerances, caps and make-goods, weekly delivery rows
whose last week crosses the month edge (pro-rated), and third-party rows beside first-party.
"""

from datetime import date, timedelta

from disputedesk.app.models import Advertiser, Contract, DeliveryRecord


def contract_variants(advertiser: Advertiser, n: int, base: list[Contract]) -> list[Contract]:
    """Return the extra contract lines advertiser number n carries beside its base IO."""
    extra = []
    for contract in base:
        contract.tolerance_bp = 200 if n % 6 == 0 else 0
    first = base[0]
    if n % 7 == 3:  # amended mid-year: v2 supersedes v1 from July
        amended_from = date(first.effective_to.year, 7, 1)
        extra.append(_copy(first, version=2, discount_bp=750, effective_from=amended_from))
    if n % 11 == 5:  # a second insertion order for the same product overlaps: ambiguous
        other_from, other_rate = date(first.effective_to.year, 3, 1), first.rate_micros - 50_000
        extra.append(
            _copy(
                first,
                reference=f"{first.reference}-B",
                rate_micros=other_rate,
                effective_from=other_from,
            )
        )
    if n % 10 == 7:  # amended mid-month: a billing period split by days at 16 September
        extra.append(
            _copy(base[1], version=2, discount_bp=1_500,
                  effective_from=date(first.effective_to.year, 9, 16))
        )  # fmt: skip
    if n % 13 == 6:  # one campaign priced below the IO's line for every campaign, same version
        campaign = f"CMP-{n + 1:03d}-{first.product[:3].upper()}-04"
        extra.append(_copy(first, campaign_ref=campaign, rate_micros=first.rate_micros * 4 // 5))
    if n == 12:  # set up in the wrong currency: a contract_setup_error for the scan to find
        base[2].currency = "MXN" if base[2].currency == "USD" else "USD"
    if n % 8 == 2:
        base[1].cap_amount = 5_000_000  # 50,000.00 a month
    if n % 9 == 4:
        base[1].makegood_units = 1_000
    return extra


def delivery_rows(
    n: int, kind: str, campaign: str, start: date, end: date, delivered: int, invalid: int
) -> list[DeliveryRecord]:
    """Return the delivery rows of one campaign-month: monthly, or weekly across the edge."""
    rows = []
    # weekly rows from the first day; the last week runs into the next month
    if n % 4 == 1 and kind != "flat":
        days = (end - start).days + 1
        weeks = (days + 6) // 7
        for week in range(weeks):
            first = start + timedelta(days=7 * week)
            rows.append(
                DeliveryRecord(
                    campaign_ref=campaign,
                    period_start=first,
                    period_end=first + timedelta(days=6),
                    delivered_units=delivered * 7 // days,
                    invalid_units=invalid // weeks,
                )
            )
    else:
        rows.append(
            DeliveryRecord(
                campaign_ref=campaign,
                period_start=start,
                period_end=end,
                delivered_units=delivered,
                invalid_units=invalid,
            )
        )
    if n % 5 == 2:  # the third-party ad server counts a little less
        rows.append(
            DeliveryRecord(
                campaign_ref=campaign,
                source="third_party",
                period_start=start,
                period_end=end,
                delivered_units=delivered * 97 // 100,
                invalid_units=invalid,
            )
        )
    return rows


def _copy(contract: Contract, **changes: object) -> Contract:
    fields = dict(
        advertiser=contract.advertiser, reference=contract.reference, product=contract.product,
        rate_micros=contract.rate_micros, discount_bp=contract.discount_bp,
        effective_from=contract.effective_from, effective_to=contract.effective_to, version=1,
        tolerance_bp=contract.tolerance_bp, currency=contract.currency,
    )  # fmt: skip
    return Contract(**{**fields, **changes})
