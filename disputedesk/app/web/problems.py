"""Root-cause problems on the web: the list, one problem's page, and linking cases to it."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.queries.problems import arrivals_by_month, problem_list, problem_view
from disputedesk.app.services.exceptions import link_problem
from disputedesk.app.services.problems import change_problem, link_dispute, open_problem
from disputedesk.app.web import params
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.assurance import OWNING_TEAMS, PROBLEM_STATUSES
from disputedesk.workflows.codes import ROOT_CAUSES
from disputedesk.workflows.errors import DomainError, InvalidInput, NotFound

bp = Blueprint("problems", __name__)


@bp.get("/problems")
@requires("read_exceptions")
def index():  # noqa: ANN201
    return render_template("problems/index.html", rows=problem_list(current_user),
                           causes=ROOT_CAUSES, teams=OWNING_TEAMS)  # fmt: skip


@bp.get("/problems/<int(min=1, max=2147483647):problem_id>")
@requires("read_exceptions")
def show(problem_id: int):  # noqa: ANN201
    try:
        view = problem_view(current_user, problem_id)
    except NotFound:
        abort(404)
    return render_template("problems/show.html", v=view, months=arrivals_by_month(view),
                           statuses=PROBLEM_STATUSES, teams=OWNING_TEAMS)  # fmt: skip


def _flash_refusal(error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        flash("Nothing changed: " + "; ".join(error.errors.values()) + ".", "error")
    else:
        flash(f"Nothing changed: {error.detail}", "error")


@bp.post("/problems")
@requires("manage_problems")
def create():  # noqa: ANN201
    form = request.form
    try:
        p = open_problem(current_user, form.get("title", ""), form.get("cause_code", ""),
                         form.get("owning_team", ""))  # fmt: skip
    except DomainError as error:
        _flash_refusal(error)
        return redirect(url_for("problems.index"))
    flash(f"Opened {p.ref}.", "info")
    return redirect(url_for("problems.show", problem_id=p.id))


@bp.post("/problems/<int(min=1, max=2147483647):problem_id>")
@requires("manage_problems")
def change(problem_id: int):  # noqa: ANN201
    form = request.form
    try:
        shipped = form.get("fix_shipped_on") or None
        try:
            shipped = date.fromisoformat(shipped) if shipped else None
        except ValueError:
            raise InvalidInput({"fix_shipped_on": "a date such as 2026-11-20"}) from None
        change_problem(current_user, problem_id, status=form.get("status") or None,
                       fix=form.get("fix"), fix_shipped_on=shipped,
                       version=params.optional_int(form, "version"))  # fmt: skip
    except NotFound:
        abort(404)
    except DomainError as error:
        _flash_refusal(error)
    else:
        flash("Saved.", "info")
    return redirect(url_for("problems.show", problem_id=problem_id))


@bp.post("/problems/<int(min=1, max=2147483647):problem_id>/cases")
@requires("work_cases")
def link(problem_id: int):  # noqa: ANN201
    """Link a case (DSP-…) or an exception (EXC-…) to this problem."""
    ref = request.form.get("ref", "").strip().upper()
    try:
        if ref.startswith("EXC-"):
            link_problem(current_user, ref, problem_id)
        else:
            link_dispute(current_user, ref, problem_id)
    except NotFound:
        flash(f"Nothing changed: no case or exception {ref or '(none given)'} of yours.", "error")
    except DomainError as error:
        _flash_refusal(error)
    else:
        flash(f"Linked {ref}.", "info")
    return redirect(url_for("problems.show", problem_id=problem_id))
