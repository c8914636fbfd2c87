"""Admin screens: people, teams, tokens, the security log, read-only policies, access review."""

from app.web.admin import people, policies, teams  # noqa: F401  (their routes join bp)
from app.web.admin.blueprint import bp

__all__ = ["bp"]
