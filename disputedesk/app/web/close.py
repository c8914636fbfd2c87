"""The month-end close page (the roll-forward, sealing a month) and a case's audit packet."""

import json

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.close import ALL, LINES, month_after, month_before, roll_forward
from disputedesk.app.queries.journal import COLUMNS, as_json, journal, table
from disputedesk.app.queries.reserve import reserve_journal, reserve_journal_json, reserve_report
from disputedesk.app.services.audit_packet import audit_packet
from disputedesk.app.services.close import seal_month
from disputedesk.app.services.facts import books_zone
from disputedesk.app.web.areas import load_case
from disputedesk.app.web.downloads import csv_download
from disputedesk.app.web.rendering import page_or_partial, requires
from disputedesk.workflows.books import BadMonth, month_of, parse_month
from disputedesk.workflows.errors import DomainError
from disputedesk.workflows.permissions import CLOSE_READERS

bp = Blueprint("close", __name__, url_prefix="/reports/close")
packets = Blueprint("packets", __name__)
CLOSE_ROLES = CLOSE_READERS


@bp.get("")
@requires("read_close")
def report():  # noqa: ANN201
    month = request.args.get("month") or month_of(utcnow(), books_zone())
    try:
        parse_month(month)
        report = roll_forward(month)
    except BadMonth:
        report = None
    response = page_or_partial(
        "reports/close.html", "reports/_close.html", month=month, report=report, lines=LINES,
        all_key=ALL, before=report and month_before(month), after=report and month_after(month),
        may_seal=current_user.can("seal_months"), zone=books_zone(),
        may_journal=current_user.can("read_journal"),
        reserve=report and reserve_report(month, current_user),
    )  # fmt: skip
    response.status_code = 200 if report else 422
    return response


@bp.get("/journal.<any(csv, json):fmt>")
@requires("read_journal")
def journal_download(fmt: str):  # noqa: ANN201
    return _journal_file(journal, as_json, "gl-journal", fmt)


@bp.get("/reserve-journal.<any(csv, json):fmt>")
@requires("read_journal")
def reserve_journal_download(fmt: str):  # noqa: ANN201
    return _journal_file(reserve_journal, reserve_journal_json, "reserve-journal", fmt)


def _journal_file(build, to_json, name: str, fmt: str) -> Response:  # noqa: ANN001
    month = request.args.get("month", "")
    try:
        parse_month(month)
        report = build(month, current_user)
    except BadMonth:
        abort(400)
    except DomainError as error:
        return Response(error.detail, status=409, mimetype="text/plain")
    if fmt == "csv":
        return csv_download(f"{name}-{month}.csv", COLUMNS, table(report))
    body = json.dumps(to_json(report), indent=2)
    disposition = f'attachment; filename="{name}-{month}.json"'
    return Response(body, mimetype="application/json", headers={"Content-Disposition": disposition})


@packets.get("/disputes/<ref>/audit-packet.zip")
@requires("download_audit_packets")
def audit_packet_download(ref: str):  # noqa: ANN201
    load_case(ref)  # 404 when there is no such case, 403 when it is not theirs, as every case page
    name, body = audit_packet(ref, current_user)
    disposition = f'attachment; filename="{name}"'
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return Response(body, mimetype="application/zip", headers=headers)


@bp.post("/seal")
@requires("seal_months")
def seal():  # noqa: ANN201
    month = request.form.get("month", "")
    try:
        seal_month(month, current_user)
    except DomainError as error:
        flash(f"Not sealed: {error.detail}", "error")
        return redirect(url_for("close.report", month=month))
    flash(f"{month} is sealed.", "success")
    return redirect(url_for("close.report", month=month))
