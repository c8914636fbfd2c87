"""The assurance numbers in /api/v1/kpis and on the dashboard, with their drill-downs."""

from datetime import date

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import BillingException
from disputedesk.app.services.exceptions import link_problem, resolve_billed_correctly
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.problems import open_problem
from tests.assurance_support import push, with_terms


def _widgets(api, who):
    answer = api(who).get(f"/kpis?from=2026-10-01&to={date.today().isoformat()}")
    assert answer.status_code == 200
    return {w["name"]: w["rows"] for w in answer.get_json()["widgets"]}


def test_accuracy_from_the_scan_counts_invoices_and_amounts_without_errors(api, cast):
    with_terms(cast)
    push(cast, "INV-A1")
    push(cast, "INV-A2")  # a second invoice of the period: its line 2 is wrong too
    rows = _widgets(api, cast.lead)["scan_accuracy"]
    # 2 invoices of 8,000.00, each with one wrong line of 4,000.00
    assert rows == [[2, 0, 0.0, "16000.00", "8000.00", 50.0]]
    first = db.session.scalars(select(BillingException).order_by(BillingException.id)).first()
    resolve_billed_correctly(cast.analyst, first.ref, "agreed make-good")
    assert _widgets(api, cast.lead)["scan_accuracy"] == [[2, 1, 50.0, "16000.00", "12000.00", 75.0]]


def test_found_first_sets_the_scans_findings_beside_advertisers_disputes(api, cast):
    with_terms(cast)
    invoice = push(cast)
    file_dispute(cast.integration, Filing(invoice.number, "other", "line 1 too", "100.00", "USD",
                                          lines=((1, "100.00"),)))  # fmt: skip
    rows = {r[0]: r[1:] for r in _widgets(api, cast.lead)["found_first"]}
    assert rows["Exceptions found by the scan"] == [1, "800.00"]
    assert rows["Disputes filed by advertisers"] == [1, "100.00"]
    assert rows["Open over-billing not yet disputed"] == [1, "800.00"]
    at_risk = _widgets(api, cast.lead)["revenue_at_risk"][-1]
    assert at_risk[:3] == ["Found by the scan, not disputed", 1, "800.00"]


def test_top_problems_rank_by_money(api, cast):
    with_terms(cast)
    push(cast)
    small = open_problem(cast.lead, "Small", "manual_entry_error", "billing_engineering")
    big = open_problem(cast.lead, "Amendments", "contract_setup_error", "contract_policy")
    link_problem(cast.analyst, db.session.scalar(select(BillingException)).ref, big.id)
    rows = _widgets(api, cast.approver)["top_problems"]
    assert [r[0] for r in rows] == [f"{big.ref} Amendments", f"{small.ref} Small"]
    assert rows[0][2:] == [1, "800.00", "no fix yet"]


def test_assurance_amounts_in_cad_convert_at_the_rate_of_the_billing_period(api, cast):
    from disputedesk.app.services.fx import record_rates
    from tests.assurance_support import START, contract

    import_cad = contract(cast, "4.00", currency="CAD")
    from disputedesk.app.services.feeds import import_contracts, import_delivery
    from tests.assurance_support import delivery

    import_contracts(cast.integration, [import_cad])
    import_delivery(cast.integration, [delivery("D-1", "CMP-A", 1_000_000),
                                       delivery("D-2", "CMP-B", 800_000)])  # fmt: skip
    # The period's own rate, not the standing 0.73 seeded for all time.
    record_rates(cast.integration, [{"currency": "CAD", "effective_on": START.isoformat(),
                                     "rate": "0.5000", "source": "ECB"}])  # fmt: skip
    push(cast, "INV-C1", currency="CAD")
    rows = _widgets(api, cast.lead)
    # 8,000.00 CAD billed, its wrong line 4,000.00 CAD: at 0.50, 4,000.00 and 2,000.00 USD.
    assert rows["scan_accuracy"] == [[1, 0, 0.0, "4000.00", "2000.00", 50.0]]
    found = {r[0]: r[1:] for r in rows["found_first"]}
    assert found["Exceptions found by the scan"] == [1, "400.00"]  # 800.00 CAD at 0.50
