"""The Flask application factory."""

from pathlib import Path
from typing import Any

from flask import Flask

from disputedesk.app.extensions import csrf, db, htmx, limiter, login_manager, migrate
from disputedesk.app.security import headers, settings
from disputedesk.config import INSTANCE, Config

PACKAGE = Path(__file__).parent.parent  # templates, static and migrations ship inside it


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints and CLI."""
    app = Flask(
        __name__,
        template_folder=str(PACKAGE / "templates"),
        static_folder=str(PACKAGE / "static"),
        instance_path=str(INSTANCE),
    )
    app.config.from_object(Config)
    app.config.update(overrides or {})
    settings.enforce(app.config)  # production with unsafe settings does not start
    Path(app.instance_path).mkdir(exist_ok=True)  # home of the default SQLite file

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    headers.init_app(app)

    from disputedesk.app import api, cli, ops, web
    from disputedesk.app.security import cli as security_cli
    from disputedesk.app.security import ratelimits
    from disputedesk.app.services.billed_facts import watch_invoices

    watch_invoices()  # the billed facts follow every inserted invoice

    ratelimits.limit_api(api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.docs_bp)
    csrf.exempt(api.bp)
    web.init_app(app)
    cli.init_app(app)
    security_cli.init_app(app)
    ops.init_app(app)
    return app
