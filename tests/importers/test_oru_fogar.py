"""The ORU Fogar award entry importer on the real seed and on written variants (es, en, fr)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.importers.oru_fogar import OruFogarImporter, registry_importers
from registry.errors import DocumentRejected
from registry.importers import Importer, Source

SEEDS = Path(__file__).parents[2] / "seeds"
DATA = Path(__file__).parents[1] / "data" / "oru_fogar"
SEED = "003_67b093e0aae3cc66.txt"
AWARD = "ORU Fogar Regional Good Practices Award"
RECIPE = """Soupe à l'oignon

Ingrédients : 6 oignons, 50 g de beurre, 1 litre de bouillon, pain, gruyère.
Faire revenir les oignons 30 minutes, mouiller avec le bouillon, gratiner au four.
"""


def parse(path: Path) -> dict:
    records = OruFogarImporter().parse(path.read_text(encoding="utf-8"), Source(path.name, "0"))
    assert len(records) == 1
    return records[0]


@pytest.fixture(scope="module")
def seed() -> dict:
    return parse(SEEDS / SEED)


def test_plugin_registers_an_importer() -> None:
    (importer,) = registry_importers()
    assert isinstance(importer, Importer)
    assert (importer.name, importer.version) == ("oru_fogar", "1.0")


def test_sniff_recognises_only_oru_entries() -> None:
    importer = OruFogarImporter()
    assert importer.sniff((SEEDS / SEED).read_text(encoding="utf-8")) >= 0.9
    for name in ("es_antioquia_rural.txt", "en_santa_fe_elderly.txt", "fr_quebec_laureate.txt"):
        assert importer.sniff((DATA / name).read_text(encoding="utf-8")) >= 0.9, name
    for other in ("000", "001", "002", "004"):
        (path,) = SEEDS.glob(f"{other}_*.txt")
        assert importer.sniff(path.read_text(encoding="utf-8")) < 0.1, path.name
    assert importer.sniff(RECIPE) < 0.1


def test_seed_header_fields(seed: dict) -> None:
    assert seed["language"] == "fr"
    assert seed["title"] == {"fr": "Femmes qui avancent vers le bien-être"}
    assert seed["jurisdiction"] == {
        "name": "Jalisco",
        "level": "region",
        "country": "MX",
        "subdivision": "MX-JAL",
        "population": {"value": 7844830, "year": None},
    }
    assert seed["lead_entity"] == {
        "name": "Gouvernement de l’État de Jalisco",
        "type": "regional_government",
        "website": "http://sistemadif.jalisco.gob.mx/sitio2013",
    }
    assert seed["links"] == [
        {"url": "http://sistemadif.jalisco.gob.mx/sitio2013", "kind": "website"}
    ]
    assert seed["start_date"] == "2014-07-02"
    assert seed["end_date"] is None
    assert seed["practice_type"] == "other"
    assert seed["provenance"]["raw"]["TYPE DE PRATIQUE"] == "Groupe"
    assert seed["target_groups_text"] == "Femmes en situation de vulnérabilité"
    assert seed["target_groups"] == [
        {"code": "women", "label": "Femmes en situation de vulnérabilité"}
    ]


def test_seed_award(seed: dict) -> None:
    assert seed["awards"] == [
        {
            "award": AWARD,
            "edition": "I",
            "year": 2016,
            "registration_no": "35",
            "total_score": 489,
            "outcome": "submitted",
        }
    ]
    assert seed["provenance"]["source_id"] == "I-35"
    assert seed["provenance"]["raw"]["award"].startswith("Pratique soumise au I Prix")


def test_seed_description_is_the_narrative_without_footer(seed: dict) -> None:
    description = seed["description"]["fr"]
    assert description.startswith("La stratégie “Femmes qui avancent vers le bien-être”")
    assert "publique et du développement des familles vulnérables" in description
    assert description.endswith("modifié leurs habitudes alimentaires.")
    assert "Pratique soumise" not in description
    assert "All rights reserved" not in description


def test_seed_outcome_figures(seed: dict) -> None:
    assert seed["beneficiaries"] == [
        {
            "value": 35000,
            "unit": "women",
            "kind": "reached",
            "period_start": None,
            "period_end": None,
            "description": "plus de 35,000 femmes qui ont un suivi intégral",
        }
    ]
    (kpi,) = seed["kpis"]
    assert kpi["kind"] == "outcome"
    assert kpi["unit"] == "percent"
    assert kpi["name"] == (
        "8% des bénéficiaires graduées ont parvenu à améliorer le degré de sécurité alimentaire"
    )
    assert [o["value"] for o in kpi["observations"]] == [8]


def test_seed_provenance(seed: dict) -> None:
    provenance = seed["provenance"]
    assert (provenance["format"], provenance["language"], provenance["parser_version"]) == (
        "oru_fogar",
        "fr",
        "1.0",
    )
    assert provenance["raw"]["POPULATION"] == "7.844.830"
    assert provenance["raw"]["DATE DE DÉBUT DE LA PRATIQUE"] == "2 juillet de 2014"


def test_spanish_entry() -> None:
    record = parse(DATA / "es_antioquia_rural.txt")
    assert record["language"] == "es"
    assert record["title"] == {"es": "Familias rurales que siembran futuro"}
    assert record["jurisdiction"] == {
        "name": "Antioquia",
        "level": "region",
        "country": "CO",
        "subdivision": "CO-ANT",
        "population": {"value": 6407102, "year": None},
    }
    assert record["lead_entity"]["name"] == "Gobernación de Antioquia"
    assert record["start_date"] == "2014-10-01"
    assert record["practice_type"] == "programme"
    assert [g["code"] for g in record["target_groups"]] == ["families", "children", "children"]
    assert record["awards"] == [
        {
            "award": AWARD,
            "edition": "I",
            "year": 2016,
            "registration_no": "12",
            "total_score": 512,
            "outcome": "submitted",
        }
    ]
    assert [(b["value"], b["unit"], b["kind"]) for b in record["beneficiaries"]] == [
        (12500, "families", "reached")
    ]
    assert [k["observations"][0]["value"] for k in record["kpis"]] == [64]
    assert record["provenance"]["raw"]["REGIÓN"] == "Antioquia, Colombia"
    assert "© All rights" not in record["description"]["es"]


def test_english_entry() -> None:
    record = parse(DATA / "en_santa_fe_elderly.txt")
    assert record["language"] == "en"
    assert record["jurisdiction"]["subdivision"] == "AR-S"
    assert record["jurisdiction"]["population"] == {"value": 3194537, "year": None}
    assert record["start_date"] == "2013-02-15"
    assert record["practice_type"] == "policy"
    assert record["target_groups"] == [
        {"code": "older_people", "label": "Older people living alone"}
    ]
    assert record["awards"][0]["registration_no"] == "7"
    assert record["awards"][0]["total_score"] == 402
    assert record["awards"][0]["year"] == 2016
    assert [(b["value"], b["unit"], b["kind"]) for b in record["beneficiaries"]] == [
        (4200, "older_people", "reached"),
        (10000, "people", "planned"),
    ]
    assert record["kpis"][0]["name"] == (
        "73% of participants said they felt less lonely after six months"
    )
    assert record["provenance"]["source_id"] == "I-7"


def test_french_winner_with_spaced_numbers() -> None:
    record = parse(DATA / "fr_quebec_laureate.txt")
    assert record["jurisdiction"]["subdivision"] == "CA-QC"
    assert record["jurisdiction"]["population"]["value"] == 8164361
    assert record["start_date"] == "2015-09-01"
    assert record["practice_type"] == "service"
    assert record["awards"] == [
        {
            "award": AWARD,
            "edition": "II",
            "year": 2017,
            "registration_no": "104",
            "total_score": 1032.5,
            "outcome": "winner",
        }
    ]
    assert [(b["value"], b["unit"]) for b in record["beneficiaries"]] == [(2300, "families")]
    assert [k["observations"][0]["value"] for k in record["kpis"]] == [91]


def test_entry_with_missing_fields_keeps_nulls() -> None:
    record = parse(DATA / "es_cusco_sin_premio.txt")
    assert record["jurisdiction"]["population"] is None
    assert record["jurisdiction"]["subdivision"] == "PE-CUS"
    assert record["lead_entity"]["website"] is None
    assert record["links"] == []
    assert record["awards"] == []
    assert record["start_date"] == "2012-03"
    assert record["target_groups"][0]["code"] == "women"
    assert record["beneficiaries"] == [] and record["kpis"] == []
    assert record["provenance"]["source_id"] == "cusco-wawa-wasi-comunitarios"


def test_entry_without_region_or_administration_is_rejected() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse(DATA / "fr_sans_region.txt")
    assert error.value.field == "jurisdiction"


def test_entry_without_title_is_rejected() -> None:
    text = "RÉGION:  Jalisco, Mexique\nADMINISTRATION:  Gouvernement de Jalisco\n"
    with pytest.raises(DocumentRejected) as error:
        OruFogarImporter().parse(text, Source("x.txt", "0"))
    assert error.value.field == "title"


def test_a_population_in_words_is_rejected_naming_the_field() -> None:
    text = (SEEDS / SEED).read_text(encoding="utf-8").replace("7.844.830", "environ 1,2 million")
    with pytest.raises(DocumentRejected, match="population is not a number") as rejected:
        OruFogarImporter().parse(text, Source("words.txt", "0"))
    assert rejected.value.field == "jurisdiction.population"
