"""Users, passwords and API tokens."""

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from disputedesk.app.extensions import db
from disputedesk.app.models import Team, User
from disputedesk.app.services.tokens import issue_token, token_in_use
from disputedesk.app.services.transactions import transaction
from disputedesk.workflows.codes import ROLES
from disputedesk.workflows.errors import InvalidInput

# A hash to compare against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


def create_user(
    email: str,
    role: str,
    *,
    password: str | None = None,
    team: str | None = None,
    approval_limit: int = 0,
    name: str = "",
) -> User:
    """Create a user (and their team if it is new) in one transaction."""
    email = email.strip().lower()
    errors = {}
    if "@" not in email:
        errors["email"] = "not an email address"
    elif db.session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = f"{email} already exists"
    if role not in ROLES:
        errors["role"] = "one of " + ", ".join(ROLES)
    if approval_limit < 0:
        errors["approval_limit"] = "cannot be negative"
    if errors:
        raise InvalidInput(errors)
    user = User(
        email=email,
        name=name or email.split("@")[0].replace(".", " ").title(),
        role=role,
        team=find_or_create_team(team) if team else None,
        approval_limit=approval_limit,
        password_hash=generate_password_hash(password, method="scrypt") if password else "",
    )
    with transaction(lost_race=f"{email} got an account at the same moment"):
        db.session.add(user)
    return user


def find_or_create_team(name: str) -> Team:
    """Return the team of that name, adding it to the session when it is new."""
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
    return team


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    if check_password_hash(stored, password or "") and user and user.active and user.password_hash:
        return user
    return None


def create_token(user: User) -> str:
    """Create an API token with the role's scopes and the default expiry; return it."""
    return issue_token(user)[0]


def user_for_token(token: str) -> User | None:
    """Return the active user a live bearer token belongs to, or None."""
    row = token_in_use(token)
    return row.user if row else None
