"""Admin: the books' reference data on a screen: the reserve policy as lines of bands, and the
GL accounts of each reason; a bad line keeps what was typed and changes nothing."""

from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import GlAccount, ReserveBand
from disputedesk.app.services.reserve_policy import set_reserve_policy
from tests.web.helpers import Web, text


def _bands() -> list[tuple[str, int, int]]:
    rows = db.session.scalars(
        select(ReserveBand).order_by(ReserveBand.reason, ReserveBand.from_days)
    )
    return [(b.reason, b.from_days, b.rate_bp) for b in rows]


def test_the_policy_is_shown_as_lines_and_saved_from_them(web: Web, cast):
    set_reserve_policy([{"reason": "*", "from_days": 0, "rate_bp": 1000}], cast.admin)
    client = web(cast.admin)
    assert "*, 0, 10.00" in text(client.get("/admin/books"))
    typed = "*, 0, 12.5\n*, 61, 50 %\n\nduplicate_billing, 0, 80\n"
    answer = client.post("/admin/books/reserve", data={"bands": typed})
    assert answer.status_code == 302
    db.session.expire_all()
    assert _bands() == [("*", 0, 1250), ("*", 61, 5000), ("duplicate_billing", 0, 8000)]


def test_a_bad_line_is_named_keeps_the_text_and_changes_nothing(web: Web, cast):
    set_reserve_policy([{"reason": "*", "from_days": 0, "rate_bp": 1000}], cast.admin)
    typed = "*, 0, 10\n*, ten, 20\nnonsense, 5, 1\n*, 30, 12.345"
    answer = web(cast.admin).post("/admin/books/reserve", data={"bands": typed})
    page = text(answer)
    assert answer.status_code == 422 and "Nothing was saved." in page
    assert "line 2: the from day is a whole number" in page
    assert "line 4: the rate is a percent with at most two decimals" in page
    assert "nonsense, 5, 1" in page  # what was typed stays in the box
    assert _bands() == [("*", 0, 1000)]
    unknown = web(cast.admin).post("/admin/books/reserve", data={"bands": "*, 0, 10\nnope, 5, 1"})
    assert "line 2 (reason): a reason code" in text(unknown) and _bands() == [("*", 0, 1000)]


def test_a_reasons_accounts_are_saved_and_shown(web: Web, cast):
    client = web(cast.admin)
    accounts = {"debit_account": "4990 Reserve", "credit_account": "1290 Allow"}
    answer = client.post("/admin/books/gl/revenue_at_risk_reserve", data=accounts)
    assert answer.status_code == 302
    kept = db.session.get(GlAccount, "revenue_at_risk_reserve")
    assert (kept.debit_account, kept.credit_account) == ("4990 Reserve", "1290 Allow")
    page = text(client.get("/admin/books"))
    assert 'value="4990 Reserve"' in page and "no accounts yet" in page  # the others have none
    assert client.post("/admin/books/gl/nonsense", data={}).status_code == 404
