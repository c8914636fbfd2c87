"""The printable memo says whether, and as what, the ERP posted it."""

from disputedesk.app.services.posting import post_memo
from tests.api.test_api_posting import POSTED, issued_memo
from tests.web.helpers import Web, text


def test_the_memo_page_shows_its_erp_posting_once_acknowledged(web: Web, make, cast):
    memo = issued_memo(make, cast)
    page = f"/credit-memos/{memo.id}"
    assert 'Posted to the ERP</dt><dd><span class="muted">not yet' in text(web(cast.lead).get(page))

    post_memo(memo.id, cast.integration, POSTED["external_ref"], POSTED["posted_at"])

    shown = text(web(cast.lead).get(page))
    assert "Posted to the ERP</dt><dd>SAP-1900001234 · " in shown
