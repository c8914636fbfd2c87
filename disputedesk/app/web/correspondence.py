"""Leads keep advertisers' billing contacts and triage e-mail that matched no case."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.models.types import as_id
from disputedesk.app.queries.portal import people_of
from disputedesk.app.services.correspondence import (
    contacts_of,
    find_advertiser,
    may_edit_contacts,
    set_contacts,
)
from disputedesk.app.services.inbound_mail import attach_from_triage, triage
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.errors import InvalidInput, NotFound

bp = Blueprint("correspondence", __name__)
ROWS = 5  # empty rows offered for new contacts


@bp.route("/advertisers/<ref>/contacts", methods=["GET", "POST"])
@requires("keep_billing_contacts")
def contacts(ref: str):  # noqa: ANN201
    try:
        advertiser = find_advertiser(ref)
    except NotFound:
        abort(404)
    if not may_edit_contacts(current_user, advertiser):
        abort(404)  # another team's account: not theirs to see
    errors, status = {}, 200
    if request.method == "POST":
        names, emails = request.form.getlist("name"), request.form.getlist("email")
        wanted = [{"name": n, "email": e} for n, e in zip(names, emails, strict=False) if n or e]
        try:
            set_contacts(current_user, ref, wanted)
            flash("Billing contacts saved.")
            return redirect(url_for("correspondence.contacts", ref=ref))
        except InvalidInput as error:
            errors, status = error.errors, 422
    known = contacts_of(advertiser.id)
    return render_template("correspondence/contacts.html", advertiser=advertiser,
                           contacts=known, rows=ROWS, errors=errors,
                           portal_people=people_of(advertiser)), status  # fmt: skip


@bp.get("/inbound")
@requires("triage_inbound_email")
def inbound():  # noqa: ANN201
    return render_template("correspondence/triage.html", messages=triage(current_user), error=None)


@bp.post("/inbound/<message_id>/attach")
@requires("triage_inbound_email")
def attach(message_id: str):  # noqa: ANN201
    try:
        record = attach_from_triage(current_user, as_id(message_id), request.form.get("ref", ""))
    except NotFound as error:
        page = render_template("correspondence/triage.html", messages=triage(current_user),
                               error=error.detail)  # fmt: skip
        return page, 404
    flash(f"The message is on {request.form.get('ref', '').upper()} now.")
    return redirect(url_for("cases.show", ref=f"DSP-{record.dispute_id:06d}"))
