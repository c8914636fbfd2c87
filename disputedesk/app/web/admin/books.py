"""Admin: the books' reference data, kept as data: the GL accounts each GL reason posts to, and
the reserve policy for revenue at risk (one band a line: reason, from day, rate in percent)."""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.queries.journal import accounts
from disputedesk.app.queries.reserve import policy
from disputedesk.app.services.gl_accounts import map_gl_account
from disputedesk.app.services.reserve_policy import set_reserve_policy
from disputedesk.app.web.admin.blueprint import admin_required, bp
from disputedesk.workflows.codes import GL_ACCOUNT_KEYS
from disputedesk.workflows.errors import InvalidInput, NotFound


@bp.get("/books")
@admin_required
def books():  # noqa: ANN201
    return _page(None, {})


@bp.post("/books/gl/<gl_reason>")
@admin_required
def gl_account(gl_reason: str):  # noqa: ANN201
    form = request.form
    try:
        map_gl_account(gl_reason, form.get("debit_account", ""), form.get("credit_account", ""),
                       current_user)  # fmt: skip
    except NotFound:
        abort(404)
    except InvalidInput as error:
        flash(f"Not saved: {error.detail}", "error")
    else:
        flash(f"Saved the accounts of {gl_reason.replace('_', ' ')}.", "info")
    return redirect(url_for("admin.books"))


@bp.post("/books/reserve")
@admin_required
def reserve_policy():  # noqa: ANN201
    typed = request.form.get("bands", "")
    lines: list[int] = []
    try:
        rows, lines = parse_bands(typed)
        set_reserve_policy(rows, current_user)
    except InvalidInput as error:
        return _page(typed, {_by_line(k, lines): v for k, v in error.errors.items()}), 422
    flash("Saved the reserve policy. Sealed months keep the reserve they were sealed with.",
          "info")  # fmt: skip
    return redirect(url_for("admin.books"))


def parse_bands(text: str) -> tuple[list[dict], list[int]]:
    """One band a line, `reason, from day, rate %` (`*` for every reason); blank lines skipped.
    Return the bands and the line each came from."""
    rows, lines, problems = [], [], {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 3:
            problems[f"line {n}"] = "reason, from day, rate % (such as: *, 31, 25)"
            continue
        reason, start, rate = cells
        days = int(start) if start.isascii() and start.isdigit() and len(start) <= 5 else -1
        try:
            percent = Decimal(rate.removesuffix("%").strip())
            bp = int(percent * 100) if percent == percent.quantize(Decimal("0.01")) else -1
        except InvalidOperation:
            bp = -1
        if days < 0:
            problems[f"line {n}"] = "the from day is a whole number of days"
        elif bp < 0:
            problems[f"line {n}"] = "the rate is a percent with at most two decimals"
        rows.append({"reason": reason, "from_days": days, "rate_bp": bp})
        lines.append(n)
    if problems:
        raise InvalidInput(problems)
    return rows, lines


def _by_line(key: str, lines: list[int]) -> str:
    """Name the service's "bands.2.reason" by the line it was typed on ("line 3: reason")."""
    parts = key.split(".")
    if parts[0] == "bands" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(lines):
        return f"line {lines[int(parts[1])]}" + (f" ({parts[2]})" if len(parts) > 2 else "")
    return "the policy" if key == "bands" else key


def _page(typed: str | None, errors: dict):  # noqa: ANN202
    bands = policy()
    shown = (
        typed
        if typed is not None
        else "\n".join(f"{b.reason}, {b.from_days}, {Decimal(b.rate_bp) / 100:.2f}" for b in bands)
    )
    kept = accounts()
    return render_template("admin/books.html", keys=GL_ACCOUNT_KEYS, kept=kept, bands=shown,
                           errors=errors)  # fmt: skip
