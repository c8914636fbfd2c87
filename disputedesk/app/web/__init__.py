"""The HTML interface: blueprints, navigation, the login manager's hooks, and error pages."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib import import_module
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from disputedesk.app.api.problems import from_http_error
from disputedesk.app.extensions import csrf, htmx, login_manager
from disputedesk.app.models import User
from disputedesk.app.security.sessions import user_of_session
from disputedesk.app.web import correspondence, notifications, outbox_admin, params, webhooks_admin
from disputedesk.app.web.list_filters import in_reporting
from disputedesk.app.web.people import people, person
from disputedesk.app.web.stepup import (
    ask_in_place,
    confirm_password_in_place,
    fresh_until,
    tell_fresh_until,
)
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import REPORTING_CURRENCY


def init_app(app: Flask) -> None:
    """Register the web blueprints and the login hooks."""
    from disputedesk.app.web import (
        account,
        admin,
        auth,
        cases,
        credits,
        evidence,
        exports,
        filing,
        home,
        money_filters,
        queues,
        reports,
        tracking,
    )
    from disputedesk.app.web import reversals as reversal_views

    for module in (auth, home, queues, cases, evidence, credits, reports, filing, tracking):
        app.register_blueprint(module.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(reversal_views.bp)
    app.register_blueprint(notifications.bp)
    unsubscribe = import_module("disputedesk.app.web.unsubscribe").bp
    app.register_blueprint(unsubscribe)
    csrf.exempt(unsubscribe)  # mail programs POST the signed link with no session or token
    app.register_blueprint(outbox_admin.bp)
    app.register_blueprint(webhooks_admin.bp)
    app.register_blueprint(correspondence.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(import_module("disputedesk.app.web.team_lockouts").bp)
    app.register_blueprint(import_module("disputedesk.app.web.bulk_upload").bp)
    app.register_blueprint(import_module("disputedesk.app.web.exceptions").bp)
    app.register_blueprint(import_module("disputedesk.app.web.problems").bp)
    for insight in ("dashboard", "close"):  # issue 11's pages
        app.register_blueprint(import_module(f"disputedesk.app.web.{insight}").bp)
    app.register_blueprint(import_module("disputedesk.app.web.close").packets)
    portal = import_module("disputedesk.app.web.portal")
    app.register_blueprint(portal.bp)
    app.register_blueprint(import_module("disputedesk.app.web.portal_invites").bp)
    app.before_request(portal.keep_portal_people_in_the_portal)
    for template_filter in (localtime, sentence, period, grouped, minor_units, filesize, words):
        app.add_template_filter(template_filter)
    money_filters.register(app)
    app.jinja_env.filters.update(person=person, people=people, in_reporting=in_reporting)
    app.jinja_env.globals["reporting_currency"] = REPORTING_CURRENCY
    app.context_processor(lambda: {"nav": navigation(), "fresh_until": fresh_until()})
    app.before_request(confirm_password_in_place)
    app.after_request(tell_fresh_until)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = "Sign in again to confirm it is you."
    for code in (400, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(InvalidInput, lambda e: _error_page(params.bad_request(e)))


PAGES = (  # the main pages and the capability each asks of its visitor, as its gate does
    ("queues.mine", "My queue", "work_cases"),
    ("queues.team", "Team queue", "lead_team"),
    ("exceptions.queue", "Assurance", "read_exceptions"),  # exceptions, and problems beside
    ("credits.inbox_page", "Approvals", "approve_credits"),
    ("filing.new", "File a dispute", "file_disputes"),
    ("tracking.search", "Track", "track_cases"),
    ("dashboard.index", "Dashboard", "read_dashboard"),
    ("reports.credits", "Reports", "read_reports"),
    ("home.workflow", "Workflow", "use_workspace"),
    ("portal.index", "Our disputes", "use_portal"),
    ("portal.file", "File a dispute", "use_portal"),
    ("admin.index", "Admin", "administer"),
    ("webhooks_admin.index", "Webhooks", "manage_webhooks"),
    ("correspondence.inbound", "Inbound", "triage_inbound_email"),
)


SECTIONS = {"exceptions.queue": ("exceptions", "problems")}  # a nav item standing for blueprints


def navigation() -> list[tuple[str, str, bool]]:
    """List the main pages the signed-in user may open: endpoint, label, and whether it is here."""
    if not current_user.is_authenticated:
        return []
    here = lambda e: e == request.endpoint or request.blueprint in SECTIONS.get(e, ())  # noqa: E731
    return [(e, label, here(e)) for e, label, needs in PAGES if current_user.can(needs)]


def localtime(value: datetime | None, fmt: str = "%b %d, %H:%M") -> str:
    """Show a UTC instant in the signed-in user's time zone."""
    if value is None:
        return ""
    zone = getattr(current_user, "timezone", None) or "America/Chicago"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


def period(start: date, end: date) -> str:
    """Show a billing period compactly: Oct 1 – 31, 2026."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b} {start.day} – {end.day}, {end.year}"
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"


def minor_units(minor: int, signed: bool = False) -> str:
    """Show integer minor units as a decimal amount, without a float: 1234567 → 12,345.67."""
    sign = "-" if minor < 0 else "+" if signed and minor > 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def filesize(size: int) -> str:
    """Show a file size the way people read them: 812 B, 14 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB"


def grouped(amount: str) -> str:
    """Group the thousands of a decimal amount written as text: 12500.00 → 12,500.00."""
    try:
        return f"{Decimal(amount):,}"
    except (InvalidOperation, TypeError):
        return str(amount)


ACRONYMS = {"ivt": "IVT", "gl": "GL", "po": "PO", "io": "IO"}


def words(text: str) -> str:
    """Write a code's acronyms as people do: ivt report → IVT report."""
    return " ".join(ACRONYMS.get(word, word) for word in str(text).split(" "))


def sentence(text: str) -> str:
    """Start a message with a capital letter, leaving the rest as written (and safe markup safe)."""
    capitalised = text[:1].upper() + text[1:]
    return Markup(capitalised) if isinstance(text, Markup) else capitalised


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = user_of_session(user_id)  # only a live session row signs a browser in
    # Machine users never hold a web session, even one made before their role changed.
    return user if user and user.active and user.can("sign_in") else None


def _path_of(url: str | None) -> str | None:
    """Return the path and query of a URL (never its host: `next` stays on this site)."""
    page = urlsplit(url or "")
    return page.path + (f"?{page.query}" if page.query else "") if page.path else None


def _to_login() -> Response:
    """Send the browser to the login page, to come back to the page the person was on."""
    if htmx:  # a redirect would swap the login page into a fragment; make the browser go
        # Come back to the page, not to the fragment or form it asked for.
        response = Response(status=401)
        response.headers["HX-Redirect"] = url_for(
            "auth.login", next=_path_of(htmx.current_url) or "/"
        )
        return response
    if request.method != "GET":  # a form's address cannot be opened after signing in
        return redirect(url_for("auth.login", next=_path_of(request.referrer) or "/"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    return _to_login()


@login_manager.needs_refresh_handler
def needs_refresh() -> Response:
    """Ask for the password again before money moves; then back to the case."""
    in_place = ask_in_place()  # htmx: the password is asked in the form's own area
    if in_place is not None:
        return in_place
    flash(login_manager.needs_refresh_message, "info")
    return _to_login()


def _error_page(error):  # noqa: ANN001,ANN202
    if request.path.startswith("/api/"):  # routing errors never reach the API blueprint
        return from_http_error(error)
    if htmx:  # show the refusal in place of the page's content, not inside a small area
        body = render_template("_error.html", error=error, detail=_detail(error))
        headers = {"HX-Retarget": "main", "HX-Reswap": "innerHTML"}
        return Response(body, error.code, headers)
    return render_template("error.html", error=error, detail=_detail(error)), error.code


def _detail(error):  # noqa: ANN001,ANN202
    """Say what exactly was wrong, when the view said more than the status does."""
    default = type(error).description if hasattr(type(error), "description") else None
    return error.description if error.description != default else None
