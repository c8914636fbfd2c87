"""Sign-in that resists attack: a safe `next`, backoff and lockout, and a security log."""

import uuid

import pytest
import redis
from sqlalchemy import select

from disputedesk.app.extensions import db, limiter
from disputedesk.app.models import SecurityEvent
from disputedesk.app.security.throttle import SignInThrottle
from tests.factories import PASSWORD

# Every way seen to smuggle another site into `next`: none may leave this site.
OFFSITE = [
    "//evil.example/phish",
    "////evil.example/phish",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%252F%252Fevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    " //evil.example",
    "data:text/html,<script>alert(1)</script>",
]
LOCAL = ["/queue", "/disputes/DSP-000001?tab=evidence", "/track?q=a%20b"]


def sign_in(client, email: str, password: str = PASSWORD, next: str | None = None):
    query = {"next": next} if next is not None else {}
    return client.post("/login", query_string=query, data={"email": email, "password": password})


@pytest.mark.parametrize("target", OFFSITE)
def test_next_never_sends_a_signed_in_user_to_another_site(client, cast, target):
    answer = sign_in(client, cast.lead.email, next=target)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", LOCAL)
def test_next_follows_a_path_on_this_site(client, cast, target):
    assert sign_in(client, cast.lead.email, next=target).headers["Location"] == target


def failures(client, email: str, times: int) -> list[int]:
    return [sign_in(client, email, "wrong password").status_code for _ in range(times)]


@pytest.mark.parametrize("who", ["a real account", "an unknown email"])
def test_a_fifth_failure_locks_an_account_and_the_answer_is_the_same_for_unknown_emails(
    client, cast, who
):
    email = cast.analyst.email if who == "a real account" else "nobody@test.example"
    assert failures(client, email, 4) == [422] * 4
    locked = sign_in(client, email, "wrong password")  # the fifth failure locks
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    assert b"Too many failed sign-ins for this account" in locked.data


def test_a_locked_account_is_refused_even_with_the_right_password(client, cast):
    failures(client, cast.analyst.email, 5)
    assert sign_in(client, cast.analyst.email).status_code == 429
    assert client.get("/queue").status_code == 302


def test_a_cleared_lockout_lets_the_person_sign_in_at_once(client, cast):
    failures(client, cast.analyst.email, 5)
    SignInThrottle(limiter.storage).clear(cast.analyst.email.upper())
    assert sign_in(client, cast.analyst.email).status_code == 302


def test_one_account_locked_leaves_the_others_free(client, cast):
    failures(client, cast.analyst.email, 6)
    assert sign_in(client, cast.lead.email).status_code == 302


def test_failures_from_one_address_are_limited_across_accounts(client, cast, app):
    app.config["SIGNIN_ADDRESS_LIMIT"] = "3 per minute"
    try:
        answers = [sign_in(client, f"guess{n}@test.example", "x").status_code for n in range(4)]
    finally:
        app.config["SIGNIN_ADDRESS_LIMIT"] = "30 per minute; 300 per day"
    assert answers == [422, 422, 422, 429]


def security_log() -> list[tuple[str, str]]:
    rows = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))
    return [(row.kind, row.email) for row in rows]


def test_sign_in_failure_lockout_and_sign_out_are_logged_with_address_and_browser(client, cast):
    email = cast.analyst.email
    failures(client, email, 5)
    sign_in(client, email)  # refused: locked
    SignInThrottle(limiter.storage).clear(email)
    sign_in(client, email)
    client.post("/logout")
    assert security_log() == [
        *[("sign_in_failed", email)] * 5,
        ("locked_out", email),
        ("sign_in_locked", email),
        ("sign_in", email),
        ("sign_out", email),
    ]
    last = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc())).first()
    assert last.address == "127.0.0.1" and last.user_agent.startswith("Werkzeug")
    assert last.subject_id == cast.analyst.id and last.at is not None


@pytest.fixture
def redis_limits(app):
    """The app's limiter on the real Redis (REDIS_URL set), under this run's own key prefix."""
    from tests.services.test_signin_throttle import REDIS_URL, redis_reachable

    if not redis_reachable():
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"disputedesk-test-{uuid.uuid4().hex[:12]}"
    app.config.update(
        RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix}
    )
    limiter.init_app(app)
    yield redis.Redis.from_url(REDIS_URL), prefix
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}*"))
    if keys:
        server.delete(*keys)
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_STORAGE_OPTIONS={})
    limiter.init_app(app)


def test_with_redis_the_lockout_is_kept_in_redis(client, cast, redis_limits):
    server, prefix = redis_limits
    failures(client, cast.analyst.email, 4)
    assert sign_in(client, cast.analyst.email, "wrong").status_code == 429
    assert list(server.scan_iter(f"{prefix}*"))  # the counters live in Redis, not in memory
    assert sign_in(client, cast.analyst.email).status_code == 429
