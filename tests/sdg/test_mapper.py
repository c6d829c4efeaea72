"""The SDG mapper: seed records, context rules, negation, languages, crosswalk, data checks."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.importers.oru_fogar import OruFogarImporter
from plugins.importers.relaf_newsletter import RelafNewsletterImporter
from plugins.importers.sdg_action import SdgActionImporter
from plugins.importers.venice_form import VeniceFormImporter
from plugins.sdg import plugin
from plugins.sdg.lexicon import LexiconError, load_lexicon, phrase_key
from plugins.sdg.mapper import default_mapper, map_record, map_text, record_text
from plugins.sdg.text import fold, stem
from registry.importers import Source
from registry.plugins import build_plugin_manager
from registry.schema import Tag
from registry.services.practices import PracticeService

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CHECK_SET = ROOT / "tests" / "data" / "sdg" / "check_es_fr.csv"
IMPORTERS = {
    "000_da2e544ee9705e55.txt": VeniceFormImporter,
    "001_3f301ab74576aebb.txt": SdgActionImporter,
    "002_ae17b905110f0238.txt": RelafNewsletterImporter,
    "003_67b093e0aae3cc66.txt": OruFogarImporter,
    "004_4bf2e4c1c356877e.txt": RelafNewsletterImporter,
}


def seed_record(name: str) -> dict:
    path = SEEDS / name
    records = IMPORTERS[name]().parse(path.read_text(encoding="utf-8"), Source(name, "0"))
    assert len(records) == 1
    return records[0]


def codes(tags: list[dict], scheme: str) -> set[str]:
    return {tag["code"] for tag in tags if tag["scheme"] == scheme}


def goals(text: str, lang: str | None = None) -> set[str]:
    return codes(map_text(text, lang), "sdg_goal")


def tag(tags: list[dict], scheme: str, code: str) -> dict:
    return next(t for t in tags if t["scheme"] == scheme and t["code"] == code)


# -- the seed records ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_tags() -> dict[str, tuple[dict, list[dict]]]:
    out = {}
    for name in IMPORTERS:
        record = seed_record(name)
        out[name[:3]] = (record, map_record(record))
    return out


def test_medellin_poverty_programme_is_sdg_1_target_1_2(seed_tags) -> None:
    record, tags = seed_tags["001"]
    assert "1" in codes(tags, "sdg_goal") and "1.2" in codes(tags, "sdg_target")
    assert tags[0]["code"] == "1", "poverty is the main topic"
    target = tag(tags, "sdg_target", "1.2")
    assert "pobreza multidimensional" in target["evidence"]
    assert target["label"].startswith("De aquí a 2030, reducir al menos a la mitad")


@pytest.mark.parametrize("seed", ["002", "004"])
def test_foster_care_records_are_16_2_and_1_3(seed_tags, seed: str) -> None:
    _record, tags = seed_tags[seed]
    assert {"16", "1"} <= codes(tags, "sdg_goal")
    assert {"16.2", "1.3"} <= codes(tags, "sdg_target")
    evidence = tag(tags, "sdg_target", "16.2")["evidence"]
    assert any("foster care" in word.lower() for word in evidence)


def test_jalisco_womens_food_security_is_2_1_and_5(seed_tags) -> None:
    record, tags = seed_tags["003"]
    assert {"2", "5"} <= codes(tags, "sdg_goal")
    assert "2.1" in codes(tags, "sdg_target")
    assert "insécurité alimentaire" in tag(tags, "sdg_target", "2.1")["evidence"]
    assert tag(tags, "sdg_goal", "5")["label"].startswith("Parvenir à l’égalité des sexes")


def test_venice_form_maps_text_and_declared_codes(seed_tags) -> None:
    _record, tags = seed_tags["000"]
    assert "5.4" in codes(tags, "sdg_target"), "work-family balance"
    education = tag(tags, "sdg_goal", "4")
    assert education["method"] == "sdg-vd-crosswalk/1.0"
    assert education["evidence"] == ["V.D.03 Education"]
    poverty = tag(tags, "sdg_goal", "1")
    assert poverty["method"] == "sdg-lexicon/1.0+sdg-vd-crosswalk/1.0"


def test_evidence_words_are_words_of_the_record(seed_tags) -> None:
    for record, tags in seed_tags.values():
        text = record_text(record).casefold()
        for t in tags:
            assert t["evidence"], t
            for words in t["evidence"]:
                if words.startswith("V.D."):
                    continue
                for part in words.split(" … "):
                    assert part.casefold() in text, (t["code"], part)


def test_every_tag_fits_the_contract(seed_tags) -> None:
    for _record, tags in seed_tags.values():
        for t in tags:
            assert Tag().validate(t) == {}
            assert 0 < t["confidence"] <= 1
            assert t["method"].startswith("sdg-")


def test_the_hook_returns_the_mapping(seed_tags) -> None:
    record, tags = seed_tags["001"]
    assert plugin.registry_enrich_record(record) == tags


def test_core_stores_the_tags_as_derived_beside_declared_ones(seed_tags) -> None:
    pm = build_plugin_manager()
    if not pm.is_registered(plugin):
        pm.register(plugin, name="sdg")
    record, _tags = seed_tags["000"]
    prepared = PracticeService(None, pm, None).prepare(record)
    declared = [t for t in prepared["tags"] if not t["derived"]]
    derived = [t for t in prepared["tags"] if t["derived"]]
    assert {t["scheme"] for t in declared} == {"venice_declaration"}
    assert {"sdg_goal", "sdg_target"} <= {t["scheme"] for t in derived}
    assert all(t["method"] and t["evidence"] for t in derived if t["scheme"].startswith("sdg"))


# -- context, negation, boilerplate ----------------------------------------------------------


@pytest.mark.parametrize(("text", "lang"), [
    ("A programme for women, children and families of the neighbourhood.", "en"),
    ("Un programa para mujeres, niñas, niños y familias del barrio.", "es"),
    ("Un programme pour les femmes, les enfants et les familles du quartier.", "fr"),
    ("Women and families gathered in the city for a cooking workshop.", "en"),
])
def test_population_words_alone_say_nothing(text: str, lang: str) -> None:
    assert not goals(text, lang) & {"5", "16"}


@pytest.mark.parametrize(("text", "goal"), [
    ("Shelters for women who suffer violence from their partners.", "5"),
    ("Asesoría a mujeres víctimas de violencia intrafamiliar.", "5"),
    ("Les femmes apprennent le leadership et se présentent aux élections municipales.", "5"),
    ("Talleres para prevenir el maltrato de niños y niñas en el hogar.", "16"),
    ("Families with high rates of violence receive weekly visits.", "16"),
])
def test_population_words_count_with_context(text: str, goal: str) -> None:
    assert goal in goals(text)


@pytest.mark.parametrize(("text", "lang", "goal"), [
    ("The programme does not address violence against women.", "en", "5"),
    ("El programa no aborda la violencia de género.", "es", "5"),
    ("Ce projet ne traite pas de la pauvreté ni de la faim.", "fr", "1"),
    ("O projeto não trata da pobreza extrema.", "pt", "1"),
])
def test_negated_topics_are_dropped(text: str, lang: str, goal: str) -> None:
    assert goal not in goals(text, lang)


@pytest.mark.parametrize(("text", "goal"), [
    ("Households that do not have access to drinking water get a cistern.", "6"),
    ("Familias que no tienen acceso a agua potable.", "6"),
    ("Campaña municipal: no a la violencia contra las mujeres.", "5"),
    ("The programme tackles not only extreme poverty but also hunger.", "1"),
    ("Children without parental care are placed in foster families.", "16"),
])
def test_deficits_and_not_only_are_not_negations(text: str, goal: str) -> None:
    assert goal in goals(text)


def test_boilerplate_is_ignored() -> None:
    text = ("Good practice aligned with the 2030 Agenda and the Sustainable Development Goals: "
            "leave no one behind. SDGS & Targets. Partnership Progress. All rights reserved.")
    assert map_text(text, "en") == []


def test_explicit_references_count() -> None:
    tags = map_text("Contribuye a los ODS 1 y 5 (meta 5.2).", "es")
    assert {"1", "5"} <= codes(tags, "sdg_goal") and "5.2" in codes(tags, "sdg_target")
    assert tag(tags, "sdg_goal", "5")["evidence"] == ["ODS 1 y 5", "meta 5.2"]


# -- languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "lang", "goal", "target", "label"), [
    ("Guarderías municipales y estimulación temprana para la primera infancia.", "es", "4",
     "4.2", "De aquí a 2030, asegurar que todas las niñas y todos los niños"),
    ("Les familles d'accueil hébergent des enfants confiés par l'aide sociale à l'enfance.",
     "fr", "16", "16.2", "Mettre un terme à la maltraitance"),
    ("Conditional cash transfers reach 50,000 poor households.", "en", "1", "1.3",
     "Implement nationally appropriate social protection systems"),
    ("Transferências de renda para famílias em situação de pobreza extrema.", "pt", "1",
     "1.1", "By 2030, eradicate extreme poverty"),
])
def test_languages_and_labels(text: str, lang: str, goal: str, target: str, label: str) -> None:
    tags = map_text(text, lang)
    assert goal in codes(tags, "sdg_goal") and target in codes(tags, "sdg_target")
    assert tag(tags, "sdg_target", target)["label"].startswith(label)


def test_label_language_is_guessed_without_lang() -> None:
    tags = map_text("La lutte contre la pauvreté des familles monoparentales et la faim.")
    assert tag(tags, "sdg_goal", "1")["label"].startswith("Éliminer la pauvreté")


def test_accents_case_and_plurals_are_folded() -> None:
    assert goals("VIOLENCIAS DE GENERO en los barrios") == goals("violencia de género") == {"5"}
    assert stem(fold("Familias")) == stem("familia")
    assert stem("families") == stem("family") and stem("sociaux") == stem("sociale")


def test_check_set_stays_accurate() -> None:
    with CHECK_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 60 and {row["lang"] for row in rows} == {"es", "fr"}
    right = sum((row["sdg"] in goals(row["text"], row["lang"])) == (row["label"] == "true")
                for row in rows)
    assert right / len(rows) >= 0.9


# -- data and robustness ---------------------------------------------------------------------


def test_lexicon_covers_every_target_in_en_es_fr() -> None:
    lexicon = load_lexicon()
    assert all(unicodedata.is_normalized("NFC", label)
               for labels in lexicon.labels.values() for label in labels.values())
    targets = {code for code in lexicon.labels["en"] if "." in code}
    assert len(targets) == 169
    scored = {code for candidates in lexicon.index.values()
              for _rest, entry, _key in candidates for code in entry.scores}
    assert targets <= scored
    assert set(lexicon.labels) == {"en", "es", "fr"}
    assert all(set(labels) == set(lexicon.labels["en"]) for labels in lexicon.labels.values())


def test_crosswalk_covers_every_venice_code() -> None:
    crosswalk = load_lexicon().crosswalk
    assert set(crosswalk) == {f"V.D.{n:02d}" for n in range(1, 11)}
    assert all(any(strength == "primary" for _t, strength in rows) for rows in crosswalk.values())


def test_bad_phrases_are_refused() -> None:
    with pytest.raises(LexiconError, match="4\\+ letters"):
        phrase_key("ab*", "goal99.yml: 1.1")
    with pytest.raises(LexiconError, match="empty"):
        phrase_key(" - ", "goal99.yml: 1.1")


def test_results_are_deterministic_and_fast_enough_to_batch() -> None:
    texts = [row["text"] for row in csv.DictReader(CHECK_SET.open(encoding="utf-8"))] * 5
    first = [map_text(text) for text in texts]
    assert [map_text(text) for text in texts] == first


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_maps_to_valid_tags(text: str) -> None:
    tags = map_text(text)
    labels = default_mapper().lexicon.labels["en"]
    for t in tags:
        assert t["code"] in labels and 0 < t["confidence"] <= 1 and t["evidence"]
        if t["scheme"] == "sdg_target":
            assert t["code"].split(".")[0] in codes(tags, "sdg_goal")
