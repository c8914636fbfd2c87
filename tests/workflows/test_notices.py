"""Notice titles, the retry schedule and @mentions, as plain data."""

import pytest

from disputedesk.workflows.notices import KINDS, mentioned_handles, notice_title, retry_delay


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 15, 30), (2, 30, 60), (3, 60, 120), (8, 1800, 3600), (30, 1800, 3600)],
)
def test_retries_back_off_exponentially_within_the_jitter_band_up_to_the_cap(attempt, low, high):
    assert retry_delay(attempt, base=30, cap=3600, rand=lambda: 0.0) == low
    assert retry_delay(attempt, base=30, cap=3600, rand=lambda: 1.0) == high


@pytest.mark.parametrize(
    ("body", "handles"),
    [
        ("@ana please look", ["ana"]),
        ("cc @Ana.Lyst, @bob and @ana.lyst again", ["ana.lyst", "bob"]),
        ("write to ana@example.com", []),
        ("email@ana is not a mention", []),
        ("trailing dot @bob.", ["bob"]),
        ("", []),
    ],
)
def test_mentions_are_at_handles_not_email_addresses(body, handles):
    assert mentioned_handles(body) == handles


def test_every_kind_has_a_title_that_names_the_case():
    for kind in KINDS:
        assert "DSP-000001" in notice_title(kind, "DSP-000001", {})


def test_a_title_fills_in_the_payload():
    title = notice_title("sla_breach", "DSP-000007", {"clock": "resolution"})
    assert title == "DSP-000007: the resolution clock breached"
