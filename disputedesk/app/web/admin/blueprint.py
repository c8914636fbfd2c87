"""The admin blueprint and its gate: administrators only."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required

from disputedesk.workflows.admin import may_administer

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view: Callable) -> Callable:
    """Let only administrators through; others signed in get 403."""

    @wraps(view)
    @login_required
    def gated(*args: Any, **kwargs: Any) -> Any:
        if not may_administer(current_user.role):
            abort(403)
        return view(*args, **kwargs)

    return gated
