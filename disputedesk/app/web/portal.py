"""The advertiser portal: an advertiser's or agency's people see their accounts' cases, file
over invoice lines, answer requests for information and download their credit memos.

They see nothing of the workspace: `keep_portal_people_in_the_portal` sends every other page to
the portal (a form elsewhere is refused), and the portal's pages are theirs alone.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.queries import portal as seen
from disputedesk.app.services import portal
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.codes import REASON_CODES
from disputedesk.workflows.errors import Conflict, InvalidInput, NotFound

bp = Blueprint("portal", __name__, url_prefix="/portal")
ELSEWHERE_OPEN = {"auth", "account", "unsubscribe", "ops", "portal"}  # blueprints anyone uses


def keep_portal_people_in_the_portal() -> Response | None:
    """A portal account opening a workspace page is sent to the portal; its forms are refused."""
    if request.blueprint == "api" or request.endpoint == "static":
        return None
    if not current_user.is_authenticated or not current_user.can("use_portal"):
        return None
    if request.blueprint in ELSEWHERE_OPEN:
        return None
    if request.method != "GET":
        abort(403)
    target = url_for("portal.index")
    if request.headers.get("HX-Request"):
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@bp.get("")
@requires("use_portal")
def index():  # noqa: ANN201
    return render_template("portal/index.html", cases=seen.cases_of(current_user),
                           advertisers=seen.advertisers_of(current_user))  # fmt: skip


def _picks() -> list[portal.Pick]:
    picks = []
    for value in request.form.getlist("line"):  # "INVOICE-NUMBER|line_no"
        number, _, line_no = value.rpartition("|")
        if not number or not line_no.isascii() or not line_no.isdigit() or len(line_no) > 6:
            raise InvalidInput({"lines": "choose lines from the list"})
        amount = request.form.get(f"amount|{value}", "").strip()
        picks.append(portal.Pick(number, int(line_no), amount))
    return picks


@bp.route("/file", methods=["GET", "POST"])
@requires("use_portal")
def file():  # noqa: ANN201
    errors, status = {}, 200
    if request.method == "POST":
        try:
            filed = portal.file_lines(current_user, _picks(), request.form.get("reason_code", ""),
                                      request.form.get("description", ""))  # fmt: skip
        except (InvalidInput, NotFound, Conflict) as error:
            errors = getattr(error, "errors", None) or {"filing": error.detail}
            status = 422
        else:
            flash("Filed " + ", ".join(d.ref for d in filed) + ". We will keep you posted here.")
            return redirect(url_for("portal.case", ref=filed[0].ref))
    return render_template(
        "portal/file.html", invoices=seen.invoices_of(current_user), reasons=REASON_CODES,
        errors=errors, form=request.form,
    ), status  # fmt: skip


@bp.get("/cases/<ref>")
@requires("use_portal")
def case(ref: str, errors: dict | None = None, status: int = 200):  # noqa: ANN201
    try:
        dispute = seen.case_of(current_user, ref)
    except NotFound:
        abort(404)
    return render_template(
        "portal/case.html", dispute=dispute, timeline=seen.timeline(dispute),
        promise=seen.promise(dispute), memos=seen.memos(dispute),
        files=seen.their_files(dispute), errors=errors or {}, form=request.form,
    ), status  # fmt: skip


@bp.post("/cases/<ref>/answer")
@requires("use_portal")
def answer(ref: str):  # noqa: ANN201
    upload = request.files.get("file")
    files = []
    if upload is not None and upload.filename:
        files = [(upload.filename, upload.mimetype or "", upload.read())]
    try:
        portal.answer(current_user, ref, request.form.get("message", ""), files)
    except NotFound:
        abort(404)
    except (InvalidInput, Conflict) as error:
        return case(ref, errors=getattr(error, "errors", None) or {"answer": error.detail},
                    status=422 if isinstance(error, InvalidInput) else 409)  # fmt: skip
    flash("Thank you: your answer is on the case.")
    return redirect(url_for("portal.case", ref=ref))


@bp.get("/cases/<ref>/memos/<number>")
@requires("use_portal")
def memo(ref: str, number: str):  # noqa: ANN201
    try:
        dispute = seen.case_of(current_user, ref)
        credit = seen.memo_of(dispute, number)
    except NotFound:
        abort(404)
    page = render_template("portal/memo.html", dispute=dispute, memo=credit)
    return Response(page, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{credit.number}.html"'})  # fmt: skip
