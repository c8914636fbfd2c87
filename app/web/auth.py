"""Sign in and sign out; a sign-in stays fresh (good for approving money) for 15 minutes."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.services.users import authenticate
from app.web.params import EdgeText
from workflows.edge import MAX_EMAIL

bp = Blueprint("auth", __name__)
FRESH_SECONDS = 15 * 60  # approving and issuing credits ask for the password again after this
SIGNED_IN_AT = "signed_in_at"  # session key: when the password was last entered (epoch seconds)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), EdgeText(MAX_EMAIL)])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("home.index")


@bp.before_app_request
def expire_freshness() -> None:
    """Mark the session stale once the password was entered more than 15 minutes ago."""
    if request.blueprint == "api" or not session.get("_fresh"):  # the API has no sessions
        return
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float) or time.time() - signed_in_at > FRESH_SECONDS:
        session["_fresh"] = False


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    form = LoginForm()
    refused = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user and user.can("sign_in"):  # machine users use API tokens, never this
            login_user(user)
            session[SIGNED_IN_AT] = int(time.time())
            return redirect(_safe_next(request.args.get("next")))
        refused = "That email and password do not match an active account."
    if not form.is_submitted() and current_user.is_authenticated:
        form.email.data = current_user.email  # confirming who they are: they type the password
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, refused=refused), status


@bp.post("/logout")
@login_required
def logout():  # noqa: ANN201
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
