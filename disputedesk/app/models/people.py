"""Teams, users and API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disputedesk.app.extensions import db
from disputedesk.app.models.types import UtcDateTime, utcnow
from disputedesk.workflows import permissions
from disputedesk.workflows.dispute import Actor


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="America/Chicago")
    holiday_country: Mapped[str] = mapped_column(String(8), default="US")
    hours: Mapped[str] = mapped_column(
        String(11), default="09:00-17:00", server_default="09:00-17:00"
    )
    workdays: Mapped[str] = mapped_column(String(7), default="1111100", server_default="1111100")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (  # one top approver at most, whoever names them
        Index("uq_users_one_top_approver", "top_approver", unique=True,
              postgresql_where=text("top_approver"), sqlite_where=text("top_approver")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    approval_limit: Mapped[int] = mapped_column(default=0)  # minor units, reporting currency
    # The approver an admin names for memos beyond every limit (one at most; see admin).
    top_approver: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Chicago")
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    team: Mapped[Team | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def as_actor(self) -> Actor:
        """Return the workflow's view of this user."""
        return Actor(user_id=self.id, role=self.role, team_id=self.team_id)

    def can(self, capability: str, *, team_id: int | None = None) -> bool:
        """Ask the capability table whether this user may do something."""
        return permissions.can(self.as_actor(), capability, team_id=team_id)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    scopes: Mapped[str] = mapped_column(String(100), default="read", server_default="read")
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()


class PortalAccess(db.Model):
    """An advertiser's or agency's person and an advertiser whose cases they see in the portal."""

    __tablename__ = "portal_access"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    advertiser_id: Mapped[int] = mapped_column(
        ForeignKey("advertisers.id"), primary_key=True, index=True
    )
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime)
