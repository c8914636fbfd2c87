"""Every answer, page or API, carries the security headers; HSTS only over HTTPS."""

import pytest

from disputedesk.app.security.headers import CONTENT_SECURITY_POLICY
from tests.web.helpers import Web

SIGNED_OUT = ["/login", "/api/v1/openapi.json", "/api/v1/disputes", "/no-such-page"]


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Server" not in headers


def test_the_policy_forbids_inline_code_and_framing(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy


def test_a_signed_in_page_carries_them_too(web: Web, cast):
    headers = web(cast.lead).get("/team").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://disputedesk.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_behind_a_balancer_the_forwarded_scheme_decides(app):
    from disputedesk.app import create_app

    proxied = create_app({**app.config, "PROXY_HOPS": 1})
    answer = proxied.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in answer.headers
