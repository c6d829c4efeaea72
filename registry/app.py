"""The Flask application factory: one registry (database, plugins, index) per app."""

from __future__ import annotations

from flask import Flask, current_app

from registry.config import Config
from registry.services import Registry


def create_app(config: Config | None = None, *, extra_plugins: tuple = ()) -> Flask:
    from registry.api import register_api  # the views import get_registry from here
    from registry.web import web

    config = config or Config.from_env()
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.secret_key
    app.config["MAX_CONTENT_LENGTH"] = config.max_document_bytes
    app.extensions["registry"] = Registry.from_config(config, extra_plugins)
    register_api(app)
    app.register_blueprint(web)
    return app


def get_registry() -> Registry:
    """The registry of the app handling the current request or command."""
    return current_app.extensions["registry"]
