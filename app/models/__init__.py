"""The persistent model: people, billing records, disputes and their audit trail."""

from app.models.adjudication import CreditLine, Reversal, ReversalSequence
from app.models.assurance import BillingException, ExceptionEvent, Problem, ProblemEvent
from app.models.billing import Advertiser, Contract, DeliveryRecord, Invoice, InvoiceLine
from app.models.correspondence import BillingContact, InboundEmail
from app.models.credits import Approval, CreditMemo, MemoSequence
from app.models.disputes import Comment, Dispute, DisputedLine, Event, IdempotencyKey, Watch
from app.models.evidence import Evidence
from app.models.insight import (
    CloseMovement,
    DisputeFact,
    DisputeFactState,
    FactRollup,
    SealedMonth,
)
from app.models.ledger import FxRate, GlAccount, ReserveBand
from app.models.notices import Notification, NotificationPreference
from app.models.people import ApiToken, Team, User
from app.models.security import ChainHead, LedgerEntry, PasswordLink, SecurityEvent, WebSession
from app.models.sla import Outbox, SlaClock
from app.models.views import SavedView
from app.models.webhooks import WebhookSubscription

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
