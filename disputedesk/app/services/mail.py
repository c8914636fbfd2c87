"""E-mail: compose from templates, send by SMTP (standard library smtplib), or file as .eml.

With MAIL_SERVER unset (the laptop demo) messages are written to MAIL_FILE_DIR as .eml files
named by their idempotency key, so a message delivered twice is one file.
"""

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from flask import current_app, g

from disputedesk.app.models import Outbox
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.services.outbox import DeliveryFailed


def case_link(ref: str | None) -> str | None:
    """The absolute address of a case, for messages read outside the app."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/disputes/{ref}" if ref else None


def compose(to: str, subject: str, template: str, **context: Any) -> dict[str, Any]:
    """Render a message's text and HTML bodies from templates/mail/<template>.{txt,html}."""
    context = {"subject": subject, "base_url": current_app.config["BASE_URL"], **context}
    # The app's environment without its context processors: no request, no signed-in user.
    env = current_app.jinja_env
    return {
        "to": to,
        "subject": subject,
        "text": env.get_template(f"mail/{template}.txt").render(**context),
        "html": env.get_template(f"mail/{template}.html").render(**context),
    }


def message_id(key: str) -> str:
    """The Message-ID of an outbox row's e-mail: the same on every delivery of that row."""
    return f"<{key}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>"


def thread_id(ref: str) -> str:
    """The Message-ID every e-mail about a case refers to, so mail programs thread them."""
    return f"<case-{ref}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>"


def build_message(
    payload: dict[str, Any], key: str, now: datetime, case_ref: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = payload.get("from") or current_app.config["MAIL_FROM"]
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key)
    message["Disputedesk-Idempotency-Key"] = key
    for name, value in (payload.get("headers") or {}).items():
        message[name] = value
    if case_ref and "References" not in message:  # one thread per case in the reader's inbox
        message["In-Reply-To"] = message["References"] = thread_id(case_ref)
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    return message


def send_email_row(row: Outbox, now: datetime) -> int | None:
    """Deliver an e-mail outbox row; answer the SMTP reply code."""
    ref = format_ref(row.dispute_id) if row.dispute_id else None
    key = row.key or f"outbox-{row.id}"
    send(build_message(row.payload, key, now, ref), row.key or str(row.id))
    return 250


def send(message: EmailMessage, key: str) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{key}.eml.part"
        partial.write_bytes(message.as_bytes())
        partial.replace(folder / f"{key}.eml")  # whole file or none
        return
    try:
        try:
            _connection().send_message(message)
        except smtplib.SMTPServerDisconnected:  # a kept connection timed out: once more
            close_connection()
            _connection().send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryFailed(f"recipient refused: {error.recipients}", permanent=True) from None
    except smtplib.SMTPResponseException as error:
        close_connection()
        permanent = 500 <= error.smtp_code < 600
        raise DeliveryFailed(
            f"SMTP {error.smtp_code}: {error.smtp_error!r}", error.smtp_code, permanent
        ) from None
    except (OSError, smtplib.SMTPException) as error:
        close_connection()
        raise DeliveryFailed(f"SMTP: {error}") from None


def _connection() -> smtplib.SMTP:
    """The SMTP connection of this round of delivery, opened on first use."""
    if (smtp := g.get("_smtp")) is not None:
        return smtp
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    g._smtp = smtp
    return smtp


def close_connection() -> None:
    """Say goodbye to the SMTP server at the end of a round (or after an error)."""
    smtp = g.pop("_smtp", None)
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
