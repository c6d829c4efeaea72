"""The page cache: whole responses of the read-only views, kept in each process.

What it caches: ``GET``/``HEAD`` of the endpoints in ``CACHED_ENDPOINTS``, whose output
depends only on the stored practices, the search index and the interface language: the
practice list and search page, a practice's page, and the practice and search API.

The key is the change stamp of the instance folder (``registry/services/stamp.py``: it
changes after every committed write, in every worker process), the interface language as
the locale selector resolves it (``?lang=``, else Accept-Language), and the URL (scheme,
host, path and query string). An entry of an older stamp is never served again.

What it never caches, and never serves from the cache:

* a request that carries a cookie (a session, remember-me, a language chosen with the
  switcher: anything) or an ``Authorization`` header: signed-in readers and API tokens may
  see more than anonymous ones (``X-Cache: BYPASS``);
* a response that is not 200, sets a cookie, says ``Cache-Control: private`` or
  ``no-store``, varies on a header the key does not cover, or is streamed.

What is stored is the view's response before the ``after_request`` functions run; a cached
response goes through them like a fresh one, and gets 304 Not Modified from its ETag as the
view would give it. Every cacheable response says ``X-Cache: HIT``, ``MISS`` or ``BYPASS``.
Each process keeps at most ``REGISTRY_PAGE_CACHE`` MiB of bodies and headers, the least
recently used entries leaving first; ``REGISTRY_PAGE_CACHE=0`` switches the cache off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, Response, after_this_request, current_app, g, request, request_finished
from flask_babel import get_babel
from werkzeug.http import http_date

from registry.app import get_registry

#: The views whose response depends only on the practices, the index and the language.
CACHED_ENDPOINTS = frozenset({
    "web.practice_list",        # /  (the list and the search page)
    "web.practice_page",        # /practices/<id>
    "practices.Practices",      # /api/practices
    "practices.PracticeById",   # /api/practices/<id>
    "search.Search",            # /api/search
})
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The request headers that make_conditional looks at (WSGI names).
CONDITIONAL = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                         "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_RANGE"})
#: Request headers a response may vary on: the key has the language, and a request with a
#: cookie or credentials is never cached.
COVERED_VARY = frozenset({"accept-language", "cookie", "authorization", "accept-encoding"})
#: A response larger than this share of the cache is not kept.
LARGEST_SHARE = 8
EXTENSION = "page_cache"


@dataclass(frozen=True, slots=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> CachedResponse:
        """The response as the view gave it, less its ``Date`` (a hit gets its own)."""
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() != "date")
        return cls(response.status_code, headers, response.get_data())

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200

    def response(self) -> Response:
        """A fresh response object (the ``after_request`` functions may change it)."""
        response = current_app.response_class(self.body, status=self.status,
                                              headers=list(self.headers))
        if "ETag" in response.headers or "Last-Modified" in response.headers:
            if CONDITIONAL.intersection(request.environ):
                response.make_conditional(request)  # 304 as the view gives it, and a Date
            else:  # what make_conditional does to an unconditional GET, in short
                response.headers["Date"] = http_date()
        return response


class ResponseCache:
    """A size-bounded LRU of responses for one change stamp (a new stamp empties it)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._stamp: Hashable = None
        self._lock = threading.Lock()

    def get(self, stamp: Hashable, key: Hashable) -> CachedResponse | None:
        with self._lock:
            if stamp != self._stamp:  # written since: nothing kept is current any more
                self._entries.clear()
                self._bytes, self._stamp = 0, stamp
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, stamp: Hashable, key: Hashable, entry: CachedResponse) -> None:
        size = entry.size
        if size > self.max_bytes // LARGEST_SHARE:
            return
        with self._lock:
            if stamp != self._stamp:  # computed before the latest write
                return
            old = self._entries.pop(key, None)
            self._bytes += size - (old.size if old else 0)
            self._entries[key] = entry
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def init_cache(app: Flask) -> None:
    """Put the page cache in front of ``CACHED_ENDPOINTS`` (unless the config switches it off).

    Call it last in the factory. The lookup runs before every other ``before_request``
    function, like a cache in front of the application: a hit is not counted by the rate
    limiter (no cached endpoint has a limit) and does not run the language switcher's
    ``remember_language`` (a ``?lang=`` without a cookie sets one, so it is never stored).
    The ``after_request`` functions and the session run on a hit as on a miss.
    """
    registry = app.extensions["registry"]
    max_bytes = registry.config.page_cache_mb * 1024 * 1024
    if max_bytes <= 0:
        return
    app.extensions[EXTENSION] = ResponseCache(max_bytes)
    registry.practices.stamp.ensure()
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_from_cache)
    request_finished.connect(_store, app)


def is_personal() -> bool:
    """Whether this request may get a response of its own: it carries a cookie (a session,
    a remember-me token, a chosen language) or credentials. Such a request is never served
    from the cache, and what it gets is never stored."""
    return "Cookie" in request.headers or "Authorization" in request.headers


def _serve_from_cache() -> Response | None:
    if request.method not in SAFE_METHODS or request.endpoint not in CACHED_ENDPOINTS:
        return None
    if is_personal():
        after_this_request(_mark_bypass)
        return None
    stamp = get_registry().change_stamp()
    if stamp is None:
        return None
    key = (_language(), request.scheme, request.host, request.script_root, request.path,
           request.query_string)
    entry = current_app.extensions[EXTENSION].get(stamp, key)
    if entry is not None:
        response = entry.response()
        response.headers["X-Cache"] = "HIT"
        return response
    if request.method == "GET":
        g.page_cache_key = (stamp, key)
        after_this_request(_capture)
    return None


def _language() -> str:
    """The interface language, from the app's locale selector itself (what flask-babel's
    ``get_locale`` calls, without making a ``Locale`` of it): ``?lang``, else Accept-Language,
    as this request has no session."""
    babel = get_babel(current_app)
    return (babel.locale_selector and babel.locale_selector()) or babel.default_locale


def _capture(response: Response) -> Response:
    """Keep the view's response aside; ``_store`` decides once the response is final."""
    if (response.status_code == 200 and response.is_sequence
            and not response.direct_passthrough and "Set-Cookie" not in response.headers):
        g.page_cache_entry = CachedResponse.of(response)
    response.headers["X-Cache"] = "MISS"
    return response


def _mark_bypass(response: Response) -> Response:
    response.headers["X-Cache"] = "BYPASS"
    return response


def _store(app: Flask, response: Response, **_) -> None:
    """Store the captured response if the final one (after ``after_request`` and the session)
    is one anybody may be given: 200, no cookie set, nothing private, no uncovered Vary."""
    entry = g.pop("page_cache_entry", None)
    if entry is None:
        return
    control = response.cache_control
    if (response.status_code != 200 or "Set-Cookie" in response.headers
            or control.private or control.no_store
            or not {v.lower() for v in response.vary} <= COVERED_VARY):
        return
    stamp, key = g.page_cache_key
    app.extensions[EXTENSION].put(stamp, key, entry)
