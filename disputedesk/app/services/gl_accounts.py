"""Keep the GL account mapping: which accounts each GL reason's credits post to."""

from disputedesk.app.extensions import db
from disputedesk.app.models import GlAccount, User
from disputedesk.app.models.types import utcnow
from disputedesk.app.security import log
from disputedesk.app.services.write_path import transaction
from disputedesk.workflows import edge
from disputedesk.workflows.codes import GL_ACCOUNT_KEYS, a_role
from disputedesk.workflows.errors import InvalidInput, NotFound, NotPermitted

MAX_ACCOUNT = 40


def map_gl_account(gl_reason: str, debit: str, credit: str, actor: User) -> GlAccount:
    """Set a GL reason's contra-revenue (debit) and receivables (credit) accounts; one
    transaction, in the security log."""
    if not actor.can("map_gl_accounts"):
        raise NotPermitted(f"{a_role(actor.role)} does not keep the GL accounts")
    if gl_reason not in GL_ACCOUNT_KEYS:
        raise NotFound(f"no GL reason {gl_reason}")
    given = (("debit_account", debit), ("credit_account", credit))
    errors = {k: p for k, v in given if (p := _problem(v))}
    if not errors and debit.strip() == credit.strip():
        errors["credit_account"] = "must differ from the debit account"
    if errors:
        raise InvalidInput(errors)
    with transaction():
        kept = db.session.get(GlAccount, gl_reason) or GlAccount(gl_reason=gl_reason)
        was = (kept.debit_account, kept.credit_account)
        kept.debit_account, kept.credit_account = debit.strip(), credit.strip()
        kept.description, kept.updated_at = f"set by {actor.email}", utcnow()
        db.session.add(kept)
        log.record("gl_account_mapped", actor=actor, data={
            "gl_reason": gl_reason, "was": list(was), "now": [kept.debit_account,
                                                              kept.credit_account],
        })  # fmt: skip
    return kept


def _problem(text: str) -> str | None:
    problem = edge.text_problem(text, MAX_ACCOUNT, single_line=True)
    return problem or ("is required" if not text.strip() else None)
