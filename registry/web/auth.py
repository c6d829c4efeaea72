"""Signing in and out, API tokens, and the admin's account list.

Sessions come from Flask-Login (the signed-in ``Identity`` is loaded per request), every
form carries a CSRF token (Flask-WTF's ``CSRFProtect`` checks each POST of the site; the JSON
API is exempt because it only accepts bearer tokens, never the session cookie), and sign-in
attempts are rate limited per address and email (Flask-Limiter).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from registry.app import get_registry
from registry.errors import RegistryError
from registry.permissions import ANONYMOUS, ROLES, Identity, LoginRequired, PermissionDenied
from registry.services.accounts import MIN_PASSWORD_LENGTH, InvalidLogin
from registry.web.i18n import LANGUAGES

auth = Blueprint("auth", __name__, template_folder="templates")
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
#: Sign-in attempts: per address and email (guessing one password), and per address (spraying).
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute"
LOGIN_LIMIT_PER_ADDRESS = "20 per minute"


def current_identity() -> Identity:
    """Who is using the site: the signed-in account, or ``ANONYMOUS``."""
    return current_user._get_current_object()


def init_auth(app: Flask, *, ratelimit_storage: str) -> None:
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = lazy_gettext("Sign in to see this page.")
    login.anonymous_user = lambda: ANONYMOUS

    @login.user_loader
    def load_identity(account_id: str) -> Identity | None:
        return get_registry().accounts.get(int(account_id))

    app.config.setdefault("RATELIMIT_STORAGE_URI", ratelimit_storage)
    csrf.init_app(app)
    limiter.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return render_template("problem.html", status=400, message=gettext(
            "This form was not sent from this site or has expired (%(reason)s). "
            "Go back, reload the page and send it again.", reason=error.description)), 400

    @app.errorhandler(429)
    def too_many(error):
        return render_template("problem.html", status=429, message=gettext(
            "Too many sign-in attempts. Wait a minute and try again.")), 429

    @app.context_processor
    def identity_context() -> dict:
        return {"identity": current_identity()}


def allowed(action: str) -> Callable:
    """A page for those who may take ``action``: anonymous callers go to sign in, other
    accounts get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            identity = current_identity()
            if not identity.can(action):
                if identity.is_anonymous:
                    return redirect(url_for("auth.login", next=request.full_path))
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def denied(error: RegistryError):
    """A service's refusal as a page response: sign in, or 403."""
    if isinstance(error, LoginRequired):
        return redirect(url_for("auth.login", next=request.full_path))
    if isinstance(error, PermissionDenied):
        abort(403)
    raise error


# -- forms ------------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    email = EmailField(lazy_gettext("Email"), validators=[DataRequired()])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired()])


class TokenForm(FlaskForm):
    name = StringField(lazy_gettext("What the token is for"),
                       validators=[DataRequired(), Length(max=100)])


class AccountForm(FlaskForm):
    email = EmailField(lazy_gettext("Email"), validators=[DataRequired()])
    name = StringField(lazy_gettext("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(lazy_gettext("Role"), choices=[SelectChoice(r, r) for r in ROLES])
    network = StringField(lazy_gettext("Network (submitters and moderators)"))
    language = SelectField(lazy_gettext("Language"),
                           choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])
    password = PasswordField(lazy_gettext("Password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])


class ActionForm(FlaskForm):
    """A button that changes something: nothing to fill in but the CSRF token."""


# -- views ------------------------------------------------------------------------------------


def _login_key() -> str:
    return f"{get_remote_address()}|{request.form.get('email', '').strip().lower()}"


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT_PER_ACCOUNT, key_func=_login_key, methods=["POST"])
@limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            identity = get_registry().accounts.authenticate(form.email.data, form.password.data)
        except InvalidLogin:
            error = gettext("Wrong email or password.")
        else:
            login_user(identity)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if target and target.startswith("/") and not urlsplit(target).netloc \
            and not target.startswith("//"):
        return target
    return url_for("web.practice_list")


@auth.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        logout_user()
    return redirect(url_for("web.practice_list"))


@auth.route("/account", methods=["GET", "POST"])
def account():
    identity = current_identity()
    if identity.is_anonymous:
        return redirect(url_for("auth.login", next=request.full_path))
    accounts = get_registry().accounts
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        secret, _ = accounts.create_token(identity, form.name.data)
    return render_template("auth/account.html", form=form, secret=secret,
                           tokens=accounts.tokens(identity), revoke=ActionForm())


@auth.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    identity = current_identity()
    if identity.is_anonymous:
        return redirect(url_for("auth.login"))
    if ActionForm().validate_on_submit():
        try:
            get_registry().accounts.revoke_token(identity, token_id)
        except RegistryError:
            abort(404)
        flash(gettext("Token revoked."))
    return redirect(url_for("auth.account"))


@auth.route("/admin/accounts", methods=["GET", "POST"])
@allowed("manage_accounts")
def accounts_page():
    identity = current_identity()
    accounts = get_registry().accounts
    form = AccountForm()
    error = None
    if form.validate_on_submit():
        try:
            made = accounts.create(identity, email=form.email.data, name=form.name.data,
                                   password=form.password.data, role=form.role.data,
                                   network=form.network.data or None,
                                   language=form.language.data)
        except RegistryError as exc:
            error = exc.message
        else:
            flash(gettext("Account made for %(email)s.", email=made.email))
            return redirect(url_for("auth.accounts_page"))
    return render_template("auth/accounts.html", form=form, error=error,
                           accounts=accounts.accounts(identity)), 422 if error else 200
