"""The list headers of automatic notice e-mail: Auto-Submitted, List-Id, and a signed
one-click List-Unsubscribe link (RFC 2369, RFC 8058) that app/services/unsubscribe.py honours."""

from flask import current_app
from itsdangerous import URLSafeSerializer

from disputedesk.app.models import User

DIGEST = "digest"
SALT = "disputedesk-unsubscribe"


def signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def unsubscribe_headers(user: User, kind: str) -> dict[str, str]:
    """The list headers of an automatic notice: List-Id, a one-click List-Unsubscribe."""
    config = current_app.config
    link = f"{config['BASE_URL'].rstrip('/')}/notifications/unsubscribe/" + signer().dumps(
        [user.id, kind]
    )
    return {
        "Auto-Submitted": "auto-generated",
        "List-Id": f"Disputedesk notices <notices.{config['MAIL_MESSAGE_ID_DOMAIN']}>",
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
