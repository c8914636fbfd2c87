"""A Decimal reference for the comparison, written apart from the engine, day by day.

It follows the README's "Adjudication rules" directly: for each day of the period the most
specific contract line in effect wins; the days of each winning line are priced at its rate;
make-goods and caps are drawn per contract line per billing period across every line given
to it, in order. Only the final amount is rounded (half-even).
"""

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

PER = {"cpm": 1000, "cpc": 1, "flat": 1}
NEAR = Decimal("1e-40")  # a Decimal within this of a half cent is the exact tie it stands for


def _winner(day, start, end, lines):
    live = [c for c in lines if c.effective_from <= day <= c.effective_to]
    if not live:
        return None
    live = [c for c in live if c.campaign_ref] or live
    best = {}
    for c in live:
        if c.reference not in best or (c.version, c.id) > (best[c.reference].version,
                                                           best[c.reference].id):  # fmt: skip
            best[c.reference] = c
    return max(best.values(), key=lambda c: (
        c.effective_from <= start and c.effective_to >= end, c.effective_from, c.version, c.id,
    ))  # fmt: skip


def reference_expected(line, currency, start, end, contracts, rows, use) -> int | None:
    """What the line should have cost, in cents, or None where the rules cannot price it."""
    if line.kind != "charge":
        return None
    lines = [
        c for c in contracts
        if c.product == line.product and c.campaign_ref in ("", line.campaign_ref)
        and c.effective_from <= end and c.effective_to >= start
    ]  # fmt: skip
    period = [start + timedelta(n) for n in range((end - start).days + 1)]
    winners = [_winner(d, start, end, lines) for d in period]
    if not any(winners):
        return None
    for i, w in enumerate(winners):  # uncovered days: the earlier line, else the later
        if w is None:
            winners[i] = next((x for x in reversed(winners[:i]) if x), None) or next(
                x for x in winners[i:] if x
            )
    if any((w.unit_kind and w.unit_kind != line.unit_kind) or w.currency != currency
           for w in winners):  # fmt: skip
        return None
    counts = {}
    for i, w in enumerate(winners):
        counts[w.id] = (counts.get(w.id, (0, -1))[0] + 1, i)
    principal = next(w for w in winners if w.id == max(counts, key=lambda k: counts[k]))
    with localcontext() as ctx:
        ctx.prec = 80
        used = [r for r in rows if r.campaign_ref == line.campaign_ref
                and r.source == principal.delivery_source
                and r.period_start <= end and r.period_end >= start]  # fmt: skip
        if not used and line.unit_kind != "flat":
            return None
        by_line = {}
        for d, w in zip(period, winners, strict=True):
            if used:
                units = sum(
                    (Decimal(max(r.delivered_units - r.invalid_units, 0))
                     / ((r.period_end - r.period_start).days + 1)
                     for r in used if r.period_start <= d <= r.period_end), Decimal(0),
                )  # fmt: skip
            else:
                units = Decimal(line.billed_units) / len(period)
            by_line[w.id] = by_line.get(w.id, Decimal(0)) + units
        total = sum(by_line.values(), Decimal(0))
        scale = min(Decimal(1), Decimal(line.billed_units) / total) if total else Decimal(1)
        cents = Decimal(0)
        contract_of = {w.id: w for w in winners}
        for cid, units in by_line.items():
            c, key = contract_of[cid], (cid, start, end)
            given = use.setdefault(key, {"free": Decimal(0), "units": Decimal(0),
                                         "amount": Decimal(0)})  # fmt: skip
            priced = units * scale
            free = min(priced, max(Decimal(c.makegood_units) - given["free"], Decimal(0)))
            given["free"] += free
            priced -= free
            if c.cap_units is not None:
                priced = min(priced, max(Decimal(c.cap_units) - given["units"], Decimal(0)))
                given["units"] += priced
            rate = Decimal(c.rate_micros) * (1 - Decimal(c.discount_bp) / 10**4)
            amount = priced * rate / PER[line.unit_kind] / 10**4
            if c.cap_amount is not None:
                amount = min(amount, max(Decimal(c.cap_amount) - given["amount"], Decimal(0)))
                given["amount"] += amount
            cents += amount
        tie = cents.to_integral_value(rounding="ROUND_FLOOR") + Decimal("0.5")
        if abs(cents - tie) < NEAR:
            cents = tie
        return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
