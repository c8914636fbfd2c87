"""The vocabularies of the domain: roles, reason codes, root causes, outcomes."""

# advertiser: an advertiser's or agency's own people, in the portal only (their accounts' cases).
ROLES = ("analyst", "lead", "approver", "viewer", "admin", "integration", "advertiser")

REASON_CODES = (
    "rate_mismatch",
    "delivery_shortfall",
    "invalid_traffic",
    "duplicate_billing",
    "makegood_not_applied",
    "cancelled_campaign_billed",
    "tax_or_fee",
    "po_or_billing_details",
    "other",
)

ROOT_CAUSES = (
    "contract_setup_error",
    "rate_card_error",
    "delivery_data_error",
    "ivt_filtering_lag",
    "billing_system_defect",
    "manual_entry_error",
    "advertiser_misunderstanding",
    "no_error_found",
)

OUTCOMES = ("credit_full", "credit_partial", "no_credit", "withdrawn")
CREDIT_OUTCOMES = ("credit_full", "credit_partial")

INTAKE_CHANNELS = ("portal", "api", "email", "phone", "import", "assurance")  # assurance: our scan
ADVERTISER_KINDS = ("agency", "supplier", "seller")
ADVERTISER_TIERS = ("strategic", "standard")
UNIT_KINDS = ("cpm", "cpc", "flat")
LINE_KINDS = ("charge", "make_good", "adjustment")  # amount > 0, = 0, < 0
DELIVERY_SOURCES = ("first_party", "third_party")

COMMENT_VISIBILITIES = ("internal", "account_team")

PRODUCTS = ("sponsored_products", "display", "video", "offsite", "in_store")
PRIORITIES = ("P1", "P2", "P3", "P4")

GL_REASONS = (
    "billing_adjustment",
    "rate_correction",
    "delivery_shortfall",
    "invalid_traffic",
    "makegood",
    "duplicate_invoice",
    "tax_correction",
)
# The accounts the month-end reserve for revenue at risk books to, kept beside the GL reasons'.
RESERVE_ACCOUNTS = "revenue_at_risk_reserve"
GL_ACCOUNT_KEYS = (*GL_REASONS, RESERVE_ACCOUNTS)


def a_role(role: str) -> str:
    """Name a role with its article, for messages: "an analyst", "a lead"."""
    return ("an " if role[:1] in "aeiou" else "a ") + role


# Event types once written misspelt, and the type they are read and queried as now. The hash
# of such an event still covers the type as written (kept in Event.written_type).
TYPE_CORRECTIONS = {"credit_memo_rejectd": "credit_memo_rejected"}
