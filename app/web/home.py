"""The signed-in start page."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():  # noqa: ANN201
    return render_template("home.html", user=current_user)
