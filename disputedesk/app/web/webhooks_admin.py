"""Admin screens for webhook subscriptions: list, add, edit, the delivery log, redeliver."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from disputedesk.app.models.types import as_id, utcnow
from disputedesk.app.services.webhooks import (
    create_subscription,
    deliveries,
    get_subscription,
    redeliver,
    subscriptions,
    update_subscription,
)
from disputedesk.app.web.rendering import requires
from disputedesk.workflows.errors import InvalidInput, NotFound
from disputedesk.workflows.webhooks import EVENTS

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhooks")


@bp.get("")
@requires("manage_webhooks")
def index():  # noqa: ANN201
    return _list_page({}, {})


def _list_page(errors: dict, form: dict, status: int = 200):  # noqa: ANN202
    return render_template("webhooks_admin/index.html", subscriptions=subscriptions(current_user),
                           events=EVENTS, errors=errors, form=form), status  # fmt: skip


@bp.post("")
@requires("manage_webhooks")
def create():  # noqa: ANN201
    form = request.form
    try:
        created = create_subscription(
            current_user, form.get("name", ""), form.get("url", ""), form.getlist("events")
        )
    except InvalidInput as error:
        return _list_page(error.errors, form, 422)
    flash("Subscription added. Give its secret to the receiver so it can check signatures.")
    return redirect(url_for("webhooks_admin.show", subscription_id=created.id))


def _subscription(subscription_id: str):  # noqa: ANN202
    try:
        return get_subscription(current_user, as_id(subscription_id))
    except NotFound:
        abort(404)


@bp.get("/<subscription_id>")
@requires("manage_webhooks")
def show(subscription_id: str):  # noqa: ANN201
    return _detail(_subscription(subscription_id), {}, None)


def _detail(subscription, errors: dict, form, status: int = 200):  # noqa: ANN001, ANN202
    log = deliveries(subscription)
    return render_template("webhooks_admin/show.html", s=subscription, events=EVENTS, log=log,
                           errors=errors, form=form, now_utc=utcnow()), status  # fmt: skip


@bp.post("/<subscription_id>")
@requires("manage_webhooks")
def update(subscription_id: str):  # noqa: ANN201
    subscription = _subscription(subscription_id)
    form = request.form
    try:
        update_subscription(current_user, subscription.id, form.get("name", ""),
                            form.get("url", ""), form.getlist("events"),
                            active=form.get("active") == "1",
                            rotate_secret=form.get("rotate_secret") == "1")  # fmt: skip
    except InvalidInput as error:
        return _detail(subscription, error.errors, form, 422)
    flash("Subscription saved.")
    return redirect(url_for("webhooks_admin.show", subscription_id=subscription.id))


@bp.post("/<subscription_id>/deliveries/<delivery_id>/redeliver")
@requires("manage_webhooks")
def redeliver_one(subscription_id: str, delivery_id: str):  # noqa: ANN201
    try:
        redeliver(current_user, as_id(subscription_id), as_id(delivery_id))
    except NotFound:
        abort(404)
    flash("Queued to be delivered again (same body, same delivery id).")
    return redirect(url_for("webhooks_admin.show", subscription_id=subscription_id))
