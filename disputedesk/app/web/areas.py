"""The areas of the dispute page: what each one shows, and how a change to one is answered."""

import json
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from disputedesk.app.api.problems import status_for
from disputedesk.app.evidence.sniff import ACCEPTED
from disputedesk.app.extensions import db, htmx
from disputedesk.app.models import Dispute, Event
from disputedesk.app.models.disputes import parse_ref
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.case_view import CaseView, case_view, timeline
from disputedesk.app.queries.comparison import compare_dispute
from disputedesk.app.queries.credit_lines import line_views
from disputedesk.app.queries.exceptions import exceptions_of_dispute
from disputedesk.app.queries.listing import load_dispute
from disputedesk.app.services.watching import may_watch
from disputedesk.app.web.form_errors import beside_fields
from disputedesk.app.web.panels import credit_panel, evidence_panel
from disputedesk.app.web.people import person
from disputedesk.workflows.codes import CREDIT_OUTCOMES, GL_REASONS, ROOT_CAUSES
from disputedesk.workflows.dispute import TRANSITIONS, selectable_outcomes
from disputedesk.workflows.errors import (
    DomainError,
    NotFound,
    NotPermitted,
    StaleCase,
)
from disputedesk.workflows.money import REPORTING_CURRENCY
from disputedesk.workflows.waits import evidence_waits

AREAS = ("header", "actions", "comparison", "evidence", "credit", "timeline")
HIDDEN_FIELDS = ("trigger", "version")
# Guards that judge several fields at once: their message goes under the group of fields.
FIELD_GROUPS = {g.name for t in TRANSITIONS for g in t.guards if len(g.fields) > 1}

Extra = Callable[[Dispute, CaseView], dict[str, Any]]
EXTRAS: dict[str, Extra] = {
    "header": lambda d, view: {  # the scan's findings on its lines are internal, as the scan
        "found_by_scan": exceptions_of_dispute(d) if current_user.can("read_exceptions") else ()
    },
    "actions": lambda d, view: {
        "evidence_waits": evidence_waits(current_user.as_actor(), d.facts(), utcnow()),
        **_credit_lines(d, view),
    },
    "comparison": lambda d, view: {"lines": compare_dispute(d)},
    "evidence": lambda d, view: {"evidence": evidence_panel(d, current_user)},
    "credit": lambda d, view: {"credit": credit_panel(d, current_user, view)},
    "timeline": lambda d, view: {"events": timeline(d, current_user)},
}


def _credit_lines(d: Dispute, view: CaseView) -> dict[str, Any]:
    """The resolve form's lines and the credit they propose together (its starting amount)."""
    lines = line_views(d) if any(t.trigger == "resolve" for t in view.actions) else []
    proposed = sum(v.facts.proposed for v in lines if v.facts.proposed)
    return {"credit_lines": lines, "proposed_credit": proposed or None}


def load_case(ref: str) -> Dispute:
    """Load a case the user may see; 404 alike for a missing case and for one not theirs."""
    try:
        return load_dispute(ref, current_user)
    except NotFound:
        abort(404)


def case_context(dispute: Dispute, areas: Iterable[str]) -> dict[str, Any]:
    """Gather what the named areas of the case page show."""
    view = case_view(dispute, current_user, utcnow())
    context = {
        "view": view,
        "d": dispute,
        "outcomes": selectable_outcomes(),
        "root_causes": ROOT_CAUSES,
        "gl_reasons": GL_REASONS,
        "credit_outcomes": CREDIT_OUTCOMES,
        "accepted_types": ACCEPTED,
        "reporting_currency": REPORTING_CURRENCY,
        "may_watch": may_watch(current_user),
    }
    for area in areas:
        context.update(EXTRAS.get(area, lambda d, v: {})(dispute, view))
    return context


def render_area(name: str, ref: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    """Render one area of the case page, freshly loaded."""
    db.session.expire_all()
    context = case_context(load_case(ref), [name])
    return render_template(f"cases/_{name}.html", **context, **extra), status


def after_change(ref: str, area: str, message: str) -> Response | tuple[str, int]:
    """Answer a successful change: the area re-rendered and the others told to refresh."""
    if not htmx:
        flash(message, "info")
        return redirect(url_for("cases.show", ref=ref))
    body, status = render_area(area, ref, notice=message)
    # The other areas of the page listen for this and reload themselves.
    trigger = json.dumps({"case-changed": {"area": area}})
    return Response(body, status, headers={"HX-Trigger": trigger})


def refused(
    ref: str, area: str, error: DomainError, fields: Iterable[str] = ()
) -> Response | tuple[str, int]:
    """Answer a refused change, changing nothing: stale, not permitted, or input to fix.

    `fields` are the area's form fields that may have been left out (an unchosen file).
    """
    if not htmx and isinstance(error, NotPermitted):
        abort(403)
    if isinstance(error, StaleCase):  # the case as it is now, with what they typed kept
        stale = {"error": who_changed(ref), "failed": request.form.get("trigger"),
                 "form": request.form}  # fmt: skip
        if not htmx:
            return _whole_page(ref, area, stale), 409
        body, status = render_area(area, ref, 409, **stale)
        trigger = json.dumps({"case-changed": {"area": area}})  # the header and the rest refresh
        return Response(body, status, headers={"HX-Trigger": trigger})
    status = status_for(error)  # the same answer the API gives
    problems = beside_fields(
        getattr(error, "errors", None)
        or {
            name.removesuffix("_given"): message
            for name, message in getattr(error, "failures", {}).items()
        }
    )
    # A problem with a field the person filled in is shown beside it; the rest above the form.
    sent = {*request.form, *request.files, *fields, *FIELD_GROUPS} - set(HIDDEN_FIELDS)
    inline = {k: v for k, v in problems.items() if k in sent}
    rest = [v for k, v in problems.items() if k not in inline]
    message = "; ".join(rest) if problems else error.detail
    refusal = {"error": message or None, "errors": inline, "failed": request.form.get("trigger"),
               "form": request.form}  # fmt: skip
    if not htmx:
        return _whole_page(ref, area, refusal), status
    return render_area(area, ref, status, **refusal)


def _whole_page(ref: str, area: str, refusal: dict[str, Any]) -> str:
    """Without JavaScript: the whole case page, the refused form open with what was typed."""
    db.session.expire_all()
    context = case_context(load_case(ref), AREAS)
    return render_template("cases/show.html", **context, **refusal, refused_area=area)


def who_changed(ref: str) -> str:
    """Say who last changed the case and when, for a tab that had not seen it."""
    event = db.session.scalars(
        select(Event).where(Event.dispute_id == parse_ref(ref)).order_by(Event.seq.desc()).limit(1)
    ).first()
    kept = "; nothing was saved. What you typed is kept below: check the case and send it again."
    if event is None:
        return "This case changed since you opened it" + kept
    zone = ZoneInfo(getattr(current_user, "timezone", None) or "America/Chicago")
    when = event.at.astimezone(zone).strftime("%b %d, %H:%M")
    if event.actor_id == current_user.id:
        return Markup("You changed this case in another tab or window ({}){}").format(when, kept)
    return Markup("{} changed this case at {}{}").format(person(event.actor), when, kept)
