"""The HTML interface: blueprints, the login manager's hooks, and error pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, Response, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db, htmx, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    """Register the web blueprints and the login hooks."""
    from app.web import auth, cases, filing, home, queues, tracking

    for blueprint in (auth.bp, home.bp, queues.bp, cases.bp, filing.bp, tracking.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(localtime)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = "Sign in again to confirm it is you."
    app.register_error_handler(403, _error_page)
    app.register_error_handler(404, _error_page)


def localtime(value: datetime | None, fmt: str = "%b %d, %H:%M") -> str:
    """Show a UTC instant in the signed-in user's time zone."""
    if value is None:
        return ""
    zone = getattr(current_user, "timezone", None) or "America/Chicago"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx:  # a redirect would swap the login page into a fragment; make the browser go
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def _error_page(error):  # noqa: ANN001,ANN202
    if request.path.startswith("/api/"):
        return error
    return render_template("error.html", error=error, user=current_user), error.code
