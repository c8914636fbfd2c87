"""Failed sign-ins back off in tiers, in memory or in a real Redis shared by every instance."""

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from limits.storage import MemoryStorage, RedisStorage, Storage

from disputedesk.app.security.throttle import SignInThrottle, account_key

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required in CI", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"disputedesk-test-{uuid.uuid4().hex[:12]}"  # this run's keys, and only those
    yield RedisStorage(REDIS_URL, key_prefix=prefix)  # each instance of the app: its own client
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}*"))
    if keys:
        server.delete(*keys)


def test_an_account_may_fail_four_times_and_the_fifth_locks_it(storage):
    throttle = SignInThrottle(storage)
    assert [throttle.failed("a@test.example") for _ in range(4)] == [None] * 4
    lockout = throttle.failed("a@test.example")
    assert lockout is not None and 1 <= lockout.retry_after <= 60
    assert throttle.lockout("A@Test.Example ") is not None  # however the email is typed


def test_the_lockout_is_per_account(storage):
    throttle = SignInThrottle(storage)
    for _ in range(5):
        throttle.failed("a@test.example")
    assert throttle.lockout("b@test.example") is None


def test_later_tiers_make_the_wait_longer(storage):
    throttle = SignInThrottle(storage, tiers="2 per minute; 3 per hour")
    throttle.failed("a@test.example")
    assert throttle.failed("a@test.example").retry_after <= 60
    throttle.strategy.clear(throttle.tiers[0], "signin-account", account_key("a@test.example"))
    assert throttle.failed("a@test.example").retry_after > 60 * 50  # the hour's tier


def test_clearing_unlocks_at_once(storage):
    throttle = SignInThrottle(storage)
    for _ in range(5):
        throttle.failed("a@test.example")
    throttle.clear("a@test.example")
    assert throttle.lockout("a@test.example") is None


def test_two_instances_sharing_the_storage_see_the_same_count(storage):
    twin = (
        RedisStorage(REDIS_URL, key_prefix=storage.key_prefix)
        if isinstance(storage, RedisStorage)
        else storage
    )
    first, second = SignInThrottle(storage), SignInThrottle(twin)
    for _ in range(3):
        first.failed("a@test.example")
    second.failed("a@test.example")
    assert second.failed("a@test.example") is not None
