"""Admins manage webhook subscriptions, read each one's delivery log, and redeliver."""

import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox, User, WebhookSubscription
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.app.services.webhook_delivery import allowed_hosts
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted
from disputedesk.workflows.webhooks import EVENTS, url_problem

LOG = 50


def _admin(user: User) -> None:
    if not user.can("manage_webhooks"):
        raise NotPermitted("only admins manage webhooks")


def _validated(name: str, url: str, events: Iterable[str]) -> tuple[str, str, list[str]]:
    name, url, events = (name or "").strip(), (url or "").strip(), list(dict.fromkeys(events))
    errors = {}
    if not name or len(name) > 120:
        errors["name"] = "give it a name of at most 120 characters"
    if len(url) > 2000 or (problem := url_problem(url, allowed_hosts())):
        errors["url"] = "at most 2000 characters" if len(url) > 2000 else problem
    if not events or any(e not in EVENTS for e in events):
        errors["events"] = "choose at least one of " + ", ".join(EVENTS)
    if errors:
        raise InvalidInput(errors)
    return name, url, events


def create_subscription(
    user: User, name: str, url: str, events: Iterable[str]
) -> WebhookSubscription:
    """Add an active subscription with a new signing secret."""
    _admin(user)
    name, url, events = _validated(name, url, events)
    subscription = WebhookSubscription(
        name=name, url=url, events=events, secret=f"whsec_{secrets.token_hex(24)}", active=True,
        created_by_id=user.id, created_at=utcnow(),
    )  # fmt: skip
    with transaction(lost_race=LOST_RACE):
        db.session.add(subscription)
    current_app.logger.info("webhook subscription %s created by %s", subscription.id, user.email)
    return subscription


def update_subscription(
    user: User, subscription_id: int | None, name: str, url: str, events: Iterable[str],
    active: bool, rotate_secret: bool = False,
) -> WebhookSubscription:  # fmt: skip
    """Change a subscription; a rotated secret signs every delivery from now on, and the one
    before it signs beside it for WEBHOOK_ROTATION_OVERLAP_HOURS, so the receiver can switch."""
    _admin(user)
    subscription = get_subscription(user, subscription_id)
    checked = _validated(name, url, events)
    with transaction(lost_race=LOST_RACE):
        subscription.name, subscription.url, subscription.events = checked
        subscription.active = active
        if rotate_secret:
            hours = current_app.config["WEBHOOK_ROTATION_OVERLAP_HOURS"]
            subscription.previous_secret = subscription.secret
            subscription.previous_secret_until = utcnow() + timedelta(hours=hours)
            subscription.secret = f"whsec_{secrets.token_hex(24)}"
    return subscription


def get_subscription(user: User, subscription_id: int | None) -> WebhookSubscription:
    _admin(user)
    found = db.session.get(WebhookSubscription, subscription_id) if subscription_id else None
    if found is None:
        raise NotFound("no such webhook subscription")
    return found


def subscriptions(user: User) -> Sequence[WebhookSubscription]:
    _admin(user)
    return db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()


def deliveries(subscription: WebhookSubscription, limit: int = LOG) -> Sequence[Outbox]:
    """The subscription's deliveries, newest first: status, response code, attempts."""
    return db.session.scalars(
        select(Outbox)
        .where(Outbox.subscription_id == subscription.id)
        .order_by(Outbox.id.desc())
        .limit(limit)
    ).all()


def redeliver(user: User, subscription_id: int | None, delivery_id: int | None) -> Outbox:
    """Send a delivery again, with the same body and delivery id, as soon as the worker runs."""
    subscription = get_subscription(user, subscription_id)
    row = db.session.get(Outbox, delivery_id) if delivery_id else None
    if row is None or row.subscription_id != subscription.id:
        raise NotFound("no such delivery of this subscription")
    with transaction(lost_race=LOST_RACE):
        row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    return row
