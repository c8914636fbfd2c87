"""Small helpers the web views share: page-or-partial and capability gates."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, abort, make_response, render_template
from flask_login import current_user, login_required

from disputedesk.app.extensions import htmx


def wants_partial() -> bool:
    """Tell whether htmx asked for a fragment (not a boosted link or a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_or_partial(page_template: str, partial_template: str, **context: Any) -> Response:
    """Render the whole page, or only its replaceable area when htmx asks for it."""
    template = partial_template if wants_partial() else page_template
    response = make_response(render_template(template, **context))
    # One URL answers with a page or a fragment: caches (and the back button) must tell them apart.
    response.vary.add("HX-Request")
    return response


def requires(capability: str) -> Callable:
    """Let only signed-in users who have the capability through; others get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def gated(*args: Any, **kwargs: Any) -> Any:
            if not current_user.can(capability):
                abort(403)
            return view(*args, **kwargs)

        return gated

    return decorate
