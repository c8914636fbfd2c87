"""The dashboard's numbers, the month-end close and a case's audit packet, in the JSON API."""

from datetime import date

from flask import Response, g
from pydantic import ConfigDict, Field

from disputedesk.app.api.fields import Answer, Day, Request, one_of, query_int
from disputedesk.app.api.params import REF
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.models.types import utcnow
from disputedesk.app.queries.close import roll_forward
from disputedesk.app.queries.dashboard import dashboard
from disputedesk.app.queries.insight_filters import CHOICES, parse_filters
from disputedesk.app.queries.listing import load_dispute
from disputedesk.app.services.audit_packet import MAX_SAMPLE, audit_packet, audit_sample
from disputedesk.app.services.facts import books_zone
from disputedesk.app.services.packet_signing import published_key
from disputedesk.workflows import edge
from disputedesk.workflows.books import BadMonth, books_day, parse_month
from disputedesk.workflows.codes import a_role
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.money import format_amount

MONTH = r"^[0-9]{4}-[0-9]{2}$"


class KpiQuery(Request):
    model_config = ConfigDict(extra="forbid", strict=False, populate_by_name=True)

    start: Day | None = Field(None, alias="from", description="the period's first books' day")
    to: Day | None = Field(None, description="the period's last books' day (default today)")
    team: query_int(1, edge.MAX_ID) | None = Field(None, description="a team's id")
    reason_code: one_of(CHOICES["reason_code"]) | None = None
    product: one_of(CHOICES["product"]) | None = None
    tier: one_of(CHOICES["tier"]) | None = None
    currency: one_of(CHOICES["currency"]) | None = Field(
        None, description="one currency; without it every currency, in the reporting currency"
    )


class KpiWidget(Answer):
    name: str
    title: str
    columns: list[str]
    rows: list[list[int | float | str | None]]


class Kpis(Answer):
    period_start: date
    period_end: date
    team: int | None
    currency: str = Field(description="the currency of the amounts ('' = all, in USD)")
    widgets: list[KpiWidget]


class CloseQuery(Request):
    model_config = ConfigDict(extra="forbid", strict=False)

    month: str = Field(pattern=MONTH, max_length=7, description="a books' month, YYYY-MM")


class Seal(Answer):
    at: str
    by: str
    digest: str


class CloseReport(Answer):
    month: str
    reporting_currency: str
    currencies: dict[str, dict[str, str]] = Field(
        description="per currency (and ALL, in the reporting currency): opening, filed, "
        "credited, upheld, withdrawn, reopened, reversals, adjustments, closing"
    )
    sealed: Seal | None


@operation(
    "GET", "/kpis", scope="read", query=KpiQuery,
    summary="The dashboard's widgets as data, under the same filters and visibility",
    answers={200: Kpis}, refusals=(403,),
)  # fmt: skip
def kpis(query: KpiQuery) -> Response:
    user = g.user
    if not user.can("read_dashboard"):
        raise NotPermitted(f"{a_role(user.role)} does not read the dashboard")
    args = {"from": query.start, "to": query.to, "team": query.team}
    args |= {k: getattr(query, k) for k in ("reason_code", "product", "tier", "currency")}
    text = {k: str(v) for k, v in args.items() if v is not None}
    filters = parse_filters(text, user, books_day(utcnow(), books_zone()))
    return reply(
        Kpis(
            period_start=filters.start,
            period_end=filters.end,
            team=filters.team_id,
            currency=filters.currency,
            widgets=[w.as_json() for w in dashboard(filters)],
        )  # fmt: skip
    )


@operation(
    "GET", "/reports/close", scope="read", query=CloseQuery,
    summary="The month-end roll-forward of disputed amounts, per currency and in USD",
    answers={200: CloseReport}, refusals=(403,),
)  # fmt: skip
def close_report(query: CloseQuery) -> Response:
    if not g.user.can("read_close"):
        raise NotPermitted(f"{a_role(g.user.role)} does not read the month-end close")
    try:
        parse_month(query.month)
    except BadMonth as error:
        raise InvalidInput({"month": str(error)}) from None
    report = roll_forward(query.month)
    currencies = {
        currency: {line: format_amount(amount) for line, amount in lines.items()}
        for currency, lines in report["currencies"].items()
    }
    return reply(
        CloseReport(
            month=report["month"],
            reporting_currency=report["reporting_currency"],
            currencies=currencies,
            sealed=report["sealed"],
        )  # fmt: skip
    )


@operation(
    "GET", "/disputes/<ref>/audit-packet", scope="read", path_params=REF,
    summary="The case's audit packet: case, timeline, evidence, memos and chain check (zip)",
    answers={200: ("application/zip",)}, refusals=(403, 404),
)  # fmt: skip
def dispute_audit_packet(ref: str) -> Response:
    load_dispute(ref, g.user)  # a case they may not see is a 404, as everywhere in the API
    name, body = audit_packet(ref, g.user)
    disposition = f'attachment; filename="{name}"'
    return Response(body, mimetype="application/zip", headers={"Content-Disposition": disposition})


class AuditSampleQuery(Request):
    model_config = ConfigDict(extra="forbid", strict=False)

    refs: str = Field(
        max_length=MAX_SAMPLE * 12, pattern=r"^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$",
        description=f"dispute references separated by commas, at most {MAX_SAMPLE}",
    )  # fmt: skip


@operation(
    "GET", "/audit-packets", scope="read", query=AuditSampleQuery,
    summary="An auditor's sample: one zip holding each listed dispute's audit packet",
    description="All or none: a reference you may not see refuses the whole sample (404).",
    answers={200: ("application/zip",)}, refusals=(403, 404),
)  # fmt: skip
def audit_sample_download(query: AuditSampleQuery) -> Response:
    name, zipped = audit_sample(query.refs.split(","), g.user)
    disposition = f'attachment; filename="{name}"'
    return Response(
        zipped, mimetype="application/zip", headers={"Content-Disposition": disposition}
    )


@operation(
    "GET", "/audit-packets/public-key", scope="read",
    summary="The Ed25519 public key audit packets are signed with (PEM), to verify them offline",
    answers={200: ("application/x-pem-file",)}, refusals=(403,),
)  # fmt: skip
def audit_packet_public_key() -> Response:
    return Response(published_key(g.user), mimetype="application/x-pem-file")
