"""Sign-in throttling: failed attempts per account back off in tiers, then lock for a day.

Counters are keyed by a digest of the email as typed (lower-cased), whether or not such an
account exists, so a locked answer says nothing about which accounts are real. They live in
the rate limiter's storage: Redis when REDIS_URL is set (shared by every instance), memory
otherwise.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter

from disputedesk.app.extensions import limiter

# Progressive backoff: 5 failures in a minute wait out the minute, 10 in a quarter hour wait
# that out, and 20 in a day lock the account until a lead or admin clears it (or the day ends).
ACCOUNT_TIERS = "5 per minute; 10 per 15 minutes; 20 per day"
SCOPE = "signin-account"


@dataclass(frozen=True)
class Lockout:
    retry_after: int  # seconds until the next attempt is let through

    @property
    def wait_text(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if minutes >= 120:
            return f"about {round(minutes / 60)} hours"
        return "a minute" if minutes <= 1 else f"{minutes} minutes"


def account_key(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


class SignInThrottle:
    """Count failed sign-ins per account over the tiers, in the given storage."""

    def __init__(self, storage: Storage | None, tiers: str = ACCOUNT_TIERS) -> None:
        # No storage (RATELIMIT_ENABLED off, as in the benchmarks): nothing is counted.
        self.tiers: list[RateLimitItem] = parse_many(tiers) if storage else []
        self.strategy = MovingWindowRateLimiter(storage) if storage else None

    def lockout(self, email: str) -> Lockout | None:
        """Return how long the account must wait, or None when an attempt may be made."""
        key = account_key(email)
        waits = [
            self.strategy.get_window_stats(tier, SCOPE, key).reset_time - time.time()
            for tier in self.tiers
            if not self.strategy.test(tier, SCOPE, key)
        ]
        return Lockout(max(1, math.ceil(max(waits)))) if waits else None

    def failed(self, email: str) -> Lockout | None:
        """Count one failed attempt; return the lockout it started, if it started one."""
        key = account_key(email)
        for tier in self.tiers:
            self.strategy.hit(tier, SCOPE, key)
        return self.lockout(email)

    def clear(self, email: str) -> None:
        """Forget the account's failed attempts: it may sign in again at once."""
        key = account_key(email)
        for tier in self.tiers:
            self.strategy.clear(tier, SCOPE, key)


def current_throttle() -> SignInThrottle:
    """The sign-in throttle over the app's limiter storage; none where limits are turned off."""
    enabled = current_app.config.get("RATELIMIT_ENABLED", True)
    return SignInThrottle(limiter.storage if enabled else None)
