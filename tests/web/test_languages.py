"""The interface in English, Spanish and French; records stay in their own language.

The language comes from the browser (Accept-Language) or the switcher (``?lang=``, kept in
the session); ``<html lang>`` is the interface language. The juror's pages speak the juror's
language whatever the browser asks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from registry.permissions import SYSTEM
from registry.web.i18n import LANGUAGES
from tests.conftest import PASSWORD, csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "registry" / "translations"
RUBRIC = "oru-regional-good-practices"

#: A few words each page must show, per interface language.
WORDS = {
    "list": {"en": ["Good-practice registry", "Search practices", "5 practices", "sort by"],
             "es": ["Registro de buenas prácticas", "Buscar prácticas", "5 prácticas",
                    "ordenar por", "País"],
             "fr": ["Registre des bonnes pratiques", "Rechercher des pratiques", "5 pratiques",
                    "trier par", "Pays"]},
    "practice": {"en": ["Jurisdiction", "Provenance", "Revisions"],
                 "es": ["Jurisdicción", "Procedencia", "Revisiones", "Este registro en JSON"],
                 "fr": ["Collectivité", "Provenance", "Révisions", "Cette fiche en JSON"]},
    "compare": {"en": ["Compare practices", "Target groups", "Cost per beneficiary reached"],
                "es": ["Comparar prácticas", "Grupos destinatarios",
                       "Costo por beneficiario alcanzado"],
                "fr": ["Comparer des pratiques", "Publics visés",
                       "Coût par bénéficiaire atteint"]},
    "awards": {"en": ["Awards", "results"], "es": ["Premios", "resultados", "abierta"],
               "fr": ["Prix", "résultats", "ouverte"]},
    "edition": {"en": ["Phase:", "Assign by hand", "Jurors per entry"],
                "es": ["Fase:", "Asignar a mano", "Jurados por candidatura", "mismo país"],
                "fr": ["Phase :", "Attribuer à la main", "Jurés par candidature", "même pays"]},
    "results": {"en": ["Ranking: raw and normalised side by side", "Provisional"],
                "es": ["Clasificación: bruta y normalizada", "Provisionales", "Jurados"],
                "fr": ["Classement : brut et normalisé", "Provisoires", "Jurés"]},
}
ENGLISH_ONLY = ["Search practices", "Compare practices", "Skip to content"]


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


def flat(page: str) -> str:
    return " ".join(page.split())


@pytest.fixture
def pages(app, client, accounts, seed_paths) -> dict[str, str]:
    """The URL of each page over the seeds, with an award edition whose jurors score; the
    client is signed in as the chair (the edition page and the provisional results are the
    chair's)."""
    registry = app.extensions["registry"]
    registry.imports.import_paths(seed_paths.values())
    ids = {hit.id for hit in registry.search.query("", per_page=50).hits}
    medellin = registry.search.query("Medellín").hits[0].id
    jalisco = registry.search.query("Femmes bien-être").hits[0].id
    awards = registry.awards
    award = awards.create_award("Regional Good Practices Award")
    edition = awards.create_edition(award["id"], "I", RUBRIC, year=2016)
    labels = [awards.submit_entry(edition["id"], pid)["label"] for pid in sorted(ids)]
    jurors = [awards.invite_juror(edition["id"], name, f"{key}@jury.example.org",
                                  country=country, language=language)["id"]
              for key, name, country, language in (("ana", "Ana Ruiz", "ES", "es"),
                                                   ("chloe", "Chloé Martin", "CO", "fr"))]
    for juror in jurors:
        awards.assign(edition["id"], juror, labels[:2])
    assert login(client, accounts["chair"].email).status_code == 302
    return {
        "list": "/",
        "practice": f"/practices/{jalisco}",
        "compare": f"/compare?ids={medellin}&ids={jalisco}",
        "awards": "/awards/",
        "edition": f"/awards/editions/{edition['id']}",
        "results": f"/awards/editions/{edition['id']}/results",
        "juror_fr": f"/awards/editions/{edition['id']}/jurors/{jurors[1]}",
    }


PAGES = ["list", "practice", "compare", "awards", "edition", "results"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["es", "fr"])
def test_pages_follow_the_browser_language(client, pages, page, language):
    response = client.get(pages[page], headers={"Accept-Language": f"{language},en;q=0.5"})
    assert response.status_code == 200
    text = flat(response.get_data(as_text=True))
    assert html_lang(text) == language
    assert all(word in text for word in WORDS[page][language]), WORDS[page][language]
    assert not any(word in text for word in ENGLISH_ONLY)
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("page", PAGES)
def test_english_without_a_browser_language(client, pages, page):
    text = flat(client.get(pages[page]).get_data(as_text=True))
    assert html_lang(text) == "en"
    assert all(word in text for word in WORDS[page]["en"])


def test_a_language_the_interface_lacks_falls_back_to_english(client, pages):
    text = client.get("/", headers={"Accept-Language": "de-DE,pt;q=0.8"}).get_data(as_text=True)
    assert html_lang(text) == "en" and "Search practices" in text


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_switcher_sets_the_language_and_the_session_keeps_it(client, pages, language):
    listing = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'href="/?lang={language}" hreflang="{language}"' in listing  # plain links, no JS
    assert "<script" not in listing
    for page in PAGES:  # one click, then every page without the parameter
        url = pages[page] if page != "list" else f"/?lang={language}"
        if page == "list":
            first = client.get(url, headers={"Accept-Language": "en"})
            assert html_lang(first.get_data(as_text=True)) == language
            continue
        text = flat(client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True))
        assert html_lang(text) == language, page
        assert all(word in text for word in WORDS[page][language]), page
    back = client.get("/?lang=en", headers={"Accept-Language": language}).get_data(as_text=True)
    assert html_lang(back) == "en" and "Search practices" in back


def test_the_switcher_keeps_the_page_and_its_query(client, pages):
    text = client.get(pages["compare"] + "&lang=es").get_data(as_text=True)
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', text))
    french = next(href for href, lang in links.items() if lang == "fr")
    assert french.startswith("/compare?") and "lang=fr" in french and french.count("ids=") == 2
    assert "lang=es" not in french


def test_an_unknown_lang_parameter_is_ignored(client, pages):
    text = client.get("/?lang=xx", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_lang(text) == "fr"


def test_records_keep_their_own_language(client, pages):
    text = client.get(pages["practice"], headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    assert html_lang(text) == "es"
    # the Jalisco practice is a French-language record: its text is marked so, untranslated
    assert re.search(r'<h1 lang="fr">Femmes qui avancent vers le bien-être', text)
    listing = client.get("/?lang=es").get_data(as_text=True)
    assert re.search(r'lang="fr">Femmes qui avancent vers le bien-être', listing)


def test_plurals_follow_the_count(client, pages):
    one = client.get("/?lang=fr&q=Medellín").get_data(as_text=True)
    assert re.search(r"<p>1 pratique\b", one)
    assert re.search(r"<p>1 práctica\b", client.get("/?lang=es&q=Medellín").get_data(
        as_text=True))


def test_flash_messages_are_translated(client, pages):
    url = pages["edition"]
    client.get(url, headers={"Accept-Language": "es"})
    response = client.post(f"{url}/assign", data={"auto": "1", "per_entry": "1",
                                                  "csrf_token": csrf_token(client, url)},
                           headers={"Accept-Language": "es"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert re.search(r"\d+ asignaci(ón|ones) hechas? automáticamente\.", text)


def test_the_juror_pages_speak_the_jurors_language(app, pages):
    app.extensions["registry"].accounts.create(
        SYSTEM, email="chloe@jury.example.org", name="Chloé Martin", password=PASSWORD,
        role="juror", language="fr")
    client = app.test_client()
    assert login(client, "chloe@jury.example.org").status_code == 302
    text = client.get(pages["juror_fr"], headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    assert html_lang(text) == "fr"
    assert "Vos candidatures" in text and "Registre des bonnes pratiques" in text


def test_the_api_lang_parameter_is_not_the_switcher(client, pages):
    client.get("/api/awards/rubrics?lang=es")
    text = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert html_lang(text) == "fr"


# -- the catalogs -------------------------------------------------------------------------


def catalog(language: str):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def interface_messages() -> set:
    """The msgids of the code and templates, extracted as `make translations` does."""
    method_map = [("registry/web/**.py", "python"),
                  ("registry/web/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    return {message[2] if isinstance(message[2], str) else tuple(message[2])
            for message in extract_from_dir(str(ROOT), method_map, keywords=keywords)}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated(language):
    messages = catalog(language)
    untranslated = [m.id for m in messages if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert untranslated == []
    known = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages if m.id}
    assert interface_messages() - known == set(), "run `make translations`"
    # the placeholders of each message are kept in its translation
    for m in messages:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        assert all(set(re.findall(r"%\(\w+\)[sd]", s)) == wanted for s in strings), m.id
