"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.services.users import authenticate

bp = Blueprint("auth", __name__)
API_ONLY_ROLES = ("integration",)  # machine users sign in with API tokens, never here


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    form = LoginForm()
    refused = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user and user.role not in API_ONLY_ROLES:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        refused = "That email and password do not match an active account."
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, refused=refused), status


@bp.post("/logout")
@login_required
def logout():  # noqa: ANN201
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
