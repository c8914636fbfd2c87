"""Evidence routes of the JSON API."""

from flask import Response, g, jsonify, request

from app.api.blueprint import bp
from app.api.documents import instant
from app.evidence.http import attachment
from app.models import Evidence
from app.models.types import MAX_ID
from app.queries.evidence import list_evidence
from app.queries.listing import load_dispute
from app.services.evidence import open_download, upload_evidence
from workflows.errors import InvalidInput


def evidence_document(evidence: Evidence) -> dict:
    return {
        "id": evidence.id,
        "kind": evidence.kind,
        "filename": evidence.filename,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "content_type": evidence.content_type,
        "note": evidence.note,
        "uploaded_by": evidence.uploaded_by.email,
        "uploaded_at": instant(evidence.uploaded_at),
        "removed_at": instant(evidence.removed_at),
    }


@bp.post("/disputes/<ref>/evidence")
def evidence_upload(ref: str) -> Response:
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput({"file": "attach the file as multipart/form-data field 'file'"})
    evidence, created = upload_evidence(
        ref, g.user, upload.stream, upload.filename, upload.mimetype,
        request.form.get("kind", ""), request.form.get("note", ""),
    )  # fmt: skip
    response = jsonify(evidence_document(evidence))
    response.status_code = 201 if created else 200
    return response


@bp.get("/disputes/<ref>/evidence")
def evidence_index(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    return jsonify(items=[evidence_document(e) for e in list_evidence(dispute, g.user)])


@bp.get(f"/evidence/<int(min=1, max={MAX_ID}):evidence_id>/download")
def evidence_download(evidence_id: int) -> Response:
    evidence, handle = open_download(evidence_id, g.user)
    return attachment(evidence, handle)
