"""Signing in and out of the web interface."""

import pytest

from tests.factories import PASSWORD


def login(client, email: str, password: str = PASSWORD, next: str = ""):
    return client.post(f"/login{next}", data={"email": email, "password": password})


def test_the_login_page_has_email_and_password_fields(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert b'name="email"' in page.data and b'name="password"' in page.data


def test_a_user_signs_in_and_out(client, make):
    cast = make.cast()
    signed_in = login(client, cast.analyst.email)
    assert signed_in.status_code == 302
    start = client.get("/").headers["Location"]  # the analyst's start page
    assert cast.analyst.email.encode() in client.get(start).data
    client.post("/logout")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("which", ["wrong password", "unknown email"])
def test_a_bad_login_says_so_without_saying_which_field(client, make, which):
    cast = make.cast()
    email = cast.analyst.email if which == "wrong password" else "nobody@test.example"
    page = login(client, email, "not-the-password")
    assert page.status_code == 422
    assert b"do not match an active account" in page.data
    assert client.get("/").status_code == 302


def test_an_inactive_user_cannot_sign_in(client, make, app):
    from disputedesk.app.extensions import db

    cast = make.cast()
    cast.analyst.active = False
    db.session.commit()
    assert login(client, cast.analyst.email).status_code == 422


def test_next_only_follows_paths_on_this_site(client, make):
    cast = make.cast()
    assert login(client, cast.lead.email, next="?next=/login").headers["Location"] == "/login"
    client.post("/logout")
    away = login(client, cast.lead.email, next="?next=https://evil.example/")
    assert away.headers["Location"] == "/"


def test_an_expired_session_on_an_htmx_request_redirects_the_whole_page(client):
    answer = client.get("/", headers={"HX-Request": "true"})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"].startswith("/login")


def test_a_plain_request_without_a_session_is_sent_to_login(client):
    answer = client.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_forms_need_a_csrf_token(app, make):
    cast = make.cast()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = login(app.test_client(), cast.analyst.email)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code in (400, 422)
