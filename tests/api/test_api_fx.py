"""Dated FX rates: fed like the other feeds, never rewritten, frozen by each dispute and memo
on its day, so a later rate changes no amount already decided; the packet says which rate."""

import io
import json
import zipfile

import pytest
from sqlalchemy import delete, func, select

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, FxRate
from disputedesk.app.queries.close import roll_forward
from disputedesk.app.services.approvals import decide
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.workflows.errors import Conflict
from tests.api.helpers import assert_problem
from tests.api.test_api_posting import PEOPLE
from tests.close_books import CREDIT, at

NOVEMBER = {"currency": "CAD", "effective_on": "2026-11-01", "rate": "0.7125", "source": "ECB"}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(FxRate))


def test_a_fed_rate_is_kept_once_and_the_same_rate_again_is_unchanged(api, cast):
    erp = api(cast.integration)
    first = erp.post("/feeds/fx-rates", {"rates": [NOVEMBER]}).get_json()
    again = erp.post("/feeds/fx-rates", {"rates": [NOVEMBER]}).get_json()
    assert (first["created"], again["unchanged"]) == (1, 1)
    listed = erp.get("/fx-rates?currency=CAD").get_json()["items"]
    assert [(r["effective_on"], r["rate"], r["source"]) for r in listed] == [
        ("2026-11-01", "0.7125", "ECB"), ("2000-01-01", "0.73", "standing rate (formerly in code)"),
    ]  # fmt: skip


def test_another_rate_for_a_day_on_file_is_refused_and_changes_nothing(api, cast):
    erp = api(cast.integration)
    erp.post("/feeds/fx-rates", {"rates": [NOVEMBER]})
    before = _count()
    changed = {**NOVEMBER, "rate": "0.70"}
    body = assert_problem(erp.post("/feeds/fx-rates", {"rates": [changed]}), 409)
    assert "0.7125" in body["detail"] and _count() == before


@pytest.mark.parametrize(
    ("row", "field"),
    [({"currency": "USD"}, "1.currency"), ({"currency": "EUR"}, "1.currency"),
     ({"effective_on": "2026-13-01"}, "1.effective_on"), ({"rate": "0"}, "1.rate"),
     ({"rate": "1e3"}, "1.rate"), ({"source": "E\x00CB"}, "1.source"),
     ({"source": ""}, "1.source")],
)  # fmt: skip
def test_a_bad_row_refuses_the_whole_feed_naming_it(api, cast, row, field):
    before = _count()
    good = {**NOVEMBER, "effective_on": "2026-10-01"}
    answer = api(cast.integration).post("/feeds/fx-rates", {"rates": [{**NOVEMBER, **row}, good]})
    assert field in assert_problem(answer, 422)["errors"]
    assert _count() == before


def test_a_dispute_and_its_memo_freeze_the_rate_of_their_day(make, cast, api):
    erp = api(cast.integration)
    erp.post("/feeds/fx-rates", {"rates": [NOVEMBER]})
    invoice = make.invoice(cast.advertiser, amounts=(900_000, 300_000), currency="CAD")
    case = file_dispute(cast.integration, Filing(invoice.number, "other", "overbilled",
                        "1000.00", "CAD"), now=at("2026-11-05"))  # fmt: skip
    assert (case.fx_rate, case.reporting_amount) == (712_500, 71_250)
    usd_before = roll_forward("2026-11")["currencies"]["ALL"]["filed"]
    later = {**NOVEMBER, "effective_on": "2026-11-20", "rate": "0.80"}
    erp.post("/feeds/fx-rates", {"rates": [later]})
    db.session.expire_all()
    assert db.session.get(Dispute, case.id).reporting_amount == 71_250  # frozen at filing
    assert roll_forward("2026-11")["currencies"]["ALL"]["filed"] == usd_before == 71_250
    memo_doc = _credit_on(cast, api, case, at("2026-11-22"))
    assert (memo_doc["fx_rate"], memo_doc["fx_rate_on"], memo_doc["reporting_amount"]) == (
        "0.80",
        "2026-11-20",
        "400.00",
    )
    packet = api(cast.approver).get(f"/disputes/{case.ref}/audit-packet")
    with zipfile.ZipFile(io.BytesIO(packet.data)) as z:
        shown = json.loads(z.read("case.json"))
    assert shown["case"]["fx_rate"] == "0.7125" and shown["case"]["reporting_amount"] == "712.50"
    assert shown["credit_memos"][0]["fx_rate"] == "0.80"


def _credit_on(cast, api, case, when):  # noqa: ANN001,ANN202
    assign(case.ref, cast.lead, cast.analyst.email, now=when)
    fire_trigger(case.ref, cast.lead, "start", {}, now=when)
    fire_trigger(case.ref, cast.analyst, "resolve", {**CREDIT, "credit_amount": "500.00"},
                 now=when)  # fmt: skip
    memo = api(cast.approver).get(f"/disputes/{case.ref}/credit-memo").get_json()
    decide(memo["id"], cast.approver, "approve", "ok", now=when)
    return api(cast.approver).get(f"/disputes/{case.ref}/credit-memo").get_json()


def test_a_currency_with_no_rate_on_file_is_refused_at_filing(make, cast):
    mxn = db.session.scalars(select(FxRate).where(FxRate.currency == "MXN"))
    kept = [(r.currency, r.effective_on, r.rate_micros, r.source) for r in mxn]
    db.session.execute(delete(FxRate).where(FxRate.currency == "MXN"))
    db.session.commit()
    try:
        invoice = make.invoice(cast.advertiser, currency="MXN")
        filing = Filing(invoice.number, "other", "overbilled", "10.00", "MXN")
        with pytest.raises(Conflict, match="no MXN rate on file"):
            file_dispute(cast.integration, filing)
        assert db.session.scalar(select(func.count()).select_from(Dispute)) == 0
    finally:
        db.session.rollback()
        db.session.add_all(FxRate(currency=c, effective_on=d, rate_micros=r, source=s)
                           for c, d, r, s in kept)  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_integration_user_feeds_rates_and_everyone_reads_them(api, cast, who):
    caller = api(getattr(cast, who))
    fed = caller.post("/feeds/fx-rates", {"rates": [NOVEMBER]})
    assert fed.status_code == (200 if who == "integration" else 403)
    assert caller.get("/fx-rates").status_code == 200
