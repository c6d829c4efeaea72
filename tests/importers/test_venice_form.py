"""The Venice Declaration form importer on the real seed and on written variants (es, fr, en)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.importers import venice_form
from plugins.importers.venice_form import VeniceFormImporter, registry_importers
from registry.errors import DocumentRejected
from registry.importers import PARSED_RECORD_FIELDS, Importer, Source

SEEDS = Path(__file__).parents[2] / "seeds"
DATA = Path(__file__).parents[1] / "data" / "venice_form"
SEED = "000_da2e544ee9705e55.txt"
RECIPE = """Tortilla española

Ingredients: 4 eggs, 3 potatoes, 1 onion, olive oil, salt.
Peel and slice the potatoes, fry them slowly with the onion, beat the eggs, mix and
cook on both sides for 5 minutes. Serves 4.
"""


def parse(path: Path) -> dict:
    records = VeniceFormImporter().parse(path.read_text(encoding="utf-8"), Source(path.name, "0"))
    assert len(records) == 1
    return records[0]


@pytest.fixture(scope="module")
def seed() -> dict:
    return parse(SEEDS / SEED)


def test_plugin_registers_an_importer() -> None:
    (importer,) = registry_importers()
    assert isinstance(importer, Importer)
    assert (importer.name, importer.version) == ("venice_form", "1.0")


def test_sniff_recognises_only_venice_forms() -> None:
    importer = VeniceFormImporter()
    assert importer.sniff((SEEDS / SEED).read_text(encoding="utf-8")) >= 0.9
    for path in DATA.glob("*.txt"):
        assert importer.sniff(path.read_text(encoding="utf-8")) >= 0.5, path.name
    for other in sorted(SEEDS.glob("00[1-4]_*.txt")):
        assert importer.sniff(other.read_text(encoding="utf-8")) < 0.1, other.name
    assert importer.sniff(RECIPE) < 0.1
    assert importer.sniff("") == 0


def test_seed_has_every_contract_key(seed: dict) -> None:
    assert set(seed) == PARSED_RECORD_FIELDS


def test_seed_title_tags_and_description(seed: dict) -> None:
    assert seed["title"] == {"es": "Conecta con tu familia (workshop recommendations)"}
    assert seed["tags"] == [
        {"scheme": "venice_declaration", "code": "V.D.03", "label": "Education"},
        {"scheme": "venice_declaration", "code": "V.D.08", "label": "Affordability"},
        {"scheme": "venice_declaration", "code": "V.D.10", "label": "Vulnerable Families"},
    ]
    (description,) = seed["description"].values()
    assert description.startswith("The recommendations emphasize a holistic approach")
    assert "• Develop Family Strengthening Programs." in description
    assert description.endswith("specific needs of each community.")
    assert "Official Name of Signatory" not in description


def test_seed_language_follows_the_content(seed: dict) -> None:
    # Most of the prose is English; the Spanish fields keep their own language.
    assert seed["language"] == "en"
    assert seed["provenance"]["language"] == "en"
    assert seed["future_goals"][0] == {"es": "Familias Fuertes, amor y límites."}


def test_seed_signatory_and_place(seed: dict) -> None:
    assert seed["jurisdiction"] == {
        "name": "San Luis Potosí",
        "level": "municipality",
        "country": "MX",
        "subdivision": "MX-SLP",
        "population": None,
    }
    assert seed["lead_entity"] == {
        "name": "City of San Luis Potosí",
        "type": "local_government",
        "website": None,
    }
    assert seed["implementing_unit"] == "Mexico"
    assert seed["links"] == []


def test_seed_empty_website_does_not_swallow_the_next_label(seed: dict) -> None:
    raw = seed["provenance"]["raw"]
    assert "Website of the Signatory" not in raw
    assert raw["Name of the person presenting the Good Practice"] == "Rocio Moreno"
    assert seed["contacts"] == [
        {
            "name": "Rocio Moreno",
            "position": "Coordionador de Familias",
            "email": None,
            "phone": None,
            "public": False,
        }
    ]


def test_seed_aims_targets_and_stakeholders(seed: dict) -> None:
    (aim,) = seed["aims"]
    assert list(aim.values()) == [
        '"Conecta con tu familia", These actions recognizing families as central to '
        "sustainable and inclusive urban development."
    ]
    assert seed["target_groups_text"] == "families with high rates of violence"
    assert seed["target_groups"] == [
        {"code": "families", "label": "families with high rates of violence"}
    ]
    assert seed["stakeholders"] == [
        {"name": "Civil Society and business groups", "role": "stakeholder", "contribution": None}
    ]


def test_seed_period_kpi_and_evaluations(seed: dict) -> None:
    assert (seed["start_date"], seed["end_date"]) == ("2024-01", "2024-09")
    assert seed["period_text"] == "January to september 2024"
    assert seed["kpis"] == [
        {
            "id": "consistency",
            "name": "KPI per Month",
            "kind": None,
            "unit": None,
            "frequency": "monthly",
            "direction": None,
            "observations": [],
        }
    ]
    assert seed["evaluations"] == [
        {
            "type": "evaluation",
            "summary": "The exit questionnaires showed basic knowledge of dialogue tools",
            "date": None,
            "url": None,
        },
        {"type": "monitoring_report", "summary": None, "date": "2025", "url": None},
    ]
    assert seed["provenance"]["raw"]["Annual Monitoring Report"] == "2025"


def test_seed_future_goals_in_order(seed: dict) -> None:
    assert [list(goal.values())[0] for goal in seed["future_goals"]] == [
        "Familias Fuertes, amor y límites.",
        "Distintivo Balance Trabajo Familia",
    ]


def test_seed_provenance(seed: dict) -> None:
    provenance = seed["provenance"]
    assert provenance["format"] == "venice_form"
    assert provenance["parser_version"] == "1.0"
    assert provenance["source_id"] == (
        "city-of-san-luis-potosi-mexico-conecta-con-tu-familia-workshop-recommendations"
    )
    assert provenance["raw"]["Official Name of Signatory"] == "City of San Luis Potosí (Mexico)"
    assert provenance["raw"]["title"] == "“Conecta con tu familia” (workshop recommendations)"
    assert "sha256" not in provenance and "imported_at" not in provenance


def test_source_id_is_stable_when_other_fields_change() -> None:
    text = (SEEDS / SEED).read_text(encoding="utf-8")
    changed = text.replace("Rocio Moreno", "Ana Torres").replace("2025", "2026")
    importer = VeniceFormImporter()
    first = importer.parse(text, Source("a", "1"))[0]
    second = importer.parse(changed, Source("b", "2"))[0]
    assert first["provenance"]["source_id"] == second["provenance"]["source_id"]
    assert first != second


def test_spanish_form_with_monthly_figures() -> None:
    record = parse(DATA / "es_guadalajara_crianza.txt")
    assert set(record) == PARSED_RECORD_FIELDS
    assert record["language"] == "es"
    assert record["title"] == {"es": "Crianza sin violencia en los barrios"}
    assert [t["code"] for t in record["tags"]] == ["V.D.03", "V.D.04", "V.D.10"]
    assert record["tags"][2]["label"] == "Familias vulnerables"
    assert record["jurisdiction"] == {
        "name": "Guadalajara",
        "level": "municipality",
        "country": "MX",
        "subdivision": None,
        "population": None,
    }
    assert record["lead_entity"]["website"] == "https://guadalajara.gob.mx"
    assert record["links"] == [{"url": "https://guadalajara.gob.mx", "kind": "website"}]
    assert record["implementing_unit"] == "Secretaría de Desarrollo Social del Municipio"
    assert record["contacts"][0]["name"] == "Laura Estrada Núñez"
    assert record["contacts"][0]["public"] is False
    assert [g["code"] for g in record["target_groups"]] == ["parents", "children"]
    assert (record["start_date"], record["end_date"]) == ("2023-01", "2023-03")
    (kpi,) = record["kpis"]
    assert kpi["frequency"] == "monthly"
    assert [(o["period_start"], o["period_end"], o["value"]) for o in kpi["observations"]] == [
        ("2023-01", "2023-01", 120),
        ("2023-02", "2023-02", 135),
        ("2023-03", "2023-03", 1150),
    ]
    assert record["evaluations"][1] == {
        "type": "monitoring_report",
        "summary": None,
        "date": "2024-03",
        "url": None,
    }
    assert record["stakeholders"] == [
        {
            "name": "DIF Municipal",
            "role": "stakeholder",
            "contribution": "espacios y personal de apoyo",
        },
        {
            "name": "Universidad de Guadalajara",
            "role": "stakeholder",
            "contribution": "diseño de los talleres",
        },
    ]
    assert [list(g.values())[0] for g in record["future_goals"]] == [
        "Llegar a todas las colonias de la ciudad.",
        "Formar a 200 facilitadores comunitarios.",
        "Crear una red de familias mentoras.",
    ]
    assert all(list(g) == ["es"] for g in record["future_goals"])


def test_french_form_with_quarterly_figures_and_empty_website() -> None:
    record = parse(DATA / "fr_lyon_logement.txt")
    assert record["language"] == "fr"
    assert record["title"] == {"fr": "Un toit pour chaque famille"}
    assert record["tags"][0] == {
        "scheme": "venice_declaration",
        "code": "V.D.01",
        "label": "Logement",
    }
    assert record["jurisdiction"]["country"] == "FR"
    assert record["lead_entity"] == {
        "name": "Ville de Lyon",
        "type": "local_government",
        "website": None,
    }
    assert record["contacts"][0]["name"] == "Claire Dubois"
    (kpi,) = record["kpis"]
    assert kpi["frequency"] == "quarterly"
    assert [(o["period_start"], o["period_end"], o["value"]) for o in kpi["observations"]] == [
        ("2022-01", "2022-03", 48),
        ("2022-04", "2022-06", 52),
        ("2022-07", "2022-09", 61),
        ("2022-10", "2022-12", 75),
    ]
    assert record["evaluations"] == []
    assert len(record["future_goals"]) == 2


def test_english_form_with_inline_values_and_a_month_table_across_years() -> None:
    record = parse(DATA / "en_cordoba_daycare.txt")
    assert record["jurisdiction"]["name"] == "Córdoba"
    assert record["jurisdiction"]["country"] == "AR"
    assert record["links"] == [{"url": "www.cordoba.gob.ar", "kind": "website"}]
    assert record["aims"] == [
        {"en": "Give working parents a safe place for their children near public transport."},
        {"en": "Reduce the time families spend commuting."},
    ]
    assert record["contacts"] == []
    assert (record["start_date"], record["end_date"]) == ("2022-11", "2023-01")
    (kpi,) = record["kpis"]
    assert kpi["name"] == "children enrolled"
    assert [(o["period_start"], o["value"]) for o in kpi["observations"]] == [
        ("2022-11", 340),
        ("2022-12", 352),
        ("2023-01", 1275),
    ]
    assert record["stakeholders"][1] == {
        "name": "Urban bus company",
        "role": "stakeholder",
        "contribution": "free passes for parents",
    }
    assert record["future_goals"] == []


def test_kpi_frequency_is_kept_without_figures() -> None:
    record = parse(DATA / "en_no_kpi_figures.txt")
    assert record["kpis"][0]["frequency"] == "quarterly"
    assert record["kpis"][0]["observations"] == []
    assert record["jurisdiction"]["name"] == "Porto"
    assert record["jurisdiction"]["country"] == "PT"
    assert record["description"] is None
    assert (record["start_date"], record["end_date"]) == ("2019", "2019")
    assert record["contacts"] == [] and record["aims"] == [] and record["links"] == []


def test_missing_signatory_is_rejected_naming_the_field() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse(DATA / "en_missing_signatory.txt")
    assert error.value.field == "jurisdiction"
    assert "Official Name of Signatory" in error.value.message


def test_missing_title_is_rejected() -> None:
    text = "Official Name of Signatory\n\nCity of Lima (Peru)\n"
    with pytest.raises(DocumentRejected) as error:
        VeniceFormImporter().parse(text, Source("x.txt", "0"))
    assert error.value.field == "title"


def test_kpi_rows_may_carry_their_own_year() -> None:
    text = (
        "Family Homework Clubs\n\nOfficial Name of Signatory: City of Quito (Ecuador)\n"
        "Implementation period: 2021\n"
        "Consistency over time\nKPI per Quarter\nQ4 2021: 30\nQ1 2022: 1,250\n"
    )
    record = VeniceFormImporter().parse(text, Source("x.txt", "0"))[0]
    assert record["jurisdiction"]["country"] == "EC"
    assert [
        (o["period_start"], o["period_end"], o["value"]) for o in record["kpis"][0]["observations"]
    ] == [
        ("2021-10", "2021-12", 30),
        ("2022-01", "2022-03", 1250),
    ]


_LINE_PIECES = st.sampled_from(
    ["•", "-", "*", "·", "▪", "●", "1.", "12)", "3", ".", ")", "a", "Word", " ", "  ", "\t",
     "\u00a0", "\r", "\x0c", "\u2028"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE_PIECES, max_size=8).map("".join))
def test_a_bullet_is_replaced_as_an_anchored_substitution_would(line: str) -> None:
    for bullet in ("• ", ""):
        assert venice_form._bulleted(line, bullet) == venice_form._BULLET_RE.sub(bullet, line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_LINE_PIECES, max_size=4).map("".join), max_size=8))
def test_a_field_keeps_one_blank_line_between_paragraphs(lines: list[str]) -> None:
    expected = venice_form._BLANK_LINES_RE.sub("\n\n", "\n".join(s.rstrip() for s in lines))
    assert venice_form._clean(lines) == (expected.strip() or None)
