"""The dashboard's filter set, shared by the widgets, their drill-down lists and the API."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from disputedesk.app.models import User
from disputedesk.workflows.codes import ADVERTISER_TIERS, PRODUCTS, REASON_CODES
from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import FX_TO_REPORTING

DEFAULT_WEEKS = 12
CHOICES = {
    "reason_code": REASON_CODES,
    "product": PRODUCTS,
    "tier": ADVERTISER_TIERS,
    "currency": tuple(FX_TO_REPORTING),
}
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class InsightFilters:
    """Period (books' days, both ends included) and the dimensions a number is cut by."""

    start: date
    end: date
    today: date
    team_id: int | None = None
    reason_code: str = ""
    product: str = ""
    tier: str = ""
    currency: str = ""  # "" = every currency, in the reporting currency

    def as_args(self) -> dict[str, str]:
        """Return the filters as query-string arguments (what a drill-down link carries)."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name in ("team_id", "reason_code", "product", "tier", "currency"):
            if value := getattr(self, name):
                args["team" if name == "team_id" else name] = str(value)
        return args


def monday(day: date) -> date:
    """Return the Monday that starts the day's week."""
    return day - timedelta(days=day.weekday())


def parse_filters(args: dict[str, str], user: User, today: date) -> InsightFilters:
    """Read the filters from query arguments; a lead's numbers are always their team's."""
    errors: dict[str, str] = {}
    end = _date(args.get("to"), "to", errors) or today
    start = _date(args.get("from"), "from", errors) or monday(end) - timedelta(
        weeks=DEFAULT_WEEKS - 1
    )
    if not errors and start > end:
        errors["from"] = "must not be after the end of the period"
    elif not errors and (end - start).days > MAX_DAYS:
        errors["from"] = "the period can be at most three years"
    team = args.get("team") or ""
    team_id = int(team) if team.isascii() and team.isdigit() and len(team) < 10 else None
    if team and team_id is None:
        errors["team"] = "choose a team"
    for name, allowed in CHOICES.items():
        if args.get(name) and args[name] not in allowed:
            errors[name] = "one of " + ", ".join(allowed)
    if errors:
        raise InvalidInput(errors)
    filters = InsightFilters(
        start=start,
        end=end,
        today=today,
        team_id=team_id,
        reason_code=args.get("reason_code", ""),
        product=args.get("product", ""),
        tier=args.get("tier", ""),
        currency=args.get("currency", ""),
    )
    return scoped(filters, user)


def scoped(filters: InsightFilters, user: User) -> InsightFilters:
    """Narrow the filters to what the user may see: analysts and leads see their team only."""
    if not user.can("see_all_cases"):
        return replace(filters, team_id=user.team_id or -1)
    return filters


def _date(text: str | None, name: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text) if text.isascii() and len(text) == 10 else _bad()
    except ValueError:
        errors[name] = "a date such as 2026-11-30"
        return None


def _bad() -> date:
    raise ValueError
