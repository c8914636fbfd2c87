"""Evidence on the dispute page: upload a file, download it, take it off the case."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from disputedesk.app.evidence.http import attachment
from disputedesk.app.evidence.storage import TooLarge
from disputedesk.app.extensions import db, htmx
from disputedesk.app.models import Evidence
from disputedesk.app.models.disputes import format_ref
from disputedesk.app.models.types import MAX_ID
from disputedesk.app.services.evidence import open_download, remove_evidence, upload_evidence
from disputedesk.app.web.areas import after_change, load_case, refused, render_area
from disputedesk.workflows.errors import DomainError, FileMissing, InvalidInput, NotFound

bp = Blueprint("evidence", __name__)
FIELDS = ("file", "kind", "note")
EVIDENCE_ID = f"<int(min=1, max={MAX_ID}):evidence_id>"


@bp.post("/disputes/<ref>/evidence")
@login_required
def upload(ref: str):  # noqa: ANN201
    load_case(ref)
    chosen = request.files.get("file")
    try:
        if chosen is None or not chosen.filename:
            raise InvalidInput({"file": "choose a file to upload"})
        evidence, created = upload_evidence(
            ref, current_user, chosen.stream, chosen.filename, chosen.mimetype,
            request.form.get("kind", ""), request.form.get("note", ""),
        )  # fmt: skip
    except DomainError as error:
        return refused(ref, "evidence", error, FIELDS)
    if not created:  # the same file is on the case already: nothing changed
        return render_area("evidence", ref, notice=f"{evidence.filename} is on the case already.")
    return after_change(ref, "evidence", f"Added {evidence.filename}.")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):  # noqa: ANN201
    """Refuse a body over the limit in the panel; Werkzeug stopped before reading it."""
    message = str(TooLarge(current_app.config["MAX_EVIDENCE_BYTES"]))
    ref = (request.view_args or {}).get("ref")
    if ref is None or not current_user.is_authenticated:
        return error
    try:
        load_case(ref)
    except HTTPException as refusal:
        return refusal
    if not htmx:
        flash(f"{message[:1].upper()}{message[1:]}; nothing was saved.", "error")
        return redirect(url_for("cases.show", ref=ref))
    return render_area("evidence", ref, 413, error=message, errors={})


@bp.get(f"/evidence/{EVIDENCE_ID}/download")
@login_required
def download(evidence_id: int):  # noqa: ANN201
    evidence = db.session.get(Evidence, evidence_id) or abort(404)
    load_case(format_ref(evidence.dispute_id))  # 404 for a case that is not theirs
    try:
        evidence, handle = open_download(evidence_id, current_user)
    except NotFound:  # removed files are gone for people outside billing
        abort(404)
    except FileMissing as error:
        abort(410, description=error.detail)
    return attachment(evidence, handle)


@bp.post(f"/evidence/{EVIDENCE_ID}/remove")
@login_required
def remove(evidence_id: int):  # noqa: ANN201
    evidence = db.session.get(Evidence, evidence_id) or abort(404)
    ref = format_ref(evidence.dispute_id)
    load_case(ref)
    try:
        removed = remove_evidence(evidence_id, current_user)
    except NotFound:
        abort(404)
    except DomainError as error:
        return refused(ref, "evidence", error)
    return after_change(ref, "evidence", f"Removed {removed.filename}.")
