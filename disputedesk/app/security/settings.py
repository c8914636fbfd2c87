"""The settings production refuses to run without, and the check that names what is wrong."""

from collections.abc import Mapping
from typing import Any

from disputedesk.config import DEV_AUDIT_KEY, DEV_SECRET_KEY

MIN_KEY_LENGTH = 32


class InsecureConfiguration(RuntimeError):
    """Production settings that must be fixed before the service may start."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "refusing to start in production:\n" + "\n".join(f"  - {p}" for p in problems)
        )


def _key_problem(name: str, value: str, development_value: str) -> str | None:
    if not value or value == development_value:
        return f"{name} is the development default: set {name} to a long random value"
    if len(value) < MIN_KEY_LENGTH:
        return f"{name} is too short: use at least {MIN_KEY_LENGTH} random characters"
    return None


def production_problems(config: Mapping[str, Any]) -> list[str]:
    """Return what stops these settings from being safe in production (empty when none)."""
    problems = [
        _key_problem("SECRET_KEY", config.get("SECRET_KEY") or "", DEV_SECRET_KEY),
        _key_problem("AUDIT_KEY", config.get("AUDIT_KEY") or "", DEV_AUDIT_KEY),
    ]
    if config.get("SECRET_KEY") and config.get("SECRET_KEY") == config.get("AUDIT_KEY"):
        problems.append("AUDIT_KEY must differ from SECRET_KEY")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: set SESSION_COOKIE_SECURE=1 (HTTPS only)")
    if not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("REMEMBER_COOKIE_SECURE is off: it follows SESSION_COOKIE_SECURE=1")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("SESSION_COOKIE_HTTPONLY is off: scripts could read the session")
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("SESSION_COOKIE_SAMESITE must be Lax or Strict")
    if config.get("DEBUG"):
        problems.append("DEBUG is on: the debugger runs code sent to it")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("DATABASE_URL is SQLite: production runs on PostgreSQL")
    shared = not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://")
    if not shared and not config.get("RATELIMIT_PER_PROCESS"):
        problems.append(
            "rate limits and sign-in lockouts are per process (no REDIS_URL): every gunicorn "
            "worker and instance would count apart; set REDIS_URL, or RATELIMIT_PER_PROCESS=1 "
            "for a single-process deployment"
        )
    if not config.get("METRICS_TOKEN") and not config.get("METRICS_PUBLIC"):
        problems.append(
            "METRICS_TOKEN is unset: /metrics would answer anyone; set METRICS_TOKEN, or "
            "METRICS_PUBLIC=1 when only a private network reaches it"
        )
    return [problem for problem in problems if problem]


def refuse_insecure_production(config: Mapping[str, Any]) -> None:
    """Raise, naming every problem, when production is asked for with unsafe settings."""
    if config.get("ENVIRONMENT") == "production":
        problems = production_problems(config)
        if problems:
            raise InsecureConfiguration(problems)


def enforce(app_config: Mapping[str, Any]) -> None:
    """Refuse to serve production with unsafe settings; the CLI still runs, to say what is wrong.

    Under `flask …` a click context is active: commands such as `check-config` and
    `db upgrade` must still run so the operator can find out and fix what is wrong.
    """
    import click

    if click.get_current_context(silent=True) is None:
        refuse_insecure_production(app_config)
