"""The billing exceptions queue and one exception's page: claim, assign, resolve, dispute."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.exceptions import (
    ASSIGNEE_FILTERS,
    ExceptionFilter,
    exception_page,
    exception_trail,
    load_exception,
)
from disputedesk.app.queries.queues import team_members
from disputedesk.app.services.exceptions import (
    assign_exceptions,
    claim_exception,
    dispute_exception,
    request_rebill,
    resolve_billed_correctly,
)
from disputedesk.app.web import params
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows.assurance import EXCEPTION_KINDS, RESOLUTIONS, STATUSES, allowed_actions
from disputedesk.workflows.errors import DomainError, NotFound

bp = Blueprint("exceptions", __name__)
PAGE = 50


def _filter() -> ExceptionFilter:
    args = request.args
    status = args.get("status", "open")
    kind = args.get("kind") or None
    assignee = args.get("assignee", "anyone")
    if (
        status not in (*STATUSES, "any")
        or kind not in (None, *EXCEPTION_KINDS)
        or (assignee not in ASSIGNEE_FILTERS)
    ):
        abort(400)
    return ExceptionFilter(None if status == "any" else status, kind, assignee)


@bp.get("/exceptions")
@requires("read_exceptions")
def queue():  # noqa: ANN201
    want = _filter()
    after = params.optional_int(request.args, "after")
    rows, total = exception_page(current_user, want, after, PAGE + 1)
    members = team_members(current_user) if current_user.can("lead_team") else []
    return page_or_partial(
        "exceptions/queue.html", "exceptions/_table.html",
        rows=rows[:PAGE], total=total, more=len(rows) > PAGE, want=want, members=members,
        statuses=STATUSES, kinds=EXCEPTION_KINDS, now=utcnow(),
    )  # fmt: skip


@bp.get("/exceptions/<ref>")
@requires("read_exceptions")
def show(ref: str):  # noqa: ANN201
    try:
        e = load_exception(ref, current_user)
    except NotFound:
        abort(404)
    leads = current_user.can("assign_cases", team_id=e.team_id)
    actions = allowed_actions(e.kind, e.status) if current_user.can("work_exceptions") else ()
    return render_template(
        "exceptions/show.html", e=e, trail=exception_trail(e), dispute=e.dispute,
        members=team_members(current_user) if leads and actions else [], actions=actions,
        resolutions=RESOLUTIONS, now=utcnow(),
    )  # fmt: skip


def _act(ref: str, use_case, done: str):  # noqa: ANN001, ANN202
    try:
        result = use_case()
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(f"Nothing changed: {error.detail}", "error")
        return redirect(url_for("exceptions.show", ref=ref))
    flash(done.format(result=result), "info")
    return redirect(url_for("exceptions.show", ref=ref))


def _version() -> int | None:
    return params.optional_int(request.form, "version")


@bp.post("/exceptions/<ref>/claim")
@requires("work_exceptions")
def claim(ref: str):  # noqa: ANN201
    return _act(ref, lambda: claim_exception(current_user, ref, _version()), "It is yours now.")


@bp.post("/exceptions/<ref>/resolve")
@requires("work_exceptions")
def resolve(ref: str):  # noqa: ANN201
    note = request.form.get("note", "")
    return _act(ref, lambda: resolve_billed_correctly(current_user, ref, note, _version()),
                "Closed as billed correctly.")  # fmt: skip


@bp.post("/exceptions/<ref>/rebill")
@requires("work_exceptions")
def rebill(ref: str):  # noqa: ANN201
    note = request.form.get("note", "")
    return _act(ref, lambda: request_rebill(current_user, ref, note, _version()),
                "A rebill request went to the billing system.")  # fmt: skip


@bp.post("/exceptions/<ref>/dispute")
@requires("work_exceptions")
def dispute(ref: str):  # noqa: ANN201
    try:
        made = dispute_exception(current_user, ref, _version())
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(f"Nothing changed: {error.detail}", "error")
        return redirect(url_for("exceptions.show", ref=ref))
    flash(f"{made.ref} was filed on the line; work it as any case.", "info")
    return redirect(url_for("cases.show", ref=made.ref))


@bp.post("/exceptions/assign")
@requires("lead_team")
def assign():  # noqa: ANN201
    refs = request.form.getlist("refs")
    assignee = params.optional_int(request.form, "assignee")
    try:
        done = assign_exceptions(current_user, refs, assignee or 0)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(f"Nothing was assigned: {error.detail}", "error")
    else:
        flash(f"Assigned {len(done)} exception{'' if len(done) == 1 else 's'}.", "info")
    return redirect(url_for("exceptions.queue"))
