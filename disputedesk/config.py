"""Configuration read from the environment."""

import os
from pathlib import Path

# The instance folder holds what a deployment writes (the default SQLite file, evidence, mail):
# ./instance under the working directory, or DISPUTEDESK_INSTANCE; never inside the package.
INSTANCE = Path(os.environ.get("DISPUTEDESK_INSTANCE") or Path.cwd() / "instance").resolve()
DEV_SECRET_KEY = "dev-only-not-secret"
DEV_AUDIT_KEY = "dev-only-audit-key"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'disputedesk.db'}"
    # psycopg 3 is the driver; accept the common postgres:// and postgresql:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Config:
    ENVIRONMENT = os.environ.get("DISPUTEDESK_ENV", "development")  # "production" checks settings
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    AUDIT_KEY = os.environ.get("AUDIT_KEY", DEV_AUDIT_KEY)  # keys the audit chain; not in the DB
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_EVIDENCE_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "25")) * 1024 * 1024
    # Werkzeug refuses (413) a larger body from its Content-Length before reading any of it;
    # the extra megabyte is room for the multipart envelope around one full-size file.
    MAX_CONTENT_LENGTH = MAX_EVIDENCE_BYTES + 1024 * 1024
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(INSTANCE / "evidence"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))  # load balancers in front (X-Forwarded-*)
    REDIS_URL = os.environ.get("REDIS_URL", "")  # rate limits shared by every instance
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Production refuses per-process limits unless told the deployment is one process.
    RATELIMIT_PER_PROCESS = os.environ.get("RATELIMIT_PER_PROCESS", "") == "1"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "disputedesk"
    SIGNIN_ADDRESS_LIMIT = "30 per minute; 300 per day"  # failed sign-ins from one address
    # One JSON object per log line: the default in production, LOG_FORMAT=json|text to choose.
    LOG_JSON = (
        os.environ.get("LOG_FORMAT", "json" if ENVIRONMENT == "production" else "text") == "json"
    )
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")  # when set, /metrics wants it as Bearer
    METRICS_PUBLIC = os.environ.get("METRICS_PUBLIC", "") == "1"  # production: an open /metrics
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")  # per token
    WTF_CSRF_TIME_LIMIT = None  # the session bounds the token's life
    API_MAX_LIMIT = 500
    BOOKS_TIMEZONE = os.environ.get("BOOKS_TIMEZONE", "America/Chicago")  # months are cut here
    # Outbox delivery and e-mail (see README "Notifications and the outbox").
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
    OUTBOX_RETRY_CAP_SECONDS = float(os.environ.get("OUTBOX_RETRY_CAP_SECONDS", "3600"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # unset: write .eml files to MAIL_FILE_DIR
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") == "1"  # SMTP over TLS (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Disputedesk <disputedesk@localhost>")
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")  # where advertisers' replies go (inbound)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE / "mail"))
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "disputedesk.local")
    NOTIFY_POLL_SECONDS = int(os.environ.get("NOTIFY_POLL_SECONDS", "30"))
    # Webhooks go only to hosts listed here (exact, *.suffix, or CIDR), never to metadata or
    # link-local addresses; loopback only when allowed (tests, a local receiver).
    WEBHOOK_ALLOWED_HOSTS = os.environ.get("WEBHOOK_ALLOWED_HOSTS", "")
    WEBHOOK_ALLOW_LOOPBACK = os.environ.get("WEBHOOK_ALLOW_LOOPBACK", "") == "1"
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
    # After a secret is rotated the old one keeps signing beside it this long (two v1 values).
    WEBHOOK_ROTATION_OVERLAP_HOURS = float(os.environ.get("WEBHOOK_ROTATION_OVERLAP_HOURS", "24"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
