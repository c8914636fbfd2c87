"""One-click unsubscribe from notice e-mail (RFC 8058): the mail program POSTs to the signed
link without a session or a CSRF token (the link is the authority); a person opening it sees
what it turns off and confirms."""

from flask import Blueprint, abort, render_template, request

from disputedesk.app.services.unsubscribe import read_token, unsubscribe
from disputedesk.workflows.notices import KINDS

bp = Blueprint("unsubscribe", __name__, url_prefix="/notifications/unsubscribe")


@bp.route("/<token>", methods=["GET", "POST"])
def one_click(token: str):  # noqa: ANN201
    found = read_token(token)
    if found is None:
        abort(404)
    user, kind = found
    if request.method == "GET":
        return _page(token, kind, user.email, None)
    return _page(token, kind, user.email, unsubscribe(user, kind))


def _page(token: str, kind: str, email: str, done: list[str] | None) -> str:
    return render_template("notifications/unsubscribe.html", token=token, kind=kind,
                           email=email, done=done, kinds=KINDS)  # fmt: skip
