"""Webhooks: signed deliveries to a real receiver, retries, the log, redelivery, the SSRF guard."""

import pytest
from sqlalchemy import select

from disputedesk.app.extensions import db
from disputedesk.app.models import Outbox
from disputedesk.app.services.channels import deliver_all
from disputedesk.app.services.sla_sweep import sweep
from disputedesk.app.services.triggers import fire_trigger
from disputedesk.app.services.webhooks import create_subscription
from disputedesk.workflows.errors import InvalidInput, NotPermitted
from disputedesk.workflows.webhooks import EVENTS
from tests.comms.receiver import Receiver
from tests.services.sla_support import chicago, investigating_at
from tests.web.helpers import Web, case_with_memo, text

ROLES = ("analyst", "lead", "approver", "viewer", "admin")


def subscribe(cast, receiver: Receiver, events=EVENTS, url=None):  # noqa: ANN001, ANN201
    subscription = create_subscription(cast.admin, "Billing system", url or receiver.url, events)
    receiver.secrets.append(subscription.secret)
    return subscription


def log(subscription) -> list[Outbox]:  # noqa: ANN001
    db.session.expire_all()
    query = select(Outbox).where(Outbox.subscription_id == subscription.id).order_by(Outbox.id)
    return list(db.session.scalars(query))


def test_a_subscribed_event_arrives_signed_and_the_receiver_verifies_it(make, cast, receiver):
    subscription = subscribe(cast, receiver, ["dispute.state_changed"])
    dispute = make.dispute(cast, "filed", assignee=cast.analyst)
    fire_trigger(dispute.ref, cast.analyst, "start", {})
    deliver_all()
    [got] = receiver.received
    assert got.signature_ok
    assert got.headers["Disputedesk-Event"] == "dispute.state_changed"
    assert got.json["type"] == "dispute.state_changed"
    expected = {"ref": dispute.ref, "from_state": "filed", "to_state": "investigating",
                "trigger": "start", "actor": cast.analyst.email}  # fmt: skip
    assert got.json["data"].items() >= expected.items()
    [delivery] = log(subscription)
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    assert got.headers["Disputedesk-Delivery"] == delivery.key


def test_a_receiver_that_refuses_a_wrong_signature_is_retried_not_fooled(make, cast, receiver):
    subscription = subscribe(cast, receiver, ["dispute.assigned"])
    receiver.secrets = ["not-the-secret"]  # the receiver checks against another key: 401
    make.dispute(cast, "filed", assignee=cast.analyst)
    assert deliver_all().retrying == 1
    [delivery] = log(subscription)
    assert (delivery.status, delivery.response_code) == ("pending", 401)
    assert not receiver.received[0].signature_ok


@pytest.mark.parametrize(
    ("event", "happen"),
    [
        ("dispute.filed", lambda make, cast: make.dispute(cast, "filed")),
        ("dispute.assigned", lambda make, cast: make.dispute(cast, "filed", assignee=cast.analyst)),
        ("dispute.state_changed", lambda make, cast: make.dispute(cast, "investigating")),
        ("credit_memo.approved", lambda make, cast: case_with_memo(make, cast, "approved")),
        ("credit_memo.issued", lambda make, cast: case_with_memo(make, cast, "issued")),
        ("sla.breached", lambda make, cast: (
            investigating_at(make, cast, chicago(2026, 2, 2, 9)), sweep(chicago(2026, 2, 17, 9)))),
    ],
)  # fmt: skip
def test_each_event_reaches_the_subscriptions_that_want_it_and_no_others(
    make, cast, receiver, event, happen
):
    wanted = subscribe(cast, receiver, [event])
    other = subscribe(cast, receiver, [e for e in EVENTS if e != event])
    happen(make, cast)
    deliver_all()
    assert {d.kind for d in log(wanted)} == {event}
    assert event not in {d.kind for d in log(other)}
    assert all(r.signature_ok for r in receiver.received)


def test_a_failed_delivery_shows_in_the_log_and_redeliver_sends_the_same_delivery(
    make, cast, receiver, web: Web
):
    subscription = subscribe(cast, receiver, ["dispute.assigned"])
    receiver.answer = 503
    make.dispute(cast, "filed", assignee=cast.analyst)
    deliver_all()
    [delivery] = log(subscription)
    page = text(web(cast.admin).get(f"/admin/webhooks/{subscription.id}"))
    assert f'data-delivery="{delivery.id}"' in page and "503" in page and "retrying" in page
    receiver.answer = 200
    db.session.get(Outbox, delivery.id).status = "dead"  # gave up: now the admin redelivers
    db.session.commit()
    answer = web(cast.admin).post(
        f"/admin/webhooks/{subscription.id}/deliveries/{delivery.id}/redeliver"
    )
    assert answer.status_code == 302
    assert deliver_all().delivered == 1
    first, second = receiver.received
    assert first.headers["Disputedesk-Delivery"] == second.headers["Disputedesk-Delivery"]
    assert first.json == second.json  # the same event, recognisably
    assert log(subscription)[0].status == "delivered"


def test_a_host_not_on_the_allow_list_is_refused_when_subscribing(cast, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "*.billing.example.com")
    create_subscription(cast.admin, "ok", "https://erp.billing.example.com/hook", EVENTS[:1])
    refused = [
        "https://evil.example.net/hook",
        "http://169.254.169.254/latest/meta-data",
        "ftp://erp.billing.example.com/",
        "https://u:p@erp.billing.example.com/x",
    ]
    for url in refused:
        with pytest.raises(InvalidInput):
            create_subscription(cast.admin, "bad", url, EVENTS[:1])
    with pytest.raises(NotPermitted):
        create_subscription(cast.lead, "x", "https://erp.billing.example.com/hook", EVENTS[:1])


@pytest.mark.parametrize(
    ("allowed", "loopback", "url"),
    [
        ("169.254.169.254", True, "http://169.254.169.254/latest/meta-data/"),  # metadata
        ("169.254.0.0/16", True, "http://169.254.10.10/"),  # link-local, even if listed
        ("127.0.0.1", False, None),  # loopback while WEBHOOK_ALLOW_LOOPBACK is off
        ("localhost", False, "http://localhost:{port}/hook"),  # a name that resolves to it
    ],
)
def test_the_guard_never_connects_to_metadata_link_local_or_unallowed_loopback(
    make, cast, receiver, app, monkeypatch, allowed, loopback, url
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", allowed)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", loopback)
    port = receiver.url.split(":")[2].split("/")[0]
    subscription = subscribe(
        cast, receiver, ["dispute.filed"], (url or receiver.url).format(port=port)
    )
    make.dispute(cast, "filed")
    assert deliver_all().dead == 1
    [delivery] = log(subscription)
    assert delivery.last_error.startswith("refused:") and receiver.received == []


WEBHOOK_ROUTES = [
    ("GET", "/admin/webhooks"),
    ("POST", "/admin/webhooks"),
    ("GET", "/admin/webhooks/{id}"),
    ("POST", "/admin/webhooks/{id}"),
    ("POST", "/admin/webhooks/{id}/deliveries/{delivery}/redeliver"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), WEBHOOK_ROUTES)
def test_only_admins_reach_the_webhook_screens(make, cast, receiver, web: Web, method, path, role):
    subscription = subscribe(cast, receiver, ["dispute.filed"])
    make.dispute(cast, "filed")
    deliver_all()
    [delivery] = log(subscription)
    form = {"name": "Renamed", "url": receiver.url, "events": ["dispute.filed"], "active": "1"}
    answer = web(cast.by_role()[role]).open(
        path.format(id=subscription.id, delivery=delivery.id), method=method, data=form
    )
    if role != "admin":
        assert answer.status_code == 403
    else:
        assert answer.status_code in (200, 302)


def test_admins_add_and_edit_a_subscription_and_bad_input_saves_nothing(web: Web, cast, receiver):
    bad = web(cast.admin).post("/admin/webhooks", data={"name": "CRM", "url": "https://nope.test/"})
    assert bad.status_code == 422 and "not on the allowed hosts" in text(bad)
    form = {"name": "CRM", "url": receiver.url, "events": ["dispute.filed", "sla.breached"]}
    added = web(cast.admin).post("/admin/webhooks", data=form)
    assert added.status_code == 302
    page = text(web(cast.admin).get(added.headers["Location"]))
    assert "whsec_" in page and "CRM" in page
    edit = added.headers["Location"]
    off = web(cast.admin).post(edit, data=form | {"events": ["sla.breached"], "active": ""})
    assert off.status_code == 302
    wrong = web(cast.admin).post(edit, data=form | {"events": ["dispute.exploded"]})
    assert wrong.status_code == 422
    assert web(cast.admin).get("/admin/webhooks/999").status_code == 404
    from disputedesk.app.models import WebhookSubscription

    [saved] = db.session.scalars(select(WebhookSubscription))
    assert (saved.events, saved.active) == (["sla.breached"], False)


def test_deliveries_are_versioned_and_one_cases_events_carry_rising_sequences(make, cast, receiver):
    subscribe(cast, receiver, ["dispute.state_changed"])
    dispute = make.dispute(cast, "filed", assignee=cast.analyst)
    fire_trigger(dispute.ref, cast.analyst, "start", {})
    fire_trigger(dispute.ref, cast.analyst, "escalate", {"reason": "unclear"})
    deliver_all()
    bodies = [got.json for got in receiver.received]
    assert [b["data"]["trigger"] for b in sorted(bodies, key=lambda b: b["sequence"])] == [
        "start", "escalate"]  # fmt: skip
    assert {(b["version"], b["dispute"]) for b in bodies} == {(2, dispute.ref)}
    assert {got.headers["Disputedesk-Webhook-Version"] for got in receiver.received} == {"2"}


def test_a_rotated_secret_overlaps_with_the_old_one_then_the_old_one_stops(
    make, cast, receiver, app, web: Web
):
    from datetime import timedelta

    from disputedesk.app.models.types import utcnow
    from disputedesk.app.services.webhooks import update_subscription

    subscription = subscribe(cast, receiver, ["dispute.assigned"])
    old = subscription.secret
    update_subscription(cast.admin, subscription.id, subscription.name, subscription.url,
                        subscription.events, active=True, rotate_secret=True)  # fmt: skip
    assert subscription.secret != old and subscription.previous_secret == old
    page = text(web(cast.admin).get(f"/admin/webhooks/{subscription.id}"))
    assert "the previous secret still signs beside this one" in page
    receiver.secrets = [old]  # the receiver has not switched yet: still accepted
    make.dispute(cast, "filed", assignee=cast.analyst)
    assert deliver_all().retrying == 0 and receiver.received[-1].signature_ok
    receiver.secrets = [subscription.secret]  # switched: accepted too
    make.dispute(cast, "filed", assignee=cast.analyst)
    deliver_all()
    assert receiver.received[-1].signature_ok
    subscription.previous_secret_until = utcnow() - timedelta(seconds=1)  # the window is over
    db.session.commit()
    receiver.secrets = [old]
    make.dispute(cast, "filed", assignee=cast.analyst)
    assert deliver_all().retrying == 1 and not receiver.received[-1].signature_ok
    assert app.config["WEBHOOK_ROTATION_OVERLAP_HOURS"] == 24
