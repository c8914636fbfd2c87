"""A session ends when its person signs out, changes password, role or is deactivated."""

import pytest

from disputedesk.app.extensions import db
from disputedesk.app.services.accounts import change_role, deactivate, set_password
from tests.factories import PASSWORD


def signed_in(app, user):
    client = app.test_client()
    answer = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def saved_cookie(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    """A browser that sends a session cookie copied earlier."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_queue(app, cast):
    client = signed_in(app, cast.analyst)
    cookie = saved_cookie(client)
    assert replayed(app, cookie).get("/queue").status_code == 200
    client.post("/logout")
    answer = replayed(app, cookie).get("/queue")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_signing_out_one_browser_leaves_the_others_signed_in(app, cast):
    laptop, phone = signed_in(app, cast.analyst), signed_in(app, cast.analyst)
    laptop.post("/logout")
    assert phone.get("/queue").status_code == 200


def test_sign_out_everywhere_ends_every_browser(app, cast):
    laptop, phone = signed_in(app, cast.analyst), signed_in(app, cast.analyst)
    laptop.post("/logout/everywhere")
    assert phone.get("/queue").status_code == 302
    assert laptop.get("/queue").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda user, cast: set_password(user, "a brand new passphrase"), id="password"
        ),
        pytest.param(lambda user, cast: change_role(user, "viewer", actor=cast.admin), id="role"),
        pytest.param(lambda user, cast: deactivate(user, actor=cast.admin), id="deactivation"),
    ],
)
def test_an_account_change_ends_the_sessions_made_before_it(app, cast, change):
    client = signed_in(app, cast.analyst)
    change(db.session.merge(cast.analyst), cast)
    answer = client.get("/track")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_a_new_password_works_and_the_old_one_does_not(app, cast):
    set_password(cast.analyst, "a brand new passphrase")
    old = app.test_client().post("/login", data={"email": cast.analyst.email, "password": PASSWORD})
    assert old.status_code == 422
    new = app.test_client().post(
        "/login", data={"email": cast.analyst.email, "password": "a brand new passphrase"}
    )
    assert new.status_code == 302
