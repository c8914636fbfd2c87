"""The bell in the header, the notifications page, e-mail preferences, @mention lookup."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import as_id
from disputedesk.app.queries.access import get_visible_dispute
from disputedesk.app.services.bell import mark_all_read, mark_read, notices_for, unread_count
from disputedesk.app.services.notice_delivery import email_modes, set_email_modes
from disputedesk.app.services.notices import mentionable
from disputedesk.app.web import params
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows.errors import InvalidInput, NotFound
from disputedesk.workflows.notices import DEFAULT_EMAIL_MODE, EMAIL_MODES, KINDS, handle_of

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
MENTION_RESULTS = 8


@bp.get("/bell")
@requires("read_notices")
def bell():  # noqa: ANN201
    poll = current_app.config["NOTIFY_POLL_SECONDS"]
    return render_template("notifications/_bell.html", unread=unread_count(current_user), poll=poll)


@bp.get("")
@requires("read_notices")
def index():  # noqa: ANN201
    unread_only = request.args.get("unread") == "1"
    return page_or_partial("notifications/index.html", "notifications/_list.html",
                           **_listing(unread_only))  # fmt: skip


@bp.get("/<notice_id>/open")
@requires("read_notices")
def open_notice(notice_id: str):  # noqa: ANN201
    try:
        notice = mark_read(current_user, as_id(notice_id))
    except NotFound:
        abort(404)
    if notice.dispute_id is None:
        return redirect(url_for("notifications.index"))
    return redirect(url_for("cases.show", ref=format_ref(notice.dispute_id)))


@bp.post("/<notice_id>/read")
@requires("read_notices")
def read(notice_id: str):  # noqa: ANN201
    try:
        mark_read(current_user, as_id(notice_id))
    except NotFound:
        abort(404)
    return _list_again()


@bp.post("/read-all")
@requires("read_notices")
def read_all():  # noqa: ANN201
    mark_all_read(current_user)
    return _list_again()


def _list_again():  # noqa: ANN202
    unread_only = request.args.get("unread") == "1"
    if request.headers.get("HX-Request"):
        return render_template("notifications/_list.html", **_listing(unread_only))
    return redirect(url_for("notifications.index", unread="1" if unread_only else None))


def _listing(unread_only: bool) -> dict:
    before = params.optional_int(request.args, "before")
    page = notices_for(current_user, unread_only, before)
    return {
        "notices": page.rows, "count": page.count, "next_before": page.next_before,
        "older": before is not None, "unread_only": unread_only, "format_ref": format_ref,
    }  # fmt: skip


@bp.route("/settings", methods=["GET", "POST"])
@requires("read_notices")
def settings():  # noqa: ANN201
    errors, saved = {}, False
    if request.method == "POST":
        wanted = {kind: request.form[kind] for kind in KINDS if kind in request.form}
        try:
            set_email_modes(current_user, wanted)
            saved = True
        except InvalidInput as error:
            errors = error.errors
    modes = {kind: DEFAULT_EMAIL_MODE for kind in KINDS} | email_modes(current_user)
    status = 422 if errors else 200
    return render_template("notifications/settings.html", kinds=KINDS, modes=modes,
                           choices=EMAIL_MODES, errors=errors, saved=saved), status  # fmt: skip


@bp.get("/mentionable/<ref>")
@requires("comment_account_team")
def mention_lookup(ref: str):  # noqa: ANN201
    """The people who can see the case whose handle or name starts with ?q (autocomplete)."""
    try:
        dispute = get_visible_dispute(ref, current_user)
    except NotFound:
        abort(404)
    internal = request.args.get("visibility") == "internal" and current_user.can("comment_internal")
    q = request.args.get("q", "").strip().lower().lstrip("@")[:60]
    people = [
        {"handle": handle_of(p.email), "name": p.name or p.email, "role": p.role}
        for p in mentionable(dispute, internal)
        if p.id != current_user.id
        and (handle_of(p.email).startswith(q) or (p.name or "").lower().startswith(q))
    ]
    return jsonify(people[:MENTION_RESULTS])
