"""Sign in and sign out; a sign-in stays fresh (good for approving money) for 15 minutes."""

import re
import time
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from disputedesk.app.extensions import limiter
from disputedesk.app.security import log
from disputedesk.app.security.sessions import (
    SIGNED_IN_AT,
    end_all_sessions,
    end_session,
    start_session,
)
from disputedesk.app.security.throttle import current_throttle
from disputedesk.app.services.transactions import transaction
from disputedesk.app.services.users import authenticate
from disputedesk.app.web.params import EdgeText
from disputedesk.workflows.edge import MAX_EMAIL

bp = Blueprint("auth", __name__)
CONTROL = re.compile(r"[\x00-\x20\x7f]")
FRESH_SECONDS = 15 * 60  # approving and issuing credits ask for the password again after this
__all__ = ["SIGNED_IN_AT", "FRESH_SECONDS", "bp", "safe_next"]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), EdgeText(MAX_EMAIL)])
    password = PasswordField("Password", validators=[DataRequired()])


def _stays_here(target: str) -> bool:
    # One slash then neither another slash nor a backslash, and no scheme or host.
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site, however it is spelt or encoded."""
    target = target or ""
    # Browsers drop tabs and newlines from a URL ("/\t/evil" becomes "//evil"): refuse any
    # control character or space as sent, and no backslash anywhere.
    if not _stays_here(target) or "\\" in target or CONTROL.search(target):
        return url_for("home.index")
    decoded, seen = target, set()
    while decoded not in seen:  # decoded until stable: %2F%2F and %252F%252F alike
        seen.add(decoded)
        decoded = unquote(decoded)
        if not _stays_here(CONTROL.sub("", decoded)) or "\\" in decoded:
            return url_for("home.index")
    return target


@bp.before_app_request
def expire_freshness() -> None:
    """Mark the session stale once the password was entered more than 15 minutes ago."""
    if request.blueprint == "api" or not session.get("_fresh"):  # the API has no sessions
        return
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float) or time.time() - signed_in_at > FRESH_SECONDS:
        session["_fresh"] = False


def _failed(response) -> bool:  # noqa: ANN001
    return response.status_code != 302  # only failed attempts count against an address


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGNIN_ADDRESS_LIMIT"],
    methods=["POST"],
    deduct_when=_failed,
    scope="signin-address",
)
def login():  # noqa: ANN201
    form = LoginForm()
    refused, status, headers = None, 200, {}
    if form.validate_on_submit():
        email = form.email.data or ""
        lockout = current_throttle().lockout(email)
        user = None if lockout else authenticate(email, form.password.data)
        if user and user.can("sign_in"):  # machine users use API tokens, never this
            current_throttle().clear(email)
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        with transaction():  # the security log of the refusal
            if lockout is None:
                log.record("sign_in_failed", subject=user, email=email)
                lockout = current_throttle().failed(email)
                if lockout:
                    log.record("locked_out", subject=user, email=email,
                               data={"seconds": lockout.retry_after})  # fmt: skip
            else:
                log.record("sign_in_locked", email=email, data={"seconds": lockout.retry_after})
        refused = "That email and password do not match an active account."
        if lockout:
            refused = (
                f"Too many failed sign-ins for this account. Try again in {lockout.wait_text},"
                " or ask a lead or an administrator to unlock it."
            )
            status, headers = 429, {"Retry-After": str(lockout.retry_after)}
    if form.is_submitted() and status == 200:
        status = 422
    if not form.is_submitted() and current_user.is_authenticated:
        form.email.data = current_user.email  # confirming who they are: they type the password
    return render_template("auth/login.html", form=form, refused=refused), status, headers


@bp.post("/logout")
@login_required
def logout():  # noqa: ANN201
    end_session(current_user._get_current_object())
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():  # noqa: ANN201
    """End every session of the signed-in person, on every browser, this one included."""
    user = current_user._get_current_object()
    ended = end_all_sessions(user)
    log.record("signed_out_everywhere", actor=user, subject=user, data={"sessions": ended})
    end_session(user)
    flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.login"))
