"""Send an evidence file over HTTP, for the web and the API alike."""

from typing import IO

from flask import Response, send_file

from disputedesk.app.models import Evidence


def attachment(evidence: Evidence, handle: IO[bytes]) -> Response:
    """Send a file as a download the browser will not try to render."""
    response = send_file(
        handle,
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        etag=evidence.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
