"""Setting a password through the one-time link an administrator's invitation gave."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from disputedesk.app.services.admin import password_link_is_live, use_password_link
from disputedesk.workflows.errors import InvalidInput, NotFound

bp = Blueprint("account", __name__)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):  # noqa: ANN201
    if len(token) > 100 or not password_link_is_live(token):
        abort(404)
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            error = "The two passwords differ."
        else:
            try:
                use_password_link(token, password)
            except (InvalidInput, NotFound) as refused:
                error = refused.detail
            else:
                flash("Your password is set. Sign in with it.", "info")
                return redirect(url_for("auth.login"))
    status = 422 if error else 200
    return render_template("auth/set_password.html", error=error), status
