"""Admins see the dead letters of the outbox and can send one again."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox
from disputedesk.app.services.channels import deliver_all
from tests.web.helpers import Web, text

ROLES = ("analyst", "lead", "approver", "viewer", "admin")


@pytest.fixture
def dead_letter(make, cast, mailbox) -> Outbox:  # noqa: ANN001
    mailbox.refuse_with = "550 5.1.1 no such user"
    make.dispute(cast, "filed", assignee=cast.analyst)
    assert deliver_all().dead == 1
    mailbox.refuse_with = None
    return db.session.scalars(select(Outbox).where(Outbox.status == "dead")).one()


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_open_the_outbox_or_send_a_letter_again(web: Web, cast, dead_letter, role):
    client = web(cast.by_role()[role])
    page = client.get("/admin/outbox")
    again = client.post(f"/admin/outbox/{dead_letter.id}/retry")
    assert page.status_code == (200 if role == "admin" else 403)
    assert again.status_code == (302 if role == "admin" else 403)
    db.session.expire_all()
    assert db.session.get(Outbox, dead_letter.id).status == (
        "pending" if role == "admin" else "dead"
    )


def test_a_dead_letter_shows_why_and_sending_it_again_delivers_it(
    web: Web, cast, dead_letter, mailbox
):
    page = text(web(cast.admin).get("/admin/outbox"))
    assert f'data-outbox="{dead_letter.id}"' in page and "550" in page and "no such user" in page
    web(cast.admin).post(f"/admin/outbox/{dead_letter.id}/retry")
    assert deliver_all().delivered == 1
    assert len(mailbox.to(cast.analyst.email)) == 1
    assert "No dead letters" in text(web(cast.admin).get("/admin/outbox"))


def test_sending_again_refuses_a_row_that_is_still_pending_or_missing(web: Web, cast, make):
    make.dispute(cast, "filed", assignee=cast.analyst)
    pending = db.session.scalars(select(Outbox)).first()
    assert web(cast.admin).post(f"/admin/outbox/{pending.id}/retry").status_code == 404
    assert web(cast.admin).post("/admin/outbox/99999/retry").status_code == 404
