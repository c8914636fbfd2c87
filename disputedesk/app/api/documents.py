"""The response documents of the API, built from the records (shapes in app/api/answers.py)."""

from datetime import datetime

from disputedesk.app.api import answers
from disputedesk.app.models import Advertiser, Comment, Dispute, Event, Invoice, SlaClock, User
from disputedesk.app.queries.clocks import calendar_for
from disputedesk.app.services.triggers import allowed_triggers
from disputedesk.workflows.money import format_amount, format_rate
from disputedesk.workflows.sla import Calendar, clock_view


def dispute_document(dispute: Dispute, user: User, now: datetime) -> answers.Dispute:
    return answers.Dispute.model_validate(
        {
            "ref": dispute.ref,
            "state": dispute.state,
            "outcome": dispute.outcome,
            "root_cause": dispute.root_cause,
            "advertiser": {"ref": dispute.advertiser.ref, "name": dispute.advertiser.name},
            "invoice_number": dispute.invoice.number,
            "invoices": [invoice.number for invoice in dispute.invoices],
            "reason_code": dispute.reason_code,
            "description": dispute.description,
            "disputed_amount": format_amount(dispute.disputed_amount),
            "currency": dispute.currency,
            "priority": dispute.priority,
            "intake_channel": dispute.intake_channel,
            "assignee": dispute.assignee.email if dispute.assignee else None,
            "team": dispute.team.name,
            "filed_at": dispute.filed_at,
            "resolved_at": dispute.resolved_at,
            "awaiting_info": dispute.awaiting_info_since is not None,
            "lines": [
                {
                    "invoice_number": dl.invoice_line.invoice.number,
                    "line_no": dl.invoice_line.line_no,
                    "amount": format_amount(dl.amount),
                }
                for dl in dispute.lines
            ],
            "sla": [sla_document(c, calendar_for(dispute.team), now) for c in dispute.sla_clocks],
            "version": dispute.version,
            "allowed_triggers": allowed_triggers(dispute, user, now),
        }
    )


def sla_document(clock: SlaClock, calendar: Calendar, now: datetime) -> answers.SlaClock:
    view = clock_view(clock, calendar, now)
    return answers.SlaClock.model_validate(
        {
            "name": clock.name,
            "status": clock.status,
            "badge": view.badge,
            "started_at": clock.started_at,
            "due_at": clock.due_at,
            "paused_at": clock.paused_at,
            "paused_seconds": clock.paused_seconds,
            "stopped_at": clock.stopped_at,
            "warned_at": clock.warned_at,
            "breached_at": clock.breached_at,
            "business_seconds_remaining": view.business_seconds_remaining,
        }
    )


def event_document(event: Event) -> answers.Event:
    return answers.Event.model_validate(
        {
            "seq": event.seq,
            "at": event.at,
            "actor": event.actor,
            "type": event.type,
            "trigger": event.trigger,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "data": event.data,
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
    )


def comment_document(comment: Comment) -> answers.Comment:
    return answers.Comment.model_validate(
        {
            "id": comment.id,
            "author": comment.author.email,
            "visibility": comment.visibility,
            "body": comment.body,
            "created_at": comment.created_at,
        }
    )


def advertiser_document(advertiser: Advertiser) -> answers.Advertiser:
    return answers.Advertiser.model_validate(
        {
            "ref": advertiser.ref,
            "name": advertiser.name,
            "kind": advertiser.kind,
            "tier": advertiser.tier,
            "sales_owner": advertiser.sales_owner.email if advertiser.sales_owner else None,
            "cs_owner": advertiser.cs_owner.email if advertiser.cs_owner else None,
        }
    )


def invoice_document(invoice: Invoice, open_disputes: list[Dispute]) -> answers.Invoice:
    return answers.Invoice.model_validate(
        {
            "number": invoice.number,
            "advertiser_ref": invoice.advertiser.ref,
            "currency": invoice.currency,
            "period_start": invoice.period_start.isoformat(),
            "period_end": invoice.period_end.isoformat(),
            "total": format_amount(invoice.total),
            "lines": [
                {
                    "line_no": line.line_no,
                    "product": line.product,
                    "campaign_ref": line.campaign_ref,
                    "unit_kind": line.unit_kind,
                    "billed_units": line.billed_units,
                    "billed_rate": format_rate(line.billed_rate_micros),
                    "kind": line.kind,
                    "amount": format_amount(line.amount),
                }
                for line in invoice.lines
            ],
            "open_disputes": [{"ref": d.ref, "state": d.state} for d in open_disputes],
        }
    )
