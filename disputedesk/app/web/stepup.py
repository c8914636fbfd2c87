"""Step-up sign-in in place: the password asked for inside the form, the action then done.

Approving and issuing credits need a sign-in from the last 15 minutes. Rather than sending
the approver to the login page (and losing the comment they typed), the request is answered
with a small password form that carries every field that was sent (in the same area for an
htmx request, as a page of its own without JavaScript); sending it confirms the password
here, before the view runs, and the original action goes ahead.
"""

import time

from flask import Response, render_template, request, session
from flask_login import confirm_login, current_user

from disputedesk.app.extensions import htmx
from disputedesk.app.services.users import authenticate
from disputedesk.app.web.auth import FRESH_SECONDS, SIGNED_IN_AT

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


def tell_fresh_until(response: Response) -> Response:
    """Tell the page, on each htmx answer, until when the sign-in is fresh: a password given in
    place moves the notice beside the approval forms on without a reload."""
    if htmx and (until := fresh_until()):
        response.headers["X-Fresh-Until"] = str(until)
    return response


def ask_in_place() -> Response | None:
    """Answer a form sent on a stale sign-in with the password form, carrying what was sent.

    An htmx request gets it in the form's own area; a plain form post (no JavaScript) gets a
    page of its own that posts back to the same action. Anything but a POST goes to sign-in.
    """
    if request.method != "POST" or (htmx and not htmx.target):
        return None
    kept = [(k, v) for k, v in request.form.items(multi=True) if k != PASSWORD_FIELD]
    asked = {"action": request.path, "kept": kept, "wrong": "stepup.refused" in request.environ}
    if not htmx:
        return Response(render_template("auth/stepup.html", target="stepup", **asked), 200)
    body = render_template("auth/_stepup.html", target=htmx.target, **asked)
    return Response(body, 200, headers={"HX-Retarget": f"#{htmx.target}", "HX-Reswap": "outerHTML"})
