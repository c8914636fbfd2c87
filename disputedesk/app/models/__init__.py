"""The persistent model: people, billing records, disputes and their audit trail."""

from disputedesk.app.models.adjudication import CreditLine, Reversal, ReversalSequence
from disputedesk.app.models.assurance import BillingException, ExceptionEvent, Problem, ProblemEvent
from disputedesk.app.models.billing import (
    Advertiser,
    Contract,
    DeliveryRecord,
    Invoice,
    InvoiceLine,
)
from disputedesk.app.models.correspondence import BillingContact, InboundEmail
from disputedesk.app.models.credits import Approval, CreditMemo, MemoSequence
from disputedesk.app.models.disputes import (
    Comment,
    Dispute,
    DisputedLine,
    Event,
    IdempotencyKey,
    Watch,
)
from disputedesk.app.models.evidence import Evidence
from disputedesk.app.models.insight import (
    CloseMovement,
    DisputeFact,
    DisputeFactState,
    FactRollup,
    SealedMonth,
)
from disputedesk.app.models.ledger import FxRate, GlAccount, ReserveBand
from disputedesk.app.models.notices import Notification, NotificationPreference
from disputedesk.app.models.people import ApiToken, PortalAccess, Team, User
from disputedesk.app.models.security import (
    ChainHead,
    LedgerEntry,
    PasswordLink,
    SecurityEvent,
    WebSession,
)
from disputedesk.app.models.sla import Outbox, SlaClock
from disputedesk.app.models.views import SavedView
from disputedesk.app.models.webhooks import WebhookSubscription

__all__ = [
    "Advertiser",
    "ApiToken",
    "Approval",
    "ChainHead",
    "BillingContact",
    "BillingException",
    "ExceptionEvent",
    "Problem",
    "ProblemEvent",
    "Comment",
    "Contract",
    "CreditLine",
    "CreditMemo",
    "DeliveryRecord",
    "Dispute",
    "DisputeFact",
    "DisputeFactState",
    "FactRollup",
    "DisputedLine",
    "Event",
    "Evidence",
    "IdempotencyKey",
    "InboundEmail",
    "Invoice",
    "InvoiceLine",
    "LedgerEntry",
    "MemoSequence",
    "Notification",
    "NotificationPreference",
    "Outbox",
    "PasswordLink",
    "PortalAccess",
    "Reversal",
    "ReversalSequence",
    "SavedView",
    "SealedMonth",
    "CloseMovement",
    "GlAccount",
    "FxRate",
    "ReserveBand",
    "SecurityEvent",
    "SlaClock",
    "Team",
    "User",
    "Watch",
    "WebSession",
    "WebhookSubscription",
]
