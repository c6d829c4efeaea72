"""The interface languages: English, Spanish and French with flask-babel.

The language is the one chosen with the switcher (``?lang=es``, remembered in the session),
else the browser's (Accept-Language), else English. Only the interface is translated: records
keep their own language (``lang`` on their text). The juror's pages speak the juror's language
whatever the browser says (``force_locale`` in the award views).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session, url_for
from flask_babel import Babel, get_locale

#: The interface languages, each named in its own language for the switcher.
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
#: The blueprints of the pages, where ``?lang=`` is the switcher.
PAGES = ("web", "awards_web", "auth", "submissions")
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def select_language() -> str:
    """The switcher's choice (this request's ``lang`` or the session's), else the browser's."""
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def interface_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def switch_url(language: str) -> str:
    """This page again, in ``language``: the same URL with ``lang`` set."""
    if request.endpoint is None or request.endpoint == "static" or request.method != "GET":
        return url_for("web.practice_list", lang=language)
    args = {key: request.args.getlist(key) for key in request.args if key != "lang"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, lang=language)


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_language)

    @app.before_request
    def remember_language() -> None:
        """The switcher's choice, kept for the next pages (the API's own ``lang`` is not)."""
        if request.blueprint not in PAGES:
            return
        if request.args.get("lang") in LANGUAGES and session.get("lang") != request.args["lang"]:
            session["lang"] = request.args["lang"]

    @app.after_request
    def vary_on_language(response):
        if response.mimetype == "text/html":
            response.vary.update(("Accept-Language", "Cookie"))
        return response

    @app.context_processor
    def language_context() -> dict:
        return {"interface_language": interface_language, "languages": LANGUAGES,
                "switch_url": switch_url}
