"""Small helpers the web views share: page-or-partial, role gates, domain errors as pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, render_template
from flask_login import current_user, login_required

from app.extensions import htmx


def page_or_partial(page_template: str, partial_template: str, **context: Any) -> str:
    """Render the whole page, or only its replaceable area when htmx asks for it."""
    if htmx and not htmx.boosted:
        return render_template(partial_template, **context)
    return render_template(page_template, **context)


def roles_required(*roles: str) -> Callable:
    """Let only signed-in users of these roles through; others get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def gated(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return gated

    return decorate
