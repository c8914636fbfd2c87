"""The human-readable API reference at /api/docs, drawn from the served OpenAPI document."""

from flask import Blueprint, Response, render_template

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")
# Everything the page loads is vendored in static/: no CDN, no inline script or style.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


@docs_bp.get("/docs")
def reference() -> Response:
    response = Response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = POLICY
    return response
