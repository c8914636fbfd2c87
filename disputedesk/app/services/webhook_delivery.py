"""Deliver events to webhook subscriptions: fan out, sign, POST to a checked address only.

The SSRF guard runs at delivery time, on the addresses the host resolves to now, and the
request goes to the address that was checked (so a DNS answer cannot change in between).
Redirects are not followed.
"""

import http.client
import json
import socket
import ssl
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox, WebhookSubscription
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.outbox import DeliveryFailed
from disputedesk.workflows.webhooks import (
    SIGNATURE_HEADER,
    VERSION,
    address_problem,
    sign_all,
    url_problem,
)

USER_AGENT = "Disputedesk-Webhooks/1"


def fan_out_event(row: Outbox, now: datetime) -> int | None:
    """Queue one webhook delivery of this event per active subscription that wants it."""
    subscriptions = db.session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
    ).all()
    # `sequence` orders one case's events: every change locks its case before it queues, so a
    # later change's row always has a higher id. A receiver drops an event of a case whose
    # sequence is below the last one it applied for that case (deliveries can overtake).
    body = {"version": VERSION, "id": row.key, "type": row.kind,
            "created_at": row.created_at.isoformat(),
            "dispute": format_ref(row.dispute_id) if row.dispute_id else None,
            "sequence": row.id, "data": row.payload}  # fmt: skip
    for subscription in subscriptions:
        if row.kind in (subscription.events or []):
            db.session.add(
                Outbox(
                    kind=row.kind, channel="webhook", dispute_id=row.dispute_id, payload=body,
                    subscription_id=subscription.id, created_at=now, next_attempt_at=now,
                    attempts=0, status="pending",
                )
            )  # fmt: skip
    return None


def secrets_in_force(subscription: WebhookSubscription, now: datetime) -> list[str]:
    """The secret, and during a rotation's overlap the one before it."""
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and now < until:
        return [subscription.secret, subscription.previous_secret]
    return [subscription.secret]


def allowed_hosts() -> tuple[str, ...]:
    return tuple(h for h in current_app.config["WEBHOOK_ALLOWED_HOSTS"].split(",") if h.strip())


def post_webhook(row: Outbox, now: datetime) -> int:
    """POST one signed delivery; answer the response status (2xx), else raise to retry."""
    subscription = db.session.get(WebhookSubscription, row.subscription_id)
    if subscription is None or not subscription.active:
        raise DeliveryFailed("the subscription is inactive", permanent=True)
    if problem := url_problem(subscription.url, allowed_hosts()):
        raise DeliveryFailed(f"refused: {problem}", permanent=True)
    body = json.dumps(row.payload, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign_all(secrets_in_force(subscription, now), int(now.timestamp()), body),
        "Disputedesk-Event": row.kind,
        "Disputedesk-Webhook-Version": str(row.payload.get("version", 1)),
        "Disputedesk-Delivery": row.key or str(row.id),
    }
    status = _post(subscription.url, body, headers)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"the receiver answered {status}", code=status)
    return status


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _checked_address(parts.hostname, port)
    timeout = current_app.config["WEBHOOK_TIMEOUT"]
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = _PinnedHTTPS(
            parts.hostname, port, address, timeout
        )
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname if port in (80, 443) else f"{parts.hostname}:{port}"
    try:
        connection.request("POST", path, body, headers | {"Host": host})
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryFailed(f"could not deliver: {error}") from None
    finally:
        connection.close()


def _checked_address(host: str, port: int) -> str:
    """Resolve the host and return an address the guard allows; refuse if any is not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise DeliveryFailed(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    loopback = current_app.config["WEBHOOK_ALLOW_LOOPBACK"]
    for address in addresses:  # one bad answer refuses all: a rebinding host cannot slip by
        if problem := address_problem(address, allowed_hosts(), loopback):
            raise DeliveryFailed(f"refused: {problem}", permanent=True)
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
