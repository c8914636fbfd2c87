"""Which function delivers each outbox channel."""

from disputedesk.app.services.mail import close_connection, send_email_row
from disputedesk.app.services.notice_delivery import deliver_notice
from disputedesk.app.services.outbox import DeliveryResult, Handler, deliver_pending
from disputedesk.app.services.webhook_delivery import fan_out_event, post_webhook


def channels() -> dict[str, Handler]:
    """The delivery function of each channel."""
    return {
        "notify": deliver_notice,
        "email": send_email_row,
        "event": fan_out_event,
        "webhook": post_webhook,
    }


def deliver_all(**options) -> DeliveryResult:  # noqa: ANN003
    """Deliver everything due through every channel (the worker's one round)."""
    try:
        return deliver_pending(channels(), **options)
    finally:
        close_connection()
