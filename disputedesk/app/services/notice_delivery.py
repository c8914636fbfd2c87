"""Deliver a notice: the bell's row now, and an e-mail now, in the daily digest, or never.

All of it happens in the transaction that marks the outbox row delivered, so a notice makes
one bell row and at most one e-mail row however often the worker is interrupted.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update

from disputedesk.app.extensions import db
from disputedesk.app.models import Dispute, Notification, NotificationPreference, Outbox, User
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.list_headers import unsubscribe_headers
from disputedesk.app.services.mail import case_link, compose
from disputedesk.app.services.notices import enqueue
from disputedesk.app.services.transactions import LOST_RACE, transaction
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.notices import DEFAULT_EMAIL_MODE, EMAIL_MODES, KINDS, notice_title


def deliver_notice(row: Outbox, now: datetime) -> int | None:
    user = db.session.get(User, row.recipient_id) if row.recipient_id else None
    if user is None or not user.active:
        return None  # nobody to tell (a team without a lead): delivered to no one
    ref = format_ref(row.dispute_id) if row.dispute_id else None
    title = notice_title(row.kind, ref, row.payload)
    mode = email_modes(user).get(row.kind, DEFAULT_EMAIL_MODE)
    db.session.add(
        Notification(
            user_id=user.id,
            outbox_id=row.id,
            kind=row.kind,
            dispute_id=row.dispute_id,
            title=title[:300],
            created_at=row.created_at,
            digest_pending=mode == "digest",
        )
    )
    if mode == "immediate":
        subject = f"[Disputedesk] {title}"
        link = case_link(ref)
        message = compose(
            user.email, subject, "notice", user=user, title=title, ref=ref, link=link,
            payload=row.payload,
        )  # fmt: skip
        message["headers"] = unsubscribe_headers(user, row.kind)
        dispute = db.session.get(Dispute, row.dispute_id) if row.dispute_id else None
        enqueue(row.kind, user.id, dispute, now, message, channel="email")
    return None


def email_modes(user: User) -> dict[str, str]:
    """How the person wants e-mail about each kind they set (the rest: immediate)."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.email).where(
            NotificationPreference.user_id == user.id
        )
    )
    return dict(rows.all())


def set_email_modes(user: User, modes: dict[str, str]) -> None:
    """Save the person's e-mail choice per kind; an unknown kind or mode changes nothing."""
    errors = {k: "unknown kind" for k in modes if k not in KINDS}
    errors |= {k: "immediate, digest or off" for k, m in modes.items() if m not in EMAIL_MODES}
    if errors:
        raise InvalidInput(errors)
    with transaction(lost_race=LOST_RACE):
        known = {
            p.kind: p
            for p in db.session.scalars(
                select(NotificationPreference).where(NotificationPreference.user_id == user.id)
            )
        }
        for kind, mode in modes.items():
            if kind in known:
                known[kind].email = mode
            else:
                db.session.add(NotificationPreference(user_id=user.id, kind=kind, email=mode))


def send_digests(now: datetime) -> int:
    """Queue one e-mail per person listing the notices waiting for their digest; count them."""
    with transaction(lost_race=LOST_RACE):
        waiting = db.session.scalars(
            select(Notification)
            .where(Notification.digest_pending.is_(True))
            .order_by(Notification.user_id, Notification.id)
            .with_for_update(skip_locked=True)
        ).all()
        by_user: dict[int, list[Notification]] = defaultdict(list)
        for notice in waiting:
            by_user[notice.user_id].append(notice)
        for user_id, notices in by_user.items():
            user = db.session.get(User, user_id)
            items = [{"title": n.title, "link": _link_of(n)} for n in notices]
            subject = f"[Disputedesk] {len(items)} notice{'s' if len(items) != 1 else ''} today"
            message = compose(user.email, subject, "digest", user=user, items=items)
            message["headers"] = unsubscribe_headers(user, "digest")
            enqueue("digest", user.id, None, now, message, channel="email")
        if waiting:
            db.session.execute(
                update(Notification)
                .where(Notification.id.in_([n.id for n in waiting]))
                .values(digest_pending=False)
            )
    return len(by_user)


def _link_of(notice: Notification) -> str | None:
    return case_link(format_ref(notice.dispute_id)) if notice.dispute_id else None
