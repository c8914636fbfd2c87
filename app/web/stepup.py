"""Step-up sign-in in place: the password asked for inside the form, the action then done.

Approving and issuing credits need a sign-in from the last 15 minutes. Rather than sending
the approver to the login page (and losing the comment they typed), an htmx request answers
with a small password form in the same area that carries every field that was sent; sending
it confirms the password here, before the view runs, and the original action goes ahead.
"""

import time

from flask import Response, render_template, request, session
from flask_login import confirm_login, current_user

from app.extensions import htmx
from app.services.users import authenticate
from app.web.auth import FRESH_SECONDS, SIGNED_IN_AT

PASSWORD_FIELD = "stepup_password"


def confirm_password_in_place() -> None:
    """Before a view: a request carrying the step-up password makes the sign-in fresh."""
    password = request.form.get(PASSWORD_FIELD) if request.method == "POST" else None
    if not password or not current_user.is_authenticated:
        return
    if authenticate(current_user.email, password) is current_user._get_current_object():
        confirm_login()
        session[SIGNED_IN_AT] = int(time.time())
    else:
        request.environ["stepup.refused"] = True


def fresh_until() -> int | None:
    """When the sign-in stops being fresh enough to approve (epoch seconds), if it is now."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not session.get("_fresh") or not isinstance(signed_in_at, int | float):
        return None
    return int(signed_in_at) + FRESH_SECONDS


def ask_in_place() -> Response | None:
    """Answer an htmx request that needs a fresh sign-in with the password form, in place."""
    if not htmx or request.method != "POST" or not htmx.target:
        return None
    kept = [(k, v) for k, v in request.form.items(multi=True) if k not in (PASSWORD_FIELD,)]
    body = render_template(
        "auth/_stepup.html", action=request.path, target=htmx.target, kept=kept,
        wrong=bool(request.environ.get("stepup.refused")),
    )  # fmt: skip
    return Response(body, 200, headers={"HX-Retarget": f"#{htmx.target}", "HX-Reswap": "outerHTML"})
