"""Builders for test data; disputes are filed and moved through the real services."""

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import count
from typing import Any

from werkzeug.security import generate_password_hash

from disputedesk.app.extensions import db
from disputedesk.app.models import (
    Advertiser,
    Dispute,
    Invoice,
    InvoiceLine,
    PortalAccess,
    Team,
    User,
)
from disputedesk.app.models.types import utcnow
from disputedesk.app.services.assignment import assign
from disputedesk.app.services.evidence import upload_evidence
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.services.users import create_token, create_user, find_or_create_team
from disputedesk.workflows.evidence import REQUIRED
from disputedesk.workflows.money import format_amount

PASSWORD = "correct horse battery"


@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method="scrypt")


_serial = count(1)

# How to bring a freshly filed, assigned case into each state: (trigger, data) steps.
ROUTES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "filed": [],
    "investigating": [("start", {})],
    "escalated": [("start", {}), ("escalate", {"reason": "contract unclear"})],
    "resolved": [
        ("start", {}),
        ("resolve", {"outcome": "no_credit", "root_cause": "no_error_found", "note": "upheld"}),
    ],
}


@dataclass
class Cast:
    """Everyone a test needs: two teams' staff, finance, admin, viewers, the billing system."""

    team: Team
    other_team: Team
    lead: User
    analyst: User
    analyst2: User
    other_lead: User
    other_analyst: User
    approver: User
    admin: User
    viewer: User
    other_viewer: User
    integration: User
    advertiser: Advertiser
    other_advertiser: Advertiser

    def by_role(self) -> dict[str, User]:
        """One user per role, the ones who work the first team's cases."""
        return {
            "analyst": self.analyst,
            "lead": self.lead,
            "approver": self.approver,
            "viewer": self.viewer,
            "admin": self.admin,
            "integration": self.integration,
        }


class Factory:
    def team(self, name: str = "Billing Ops") -> Team:
        team = find_or_create_team(name)
        db.session.commit()
        return team

    def user(self, role: str, team: Team | None = None, **kwargs: Any) -> User:
        email = kwargs.pop("email", f"{role}{next(_serial)}@test.example")
        user = create_user(email, role, team=team.name if team else None, **kwargs)
        user.password_hash = _password_hash()  # scrypt once per run keeps the suite fast
        db.session.commit()
        return user

    def portal_person(self, *advertisers: Advertiser, inviter: User) -> User:
        """An advertiser's or agency's person who sees these advertisers in the portal."""
        person = self.user("advertiser")
        for advertiser in advertisers:
            db.session.add(PortalAccess(user_id=person.id, advertiser_id=advertiser.id,
                                        invited_by_id=inviter.id, invited_at=utcnow()))  # fmt: skip
        db.session.commit()
        return person

    def advertiser(
        self, team: Team, tier: str = "standard", owner: User | None = None, **kwargs: Any
    ) -> Advertiser:
        n = next(_serial)
        advertiser = Advertiser(
            ref=kwargs.pop("ref", f"ADV-T{n}"),
            name=kwargs.pop("name", f"Advertiser {n}"),
            kind="supplier",
            tier=tier,
            team=team,
            sales_owner=owner,
            **kwargs,
        )
        db.session.add(advertiser)
        db.session.commit()
        return advertiser

    def invoice(
        self, advertiser: Advertiser, amounts: tuple[int, ...] = (500_000, 300_000), currency="USD"
    ) -> Invoice:
        n = next(_serial)
        invoice = Invoice(
            number=f"INV-T{n}",
            advertiser=advertiser,
            currency=currency,
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            lines=[
                InvoiceLine(
                    line_no=i,
                    product="display",
                    campaign_ref=f"CMP-T{n}-{i}",
                    unit_kind="cpm",
                    billed_units=1000,
                    billed_rate_micros=amount * 10_000,
                    amount=amount,
                )
                for i, amount in enumerate(amounts, start=1)
            ],
        )
        db.session.add(invoice)
        db.session.commit()
        return invoice

    def cast(self) -> Cast:
        team, other_team = self.team("Billing Ops"), self.team("Marketplace Billing")
        viewer = self.user("viewer")
        people = dict(
            team=team,
            other_team=other_team,
            lead=self.user("lead", team, approval_limit=100_000),
            analyst=self.user("analyst", team),
            analyst2=self.user("analyst", team),
            other_lead=self.user("lead", other_team),
            other_analyst=self.user("analyst", other_team),
            approver=self.user("approver", approval_limit=10_000_000),
            admin=self.user("admin"),
            viewer=viewer,
            other_viewer=self.user("viewer"),
            integration=self.user("integration"),
        )
        people["advertiser"] = self.advertiser(team, owner=viewer)
        people["other_advertiser"] = self.advertiser(team, owner=people["other_viewer"])
        return Cast(**people)

    def required_evidence(self, dispute: Dispute, uploader: User) -> None:
        """Attach the evidence the dispute's reason code needs before it can be resolved."""
        for requirement in REQUIRED[dispute.reason_code]:
            for _ in range(requirement.count):
                content = f"%PDF-1.4\n% evidence {next(_serial)}\n%%EOF\n".encode()
                upload_evidence(
                    dispute.ref,
                    uploader,
                    io.BytesIO(content),
                    "evidence.pdf",
                    "application/pdf",
                    requirement.kinds[0],
                )

    def token(self, user: User) -> str:
        return create_token(user)

    def dispute(
        self,
        cast: Cast,
        state: str = "filed",
        *,
        assignee: User | None = None,
        advertiser: Advertiser | None = None,
        amount: int = 100_000,
        reason: str = "other",  # needs no evidence; evidence tests choose their reason
    ) -> Dispute:
        """File a dispute through the services and walk it into `state`."""
        invoice = self.invoice(
            advertiser or cast.advertiser, amounts=(max(amount, 500_000), 300_000)
        )
        filing = Filing(
            invoice_number=invoice.number,
            reason_code=reason,
            description="billed above the contracted rate",
            disputed_amount=format_amount(amount),
            currency=invoice.currency,
        )
        dispute = file_dispute(cast.integration, filing)
        if state != "filed" or assignee:
            assign(dispute.ref, cast.lead, (assignee or cast.analyst).email)
        if state == "resolved":
            self.required_evidence(dispute, cast.lead)
        for trigger, data in ROUTES[state]:
            fire_trigger(dispute.ref, cast.lead, trigger, data)
        db.session.refresh(dispute)
        return dispute
