"""Production refuses to start with development secrets or cookies that travel over HTTP."""

import pytest

from disputedesk.app import create_app
from disputedesk.app.security.settings import InsecureConfiguration, production_problems

SAFE = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "s" * 48,
    "AUDIT_KEY": "a" * 48,
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db.internal/disputedesk",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "METRICS_TOKEN": "m" * 40,
}
UNSAFE = [
    ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY is the development default"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
    ({"AUDIT_KEY": "dev-only-audit-key"}, "AUDIT_KEY is the development default"),
    ({"AUDIT_KEY": "s" * 48}, "AUDIT_KEY must differ from SECRET_KEY"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
    ({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE is off"),
    ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
    ({"SESSION_COOKIE_SAMESITE": None}, "SESSION_COOKIE_SAMESITE must be Lax or Strict"),
    ({"DEBUG": True}, "DEBUG is on"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "DATABASE_URL is SQLite"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "rate limits and sign-in lockouts are per process"),
    ({"METRICS_TOKEN": ""}, "METRICS_TOKEN is unset"),
]
OPTED_OUT = {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_PER_PROCESS": True,
             "METRICS_TOKEN": "", "METRICS_PUBLIC": True}  # fmt: skip


def test_safe_production_settings_have_no_problems():
    assert production_problems(SAFE) == []


@pytest.mark.parametrize(("change", "said"), UNSAFE, ids=[said for _, said in UNSAFE])
def test_each_unsafe_setting_is_named(change, said):
    problems = production_problems({**SAFE, **change})
    assert len(problems) == 1 and problems[0].startswith(said)


def test_an_explicit_opt_out_allows_per_process_limits_and_open_metrics():
    assert production_problems({**SAFE, **OPTED_OUT}) == []


def test_production_without_shared_limit_storage_does_not_start():
    with pytest.raises(InsecureConfiguration) as refused:
        create_app({**SAFE, "RATELIMIT_STORAGE_URI": "memory://"})
    assert "set REDIS_URL" in str(refused.value)


def test_production_with_the_development_secret_key_does_not_start():
    with pytest.raises(InsecureConfiguration) as refused:
        create_app({**SAFE, "SECRET_KEY": "dev-only-not-secret", "SESSION_COOKIE_SECURE": False})
    assert "SECRET_KEY is the development default" in str(refused.value)
    assert "SESSION_COOKIE_SECURE is off" in str(refused.value)


def test_production_with_safe_settings_starts():
    assert create_app(SAFE).config["ENVIRONMENT"] == "production"


def test_check_config_says_what_is_wrong_and_exits_1(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["check-config"])
    assert result.exit_code == 1
    assert "problem: SECRET_KEY is too short" in result.output  # the suite's test-secret
    assert "problem: SESSION_COOKIE_SECURE is off" in result.output


def test_check_config_passes_safe_settings():
    safe = create_app(SAFE)
    with safe.app_context():
        result = safe.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 0 and result.output.startswith("ok:")
