"""Admin screens: people, teams, tokens, the books, the security log, policies, access review."""

from disputedesk.app.web.admin import books, people, policies, teams  # noqa: F401  (their routes join bp)
from disputedesk.app.web.admin.blueprint import bp

__all__ = ["bp"]
