"""The JSON API under /api/v1: bearer tokens, JSON in and out, problem documents on error."""

from flask import Response, g, request
from werkzeug.exceptions import HTTPException

from disputedesk.app.api.blueprint import bp
from disputedesk.app.api.problems import from_domain_error, from_http_error, problem
from disputedesk.app.api.reference import docs_bp  # noqa: F401  (registered by create_app)
from disputedesk.app.api.registry import public_endpoints
from disputedesk.app.api.scopes import scope_refusal
from disputedesk.app.services.tokens import token_in_use
from disputedesk.workflows.errors import DomainError


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in public_endpoints():
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    row = token_in_use(token.strip()) if scheme.lower() == "bearer" and token else None
    if row is None:
        detail = "send a valid, unexpired, unrevoked API token: Authorization: Bearer …"
        response = problem(401, "Unauthorized", detail)
        response.headers["WWW-Authenticate"] = 'Bearer realm="disputedesk"'
        return response
    g.user, g.token = row.user, row
    return scope_refusal(row)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> Response:
    return from_domain_error(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return from_http_error(error)


from disputedesk.app.api import adjudication, catalog, credits, disputes, evidence, openapi, tokens  # noqa: E402,F401
from disputedesk.app.api import bulk as _bulk  # noqa: E402,F401
from disputedesk.app.api import comparison as _comparison  # noqa: E402,F401
from disputedesk.app.api import correspondence as _correspondence  # noqa: E402,F401
from disputedesk.app.api import exceptions as _exceptions  # noqa: E402,F401
from disputedesk.app.api import feeds as _feeds  # noqa: E402,F401
from disputedesk.app.api import insight as _insight  # noqa: E402,F401
from disputedesk.app.api import journal as _journal  # noqa: E402,F401
from disputedesk.app.api import open_items as _open_items  # noqa: E402,F401
from disputedesk.app.api import portal_users as _portal_users  # noqa: E402,F401
from disputedesk.app.api import posting as _posting  # noqa: E402,F401
from disputedesk.app.api import rebill as _rebill  # noqa: E402,F401
from disputedesk.app.api import reserve as _reserve  # noqa: E402,F401
from disputedesk.app.api import root_causes as _root_causes  # noqa: E402,F401
