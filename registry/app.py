"""The Flask application factory: one registry (database, plugins, index) per app."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

from registry.config import Config
from registry.services import Registry


def create_app(config: Config | None = None, *, extra_plugins: tuple = (),
               registry: Registry | None = None) -> Flask:
    """The site and the API over ``registry``, or over a registry built from ``config``
    (the environment's when None) and the installed plugins plus ``extra_plugins``."""
    from registry.api import register_api  # the views import get_registry from here
    from registry.cache import init_cache
    from registry.web import web
    from registry.web.auth import auth, csrf, init_auth
    from registry.web.awards import awards_web
    from registry.web.i18n import init_babel
    from registry.web.submissions import submissions

    if registry is None:
        registry = Registry.from_config(config or Config.from_env(), extra_plugins)
    config = registry.config
    app = Flask(__name__, static_folder=None)  # the web blueprint serves /static
    app.url_map.converters["int"] = DatabaseInteger
    app.config["SECRET_KEY"] = config.secret_key
    app.config["MAX_CONTENT_LENGTH"] = config.max_document_bytes
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.extensions["registry"] = registry
    init_babel(app)
    init_auth(app, ratelimit_storage=config.ratelimit_storage)
    for blueprint in register_api(app):  # bearer tokens only: no session, no CSRF
        csrf.exempt(blueprint)
    app.register_blueprint(web)
    app.register_blueprint(awards_web)
    app.register_blueprint(auth)
    app.register_blueprint(submissions)
    init_cache(app)  # last: whole responses for anonymous readers (registry/cache.py)
    return app


class DatabaseInteger(IntegerConverter):
    """``<int:…>`` URL parts that fit a database integer; a larger number is a 404, not a crash."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def get_registry() -> Registry:
    """The registry of the app handling the current request or command."""
    return current_app.extensions["registry"]
