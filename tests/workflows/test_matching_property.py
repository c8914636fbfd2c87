"""The matching and pricing rule holds on 20,000 random shapes against a Decimal reference."""

import random
from datetime import date, timedelta

from disputedesk.workflows.comparison import (
    BilledLine,
    ContractTerms,
    ContractUse,
    DeliveryRow,
    compare_invoice,
)
from tests.reference_pricing import reference_expected

CASES = 20_000


def _contracts(rnd: random.Random, start: date, end: date) -> list[ContractTerms]:
    seen, out = set(), []
    for n in range(rnd.randint(1, 5)):
        key = (rnd.choice(["IO-1", "IO-2"]), rnd.randint(1, 3), rnd.choice(["", "", "CMP-1"]))
        if key in seen:
            continue
        seen.add(key)
        begin = start + timedelta(rnd.randint(-40, 25))
        out.append(ContractTerms(
            id=n + 1, reference=key[0], version=key[1],
            product=rnd.choice(["sp"] * 9 + ["display"]), campaign_ref=key[2],
            unit_kind=rnd.choice([None, None, "cpc", "cpm"]),
            rate_micros=rnd.randint(1, 3_000_000),
            discount_bp=rnd.choice([0, 0, 500, 1_250, 3_333]),
            cap_units=rnd.choice([None] * 4 + [rnd.randint(0, 60_000)]),
            cap_amount=rnd.choice([None] * 4 + [rnd.randint(0, 5_000_000)]),
            makegood_units=rnd.choice([0] * 3 + [rnd.randint(1, 20_000)]), tolerance_bp=0,
            delivery_source="first_party", effective_from=begin,
            effective_to=max(begin, end + timedelta(rnd.randint(-20, 40))),
            currency=rnd.choice(["USD"] * 12 + ["CAD"]),
        ))  # fmt: skip
    return out


def _rows(rnd: random.Random, start: date, end: date) -> list[DeliveryRow]:
    rows = []
    for n in range(rnd.randint(0, 3)):
        begin = start + timedelta(rnd.randint(-10, 28))
        delivered = rnd.randint(0, 80_000)
        rows.append(DeliveryRow(
            100 + n, rnd.choice(["CMP-1", "CMP-2"]),
            rnd.choice(["first_party"] * 5 + ["third_party"]),
            begin, begin + timedelta(rnd.randint(0, 20)), delivered, rnd.randint(0, delivered // 5),
        ))  # fmt: skip
    return rows


def _lines(rnd: random.Random) -> list[BilledLine]:
    out = []
    for n in range(1, rnd.randint(1, 3) + 1):
        kind = rnd.choice(["cpc", "cpc", "cpm", "flat"])
        units, rate = rnd.randint(1, 70_000), rnd.randint(1, 3_000_000)
        per = 1_000 if kind == "cpm" else 1
        out.append(BilledLine(
            n, n, rnd.choice(["charge"] * 9 + ["make_good"]), "sp", rnd.choice(["CMP-1", "CMP-2"]),
            kind, units, rate, units * rate // (per * 10_000), rnd.choice(["USD"] * 12 + ["CAD"]),
        ))  # fmt: skip
    return out


def test_twenty_thousand_random_shapes_price_as_the_decimal_reference_says():
    rnd = random.Random(20_261_206)
    priced = split = shared = 0
    for case in range(CASES):
        start = date(2026, 1, 1) + timedelta(rnd.randint(0, 330))
        end = start + timedelta(rnd.randint(6, 45))
        contracts, rows, lines = _contracts(rnd, start, end), _rows(rnd, start, end), _lines(rnd)
        use, given = ContractUse(), {}
        for result in compare_invoice(lines, start, end, contracts, rows, use):
            line = result.line
            want = reference_expected(line, line.currency, start, end, contracts, rows, given)
            assert result.expected_amount == want, (case, line.line_no)
            if want is not None:
                priced += 1
                split += result.has("split_period")
                assert result.proposed_credit == max(min(line.amount - want, line.amount), 0)
        shared += len(lines) > 1 and any(c.makegood_units or c.cap_units for c in contracts)
    # the shapes cover what the rule is about, not only the easy case
    assert priced > CASES // 3 and split > 1_000 and shared > 1_000
