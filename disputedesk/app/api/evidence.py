"""Evidence routes of the JSON API."""

from flask import Response, g, request

from disputedesk.app.api import answers
from disputedesk.app.api.params import REF, id_param, id_rule
from disputedesk.app.api.registry import operation, read_form, reply
from disputedesk.app.api.schemas import EvidenceForm
from disputedesk.app.evidence.http import attachment
from disputedesk.app.evidence.sniff import CSV, EML, JPEG, PDF, PNG, TXT, XLSX
from disputedesk.app.models import Evidence
from disputedesk.app.queries.evidence import list_evidence
from disputedesk.app.queries.listing import load_dispute
from disputedesk.app.services.evidence import open_download, upload_evidence
from disputedesk.workflows.errors import InvalidInput

DOWNLOAD_TYPES = tuple(t.content_type for t in (PDF, CSV, XLSX, PNG, JPEG, EML, TXT))


def evidence_document(evidence: Evidence) -> answers.Evidence:
    return answers.Evidence(
        id=evidence.id,
        kind=evidence.kind,
        filename=evidence.filename,
        size=evidence.size,
        sha256=evidence.sha256,
        content_type=evidence.content_type,
        note=evidence.note,
        uploaded_by=evidence.uploaded_by.email,
        uploaded_at=evidence.uploaded_at,
        removed_at=evidence.removed_at,
    )


@operation(
    "POST", "/disputes/<ref>/evidence", scope="write", path_params=REF, form=EvidenceForm,
    summary="Attach evidence (multipart: file, kind, note); 200 when the file is there already",
    answers={201: answers.Evidence, 200: answers.Evidence},
    refusals=(400, 403, 404, 409, 413, 415, 422),
)  # fmt: skip
def evidence_upload(ref: str) -> Response:
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput({"file": "attach the file as multipart/form-data field 'file'"})
    form = read_form(EvidenceForm)
    evidence, created = upload_evidence(
        ref, g.user, upload.stream, upload.filename, upload.mimetype, form.kind, form.note
    )
    return reply(evidence_document(evidence), 201 if created else 200)


@operation(
    "GET", "/disputes/<ref>/evidence", summary="List the dispute's evidence", scope="read",
    path_params=REF, answers={200: answers.EvidenceList}, refusals=(404,),
)  # fmt: skip
def evidence_index(ref: str) -> Response:
    dispute = load_dispute(ref, g.user)
    items = [evidence_document(e) for e in list_evidence(dispute, g.user)]
    return reply(answers.EvidenceList(items=items))


@operation(
    "GET", f"/evidence/{id_rule('evidence_id')}/download", scope="read",
    summary="Download evidence as an attachment (its sniffed content type)",
    path_params=id_param("evidence_id", "the evidence file's id"),
    answers={200: DOWNLOAD_TYPES}, refusals=(404, 410),
)  # fmt: skip
def evidence_download(evidence_id: int) -> Response:
    evidence, handle = open_download(evidence_id, g.user)
    return attachment(evidence, handle)
