"""People by name on every page, their e-mail on hover: the audit trail stores e-mails."""

from flask import g
from markupsafe import Markup
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import User


def _names() -> dict[str, str]:
    """Every user's name by e-mail, read once per request (the users table is small)."""
    if "people_by_email" not in g:
        rows = db.session.execute(select(User.email, User.name)).all()
        g.people_by_email = {email: name for email, name in rows if name}
    return g.people_by_email


def person(email: str | None) -> Markup | str:
    """Show a person by name with their e-mail as a tooltip; "system" and strangers as written."""
    if not email:
        return ""
    name = _names().get(email)
    if not name:
        return email
    return Markup('<span class="person" title="{}">{}</span>').format(email, name)


def people(emails: str | None) -> Markup:
    """Show a list of e-mails joined by "; " (as the reports store them) as names."""
    names = [person(e.strip()) for e in (emails or "").split(";") if e.strip()]
    return Markup(", ").join(names)
