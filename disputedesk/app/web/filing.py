"""File a dispute on behalf of an advertiser: advertiser, then invoice, then lines."""

from collections.abc import Mapping, Sequence

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.models import Invoice
from disputedesk.app.queries.filing import advertisers, invoice_with_lines, invoices_of
from disputedesk.app.services.filing import Filing, file_dispute
from disputedesk.app.web import params
from disputedesk.app.web.rendering import requires
from disputedesk.workflows import edge
from disputedesk.workflows.codes import REASON_CODES
from disputedesk.workflows.errors import Conflict, InvalidInput

bp = Blueprint("filing", __name__, url_prefix="/disputes")
# What to say about a field left empty, in the words of the form rather than of the service.
LEFT_EMPTY = {
    "invoice_number": "choose an invoice",
    "reason_code": "choose a reason",
    "disputed_amount": "enter the amount in dispute",
}


def _invoices(source: Mapping[str, str]) -> Sequence[Invoice]:
    return invoices_of(params.optional_int(source, "advertiser"))


def _invoice(source: Mapping[str, str]) -> Invoice | None:
    return invoice_with_lines(params.text(source, "invoice_number", edge.MAX_INVOICE_NUMBER))


def _render(status: int = 200, **context):  # noqa: ANN003,ANN202
    form = request.form if request.method == "POST" else request.args
    context = {
        "form": form,
        "advertisers": advertisers(),
        "invoices": _invoices(form),
        "invoice": _invoice(form),
        "reasons": REASON_CODES,
        "chosen_lines": set(form.getlist("lines")),
        **context,
    }
    return render_template("filing/new.html", **context), status


@bp.get("/new")
@requires("file_disputes")
def new():  # noqa: ANN201
    return _render()


@bp.get("/new/invoices")
@requires("file_disputes")
def invoice_options():  # noqa: ANN201
    invoices = _invoices(request.args)
    return render_template("filing/_invoice_options.html", invoices=invoices, form={})


@bp.get("/new/lines")
@requires("file_disputes")
def invoice_lines():  # noqa: ANN201
    invoice = _invoice(request.args)
    return render_template(
        "filing/_lines.html", invoice=invoice, form=request.args, chosen_lines=set()
    )


@bp.post("/new")
@requires("file_disputes")
def create():  # noqa: ANN201
    form = request.form
    try:
        lines = tuple(
            (no, params.text(form, f"amount_{no}"))
            for no in params.ids(form.getlist("lines"), "lines")
        )
        invoice = _invoice(form)
        filing = Filing(
            invoice_number=params.text(form, "invoice_number", edge.MAX_INVOICE_NUMBER),
            reason_code=params.text(form, "reason_code"),
            description=form.get("description", ""),
            disputed_amount=params.text(form, "disputed_amount").replace(",", ""),
            currency=invoice.currency if invoice else "",
            lines=lines,
            intake_channel=params.text(form, "intake_channel", default="portal"),
        )
        dispute = file_dispute(current_user, filing)
    except InvalidInput as error:
        errors = {
            field: LEFT_EMPTY[field] if field in LEFT_EMPTY and not form.get(field) else message
            for field, message in error.errors.items()
        }
        return _render(422, errors=errors)
    except Conflict as error:
        return _render(409, conflict=error.detail, conflict_ref=error.extra.get("dispute"))
    flash(f"Filed {dispute.ref}.", "info")
    return redirect(url_for("cases.show", ref=dispute.ref))
