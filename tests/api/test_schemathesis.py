"""Schemathesis walks every operation of the served document as each kind of token holder.

Every check is on: no 5xx, statuses, content types, headers and bodies as the document
declares them, schema-valid data accepted and schema-invalid data refused. The default run
is small and derandomized so CI is deterministic; `make fuzz` runs it with many examples.
"""

import contextvars
import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from disputedesk.app.api.openapi import document
from disputedesk.app.extensions import db
from tests.factories import Cast, Factory

ROLES = ("analyst", "lead", "approver", "viewer", "integration")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# Schema-valid data that a business rule refuses is answered 422 (an unknown invoice, a failed
# guard), 415 (a file whose content is not an accepted type) or 412 (a generated If-Match
# names a version the case is not at): acceptable for positive data.
ACCEPTED = ["2xx", "401", "403", "404", "409", "412", "415", "422"]


# The default run is fixed (seeded, derandomized); a long `make fuzz` run explores afresh
# unless FUZZ_SEED pins it.
SEED = os.environ.get("FUZZ_SEED") or ("20261201" if EXAMPLES <= 10 else None)
CONFIG = schemathesis.Config.from_dict(
    {
        **({"seed": int(SEED)} if SEED else {}),
        "generation": {"max-examples": EXAMPLES, "deterministic": SEED is not None},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "phases": {"examples": {"enabled": False}},
    }
)
# Raw e-mail (message/rfc822) has no schema to generate from: real-shaped messages instead, and
# the mail program's own saved ones (tests/comms/mail).
_MESSAGES = [
    b"From: ap@advertiser.example\r\nTo: disputes@billing.example\r\nSubject: Re: invoice\r\n"
    b"Message-ID: <fuzz-1@advertiser.example>\r\n\r\nPlease see the attached IO.\r\n",
    b"From: nobody\r\nSubject: \r\n\r\n",
    b"not a message at all",
]
schemathesis.openapi.media_type("message/rfc822", st.sampled_from(_MESSAGES))
# The document is generated from the route registry, so it is known before any app exists.
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)


@pytest.fixture
def scene(make: Factory) -> tuple[Cast, dict[str, str], dict[str, Any]]:
    """A cast with a case in investigation, an invoice, and a token for each role."""
    cast = make.cast()
    case = make.dispute(cast, "investigating", assignee=cast.analyst)
    tokens = {role: make.token(getattr(cast, role)) for role in ROLES}
    real = {"ref": case.ref, "number": case.invoice.number}
    return cast, tokens, real


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), aim=st.booleans())
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_document_says(
    case: Any, role: str, aim: bool, scene: tuple[Cast, dict[str, str], dict[str, Any]], app: Flask
) -> None:
    _, tokens, real = scene
    if aim and case.meta and case.meta.generation.mode == GenerationMode.POSITIVE:
        # Half the valid requests are about a case and an invoice that exist.
        for name, value in real.items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
    case.operation.schema.app = app
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    # Each request in its own context, as in production (see IsolatedClient in conftest).
    contextvars.Context().run(case.call_and_validate, headers=headers, app=app)
    db.session.expire_all()
