"""The page cache: an anonymous reader gets the stored page again until a practice changes.

Every cacheable response says ``X-Cache: HIT``, ``MISS`` or ``BYPASS``. A write through the
service (import, edit, delete) changes the instance folder's stamp, which every process
sharing the folder sees: two apps on one folder stand for two gunicorn workers.
"""

from __future__ import annotations

import dataclasses

import pytest

from registry.app import create_app
from registry.cache import EXTENSION, CachedResponse, ResponseCache
from registry.config import Config
from registry.services import stamp as stamp_module
from registry.services.stamp import ChangeStamp

SEARCH = "/?q=familia"


@pytest.fixture
def seeded(app, seed_paths) -> dict[str, str]:
    """The seeds imported through the app's own registry; the id of each seed's practice."""
    results = app.extensions["registry"].imports.import_paths(seed_paths.values())
    return {name: result.practice_ids[0] for name, result in zip(seed_paths, results, strict=True)}


@pytest.fixture
def anonymous(app):
    """A reader without cookies: nothing the server sets is sent back."""
    return app.test_client(use_cookies=False)


def fetch_twice(client, url: str, **kwargs):
    first, second = client.get(url, **kwargs), client.get(url, **kwargs)
    assert first.status_code == second.status_code == 200, (url, first.status_code)
    return first, second


def titles(record: dict) -> set[str]:
    return set(record["title"].values())


# -- a page is kept ---------------------------------------------------------------------------


def test_each_cached_page_is_served_again_the_same(anonymous, seeded):
    practice = seeded["venice_form"]
    for url in (SEARCH, "/", f"/practices/{practice}", f"/api/practices/{practice}",
                "/api/practices", "/api/search?q=familia"):
        first, second = fetch_twice(anonymous, url)
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT"), url
        assert second.data == first.data
        assert second.content_type == first.content_type
        assert second.headers.get("ETag") == first.headers.get("ETag")


def test_head_is_answered_from_the_page_a_get_stored(anonymous, seeded):
    url = f"/api/practices/{seeded['oru_fogar']}"
    full = anonymous.get(url)
    head = anonymous.head(url)
    assert head.headers["X-Cache"] == "HIT"
    assert head.data == b""
    assert head.headers["Content-Length"] == full.headers["Content-Length"]


def test_pages_outside_the_list_are_not_cached(anonymous, seeded):
    response = anonymous.get(f"/api/practices/{seeded['oru_fogar']}/revisions")
    assert response.status_code == 200
    assert "X-Cache" not in response.headers


def test_a_missing_practice_is_not_kept(anonymous, app, seed_paths):
    registry = app.extensions["registry"]
    first = registry.imports.import_paths([seed_paths["venice_form"]])[0].practice_ids[0]
    missing = anonymous.get(f"/api/practices/{first}-gone")
    assert missing.status_code == 404
    assert anonymous.get(f"/api/practices/{first}-gone").headers["X-Cache"] == "MISS"


# -- a write shows on the next request ---------------------------------------------------------


def test_an_import_shows_on_the_next_search(anonymous, app, seed_paths):
    imports = app.extensions["registry"].imports
    imports.import_paths([seed_paths["venice_form"]])
    _, before = fetch_twice(anonymous, "/api/search?q=")
    assert before.headers["X-Cache"] == "HIT"
    imports.import_paths([seed_paths["oru_fogar"], seed_paths["sdg_action"]])
    after = anonymous.get("/api/search?q=")
    assert after.headers["X-Cache"] == "MISS"
    assert after.json["total"] == before.json["total"] + 2


def test_an_edit_shows_on_the_next_request(anonymous, app, seeded):
    practices = app.extensions["registry"].practices
    practice = seeded["relaf_2016"]
    url = f"/api/practices/{practice}"
    _, cached = fetch_twice(anonymous, url)
    _, page = fetch_twice(anonymous, f"/practices/{practice}")
    record = practices.get(practice)
    edited = {**record, "title": {record["language"]: "Casas de la esperanza editadas"}}
    practices.update(practice, edited, expected_version=record["revision"])

    fresh = anonymous.get(url)
    assert fresh.headers["X-Cache"] == "MISS"
    assert titles(fresh.json) == {"Casas de la esperanza editadas"}
    assert fresh.json["revision"] == cached.json["revision"] + 1
    assert "Casas de la esperanza editadas" in anonymous.get(f"/practices/{practice}").text
    assert "Casas de la esperanza editadas" not in page.text


def test_a_delete_shows_on_the_next_request(anonymous, app, seeded):
    practice = seeded["oru_fogar"]
    fetch_twice(anonymous, f"/api/practices/{practice}")
    _, listed = fetch_twice(anonymous, "/api/practices?per_page=50")
    assert practice in {r["id"] for r in listed.json["items"]}
    app.extensions["registry"].practices.delete(practice)

    assert anonymous.get(f"/api/practices/{practice}").status_code == 404
    after = anonymous.get("/api/practices?per_page=50").json
    assert practice not in {r["id"] for r in after["items"]}
    assert after["total"] == listed.json["total"] - 1


def test_a_write_in_one_worker_shows_in_the_other(config, seed_paths):
    """Two apps on one instance folder: each keeps its own cache, the stamp is shared."""
    workers = [create_app(config), create_app(config)]
    one, other = (w.extensions["registry"] for w in workers)
    try:
        one.init()
        one.imports.import_paths([seed_paths["venice_form"]])
        readers = [w.test_client(use_cookies=False) for w in workers]
        for reader in readers:
            _, cached = fetch_twice(reader, "/api/search?q=")
            assert cached.headers["X-Cache"] == "HIT"
            assert cached.json["total"] == 1

        other.imports.import_paths([seed_paths["oru_fogar"]])  # written by the second worker
        for reader in readers:
            assert reader.get("/api/search?q=").json["total"] == 2
        gone = one.search.query("").hits[0].id
        one.practices.delete(gone)                           # and by the first
        for reader in readers:
            assert reader.get("/api/search?q=").json["total"] == 1
            assert reader.get(f"/api/practices/{gone}").status_code == 404
    finally:
        for registry in (one, other):
            registry.close()


def test_a_write_by_another_registry_on_the_folder_shows(anonymous, app, registry, seed_paths):
    """The ``registry`` command (another process) writing beside the served app."""
    registry.imports.import_paths([seed_paths["venice_form"]])
    _, before = fetch_twice(anonymous, SEARCH)
    registry.imports.import_paths([seed_paths["relaf_2017"]])
    after = anonymous.get(SEARCH)
    assert after.headers["X-Cache"] == "MISS"
    assert after.data != before.data


# -- languages ---------------------------------------------------------------------------------


def test_spanish_and_english_of_one_url_never_mix(anonymous, seeded):
    spanish, english = {"Accept-Language": "es-ES,es;q=0.9"}, {"Accept-Language": "en"}
    es_first = anonymous.get(SEARCH, headers=spanish)
    en_first = anonymous.get(SEARCH, headers=english)
    assert en_first.headers["X-Cache"] == "MISS"  # not the Spanish page stored just before
    for _ in range(2):
        es, en = anonymous.get(SEARCH, headers=spanish), anonymous.get(SEARCH, headers=english)
        assert (es.headers["X-Cache"], en.headers["X-Cache"]) == ("HIT", "HIT")
        assert '<html lang="es">' in es.text and "Buscar prácticas" in es.text
        assert '<html lang="en">' in en.text and "Search practices" in en.text
        assert (es.data, en.data) == (es_first.data, en_first.data)


def test_a_browser_language_that_resolves_to_english_shares_the_english_page(anonymous, seeded):
    anonymous.get(SEARCH)
    german = anonymous.get(SEARCH, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert german.headers["X-Cache"] == "HIT"
    assert '<html lang="en">' in german.text


def test_the_switcher_sets_a_cookie_so_its_page_is_never_stored(anonymous, client, seeded):
    for _ in range(2):
        switched = anonymous.get(f"{SEARCH}&lang=es")
        assert "Set-Cookie" in switched.headers
        assert switched.headers["X-Cache"] == "MISS"
        assert '<html lang="es">' in switched.text
    assert '<html lang="en">' in anonymous.get(SEARCH).text
    # the reader who switched carries the session cookie from then on
    client.get(f"{SEARCH}&lang=es")
    remembered = client.get(SEARCH)
    assert remembered.headers["X-Cache"] == "BYPASS"
    assert '<html lang="es">' in remembered.text


def test_the_api_keeps_one_entry_per_language(anonymous, seeded):
    url = "/api/search?q=familia"
    for language in ("es", "fr", "es", "fr"):
        anonymous.get(url, headers={"Accept-Language": language})
    cache = anonymous.application.extensions[EXTENSION]
    keys = {key[0] for key in cache._entries}
    assert {"es", "fr"} <= keys


# -- personal requests -------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Cookie": "session=eyJsYW5nIjoiZXMifQ.signed"},
    {"Cookie": "remember_token=1|abc"},
    {"Authorization": "Bearer gpr_0123456789abcdef"},
], ids=["session cookie", "remember cookie", "API token"])
def test_a_request_with_a_cookie_or_credentials_bypasses_the_cache(anonymous, seeded, headers):
    url = f"/api/practices/{seeded['venice_form']}"
    _, cached = fetch_twice(anonymous, url)
    assert cached.headers["X-Cache"] == "HIT"
    personal = anonymous.get(url, headers=headers)
    assert personal.headers["X-Cache"] == "BYPASS"  # the view answered, not the cache
    cache = anonymous.application.extensions[EXTENSION]
    size = len(cache)
    anonymous.get(f"{url}?revision=1", headers=headers)
    assert len(cache) == size  # and what it answered was not stored


def test_a_response_that_sets_a_cookie_is_not_stored(app, anonymous, seeded):
    @app.after_request
    def set_cookie(response):
        response.set_cookie("tracking", "1")
        return response

    url = f"/api/practices/{seeded['venice_form']}"
    assert anonymous.get(url).headers["X-Cache"] == "MISS"
    assert anonymous.get(url).headers["X-Cache"] == "MISS"
    assert len(app.extensions[EXTENSION]) == 0


# -- conditional requests ----------------------------------------------------------------------


def test_a_cached_practice_still_answers_304_to_its_etag(anonymous, app, seeded):
    practice = seeded["sdg_action"]
    url = f"/api/practices/{practice}"
    etag = anonymous.get(url).headers["ETag"]
    not_modified = anonymous.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.headers["X-Cache"] == "HIT"
    assert not_modified.data == b""
    assert anonymous.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    practices = app.extensions["registry"].practices
    record = practices.get(practice)
    practices.update(practice, {**record, "title": {record["language"]: "Otro título"}},
                     expected_version=record["revision"])
    changed = anonymous.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_a_304_to_a_cold_cache_is_not_stored(anonymous, seeded):
    url = f"/api/practices/{seeded['sdg_action']}"
    etag = f'"{seeded["sdg_action"]}-r1"'
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304
    full = anonymous.get(url)
    assert full.headers["X-Cache"] == "MISS"
    assert full.json["id"] == seeded["sdg_action"]


def test_a_hit_gets_a_date_of_its_own(anonymous, seeded):
    url = f"/api/practices/{seeded['sdg_action']}"
    anonymous.get(url)
    cache = anonymous.application.extensions[EXTENSION]
    assert all("date" not in (k.lower() for k, _ in e.headers) for e in cache._entries.values())
    assert "Date" in anonymous.get(url).headers


# -- configuration and parts -------------------------------------------------------------------


def test_the_cache_can_be_switched_off(config, seed_paths):
    app = create_app(dataclasses.replace(config, page_cache_mb=0))
    registry = app.extensions["registry"]
    try:
        registry.init()
        registry.imports.import_paths([seed_paths["venice_form"]])
        reader = app.test_client(use_cookies=False)
        assert "X-Cache" not in reader.get(SEARCH).headers
        assert EXTENSION not in app.extensions
    finally:
        registry.close()
    assert Config.from_env({"REGISTRY_PAGE_CACHE": "0"}).page_cache_mb == 0
    assert Config.from_env({}).page_cache_mb > 0


def test_the_stamp_changes_on_every_bump_and_after_starting_over(tmp_path, monkeypatch):
    stamp = ChangeStamp.for_instance(tmp_path / "instance")
    assert stamp.read() is None  # no file yet: nothing may be cached
    stamp.ensure()
    seen = [stamp.read()]
    monkeypatch.setattr(stamp_module, "MAX_BYTES", 3)
    for _ in range(8):  # faster than the clock ticks, and past MAX_BYTES twice
        stamp.bump()
        seen.append(stamp.read())
    assert len(set(seen)) == len(seen)
    assert ChangeStamp(None).read() is None


def test_the_cache_keeps_to_its_size_least_recently_used_first():
    cache = ResponseCache(max_bytes=8 * 1000)  # an entry may take an eighth: 1000 bytes
    entry = CachedResponse(200, (("Content-Type", "text/html"),), b"x" * 700)
    assert cache.get("s1", "warm") is None
    for n in range(12):
        cache.put("s1", n, entry)
        cache.get("s1", 0)  # 0 stays in use
    assert cache.get("s1", 0) is entry
    assert cache.get("s1", 1) is None
    assert sum(e.size for e in cache._entries.values()) <= cache.max_bytes
    cache.put("s1", "big", CachedResponse(200, (), b"x" * 2000))
    assert cache.get("s1", "big") is None
    assert cache.get("s2", 0) is None  # a new stamp: nothing kept is current
    cache.put("s1", 0, entry)  # computed before the change: not kept
    assert len(cache) == 0
