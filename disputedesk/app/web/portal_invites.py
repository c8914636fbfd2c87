"""The account's lead invites an advertiser's or agency's people to the portal."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.services import portal
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.errors import InvalidInput, NotFound

bp = Blueprint("portal_invites", __name__)


@bp.post("/advertisers/<ref>/portal-invites")
@requires("invite_portal_users")
def invite(ref: str):  # noqa: ANN201
    email = request.form.get("email", "")
    try:
        user, token = portal.invite(current_user, ref, email, request.form.get("name", ""))
    except NotFound:
        abort(404)
    except InvalidInput as error:
        return render_template("portal/invited.html", ref=ref, errors=error.errors,
                               email=email), 422  # fmt: skip
    link = url_for("account.set_password", token=token, _external=True) if token else None
    return render_template("portal/invited.html", ref=ref, user=user, link=link, errors={})
