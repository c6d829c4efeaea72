"""The SDG Actions Platform importer on the real seed record and on en/fr/es variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.importers import sdg_action
from plugins.importers.sdg_action import SdgActionImporter
from registry.errors import DocumentRejected
from registry.importers import PARSED_RECORD_FIELDS, Source
from registry.schema import GoodPractice

SEEDS = Path(__file__).parents[2] / "seeds"
DATA = Path(__file__).parents[1] / "data" / "sdg_action"
SEED = SEEDS / "001_3f301ab74576aebb.txt"


RECIPE = """Tarta de manzana
Ingredientes
3 manzanas, 200 g de harina, 100 g de azúcar y 2 huevos.
Preparación
Precalentar el horno a 180 grados. Mezclar la harina con el azúcar y los huevos.
"""


def parse(path_or_text: Path | str) -> dict:
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    records = SdgActionImporter().parse(text, Source(name="doc.txt", sha256="0" * 64))
    assert len(records) == 1
    return records[0]


def only(items: list[dict], **match: object) -> dict:
    found = [i for i in items if all(i[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]


def minimal(sentence: str, countries: str = "") -> str:
    """A short platform record whose description is ``sentence``."""
    return (
        "A practice\nSome City Council\n(\nLocal / Regional Government\n)\n#SDGAction1\n"
        f"Description\n{sentence}\nCountries\n{countries}\nContact Information\n"
    )


# -- the seed --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> dict:
    return parse(SEED)


def test_seed_identity_and_entity(seed: dict) -> None:
    assert set(seed) == PARSED_RECORD_FIELDS
    assert seed["language"] == "es"
    assert seed["title"] == {
        "es": "Acompañamiento familiar para la superación de la pobreza "
        "multidimensional y monetaria"
    }
    assert seed["lead_entity"] == {
        "name": "Alcaldía de Medellín",
        "type": "Local / Regional Government",
        "website": None,
    }
    assert seed["implementing_unit"] == "Secretaría de Inclusión Social, Familia y Derechos Humanos"
    assert seed["status"] == "ongoing"
    assert seed["practice_type"] == "programme"
    provenance = seed["provenance"]
    assert provenance["format"] == "sdg_action"
    assert provenance["source_id"] == "SDGAction33691"
    assert provenance["language"] == "es"
    assert provenance["parser_version"] == SdgActionImporter.version
    assert provenance["raw"]["Status"] == "Ongoing"
    assert provenance["raw"]["Entity"].startswith("Alcaldía de Medellín-Secretaría")
    assert "sha256" not in provenance and "imported_at" not in provenance


def test_seed_place_is_inferred_from_the_text(seed: dict) -> None:
    assert seed["jurisdiction"] == {
        "name": "Medellín",
        "level": "municipality",
        "country": "CO",
        "subdivision": None,
        "population": None,
    }


def test_seed_description_keeps_the_narrative_not_the_link_list(seed: dict) -> None:
    description = seed["description"]["es"]
    assert description.startswith("Es una estrategia implementada por el gobierno local")
    assert "21.366 hogares" in description
    assert "COVID-19" in description
    assert "https://" not in description
    assert seed["summary"]["es"].endswith("desarrollo social y económico.")


def test_seed_narrative_numbers(seed: dict) -> None:
    kpi = only(seed["kpis"], id="households-out-of-poverty")
    assert kpi["name"] == "households out of poverty"
    assert (kpi["kind"], kpi["unit"], kpi["direction"]) == ("outcome", "households", "higher")
    assert kpi["observations"] == [
        {"period_start": "2016", "period_end": "2019", "value": 21366, "cumulative": True}
    ]
    beneficiary = only(seed["beneficiaries"], value=60000)
    assert (beneficiary["unit"], beneficiary["kind"]) == ("households", "reached")
    assert beneficiary["description"].startswith("Más de 60.000 hogares vulnerables")
    assert len(seed["beneficiaries"]) == 1


def test_seed_resources(seed: dict) -> None:
    money = only(seed["resources"], type="financing")
    assert money["amount"] == "66027584870"
    assert money["currency"] == "COP"
    assert (money["period_start"], money["period_end"]) == ("2016", "2019")
    hired = only(seed["resources"], type="staff", headcount=1200)
    assert hired["description"] == "1200 personas entre auxiliares, técnicos y profesionales"
    team = only(seed["resources"], type="staff", headcount=9)
    assert team["description"] == (
        "un supervisor principal, un supervisor suplente y 7 profesionales de apoyo"
    )
    assert len(seed["resources"]) == 3


def test_seed_contact_is_not_public(seed: dict) -> None:
    assert seed["contacts"] == [
        {
            "name": "Jaqueline",
            "position": "Familias Medellín-Acompañamiento Familiar para la superación de la "
            "pobreza Monetaria y Multidimensional",
            "email": None,
            "phone": None,
            "public": False,
        }
    ]


def test_seed_links(seed: dict) -> None:
    urls = [link["url"] for link in seed["links"]]
    assert urls[0] == "https://sustainabledevelopment.un.org/partnership/?p=33691"
    assert seed["links"][0]["kind"] == "platform"
    assert "https://vimeo.com/491759133" in urls
    assert "https://fb.watch/3TXHoNqczK/" in urls
    assert len(urls) == 7  # two addresses the platform cut with "…" cannot be followed
    assert not any(url.endswith("…") for url in urls)


def test_seed_has_no_declared_goals_or_events(seed: dict) -> None:
    assert seed["tags"] == []
    assert seed["events"] == []
    assert seed["target_groups_text"].startswith("Más de 60.000 hogares")


# -- variants --------------------------------------------------------------------------------


def test_english_record_with_countries_goals_and_resources_section() -> None:
    record = parse(DATA / "en_windhoek.txt")
    assert record["language"] == "en"
    assert record["provenance"]["source_id"] == "SDGAction41207"
    assert record["status"] == "completed"
    assert (record["start_date"], record["end_date"]) == ("2019-01-01", "2022-12-31")
    assert record["period_text"] == "01 January 2019 - 31 December 2022"
    assert record["jurisdiction"]["name"] == "Windhoek"
    assert record["jurisdiction"]["country"] == "NA"
    assert record["lead_entity"]["name"] == "City of Windhoek"
    assert record["implementing_unit"] == "Department of Community and Economic Development"
    assert record["tags"] == [
        {"scheme": "sdg_goal", "code": "1", "label": "No poverty"},
        {"scheme": "sdg_target", "code": "1.2", "label": None},
        {"scheme": "sdg_target", "code": "1.3", "label": None},
        {"scheme": "sdg_goal", "code": "5", "label": None},
        {"scheme": "sdg_target", "code": "5.4", "label": None},
    ]
    kpi = only(record["kpis"], id="households-out-of-poverty")
    assert kpi["observations"][0]["value"] == 1320
    assert kpi["observations"][0]["period_start"] == "2019-01-01"
    families = only(record["beneficiaries"], unit="families")
    assert (families["value"], families["kind"]) == (4850, "reached")
    assert (families["period_start"], families["period_end"]) == ("2019", "2022")
    children = only(record["beneficiaries"], unit="children")
    assert (children["value"], children["kind"]) == (9600, "reached")
    # The same money and staff stated in the narrative and the section count once.
    money = only(record["resources"], type="financing")
    assert (money["amount"], money["currency"]) == ("1200000", "USD")
    assert only(record["resources"], type="staff", headcount=45)
    assert only(record["resources"], type="staff", headcount=15)
    assert len(record["resources"]) == 3
    assert record["events"] == [
        {"date": "2019-06-30", "title": "Baseline survey of 2,000 households", "place": None},
        {"date": "2021-03-15", "title": "Opening of the third hub", "place": None},
    ]
    assert record["contacts"] == [
        {
            "name": "Ndapewa Shikongo",
            "position": "Programme Manager",
            "email": "nshikongo@windhoekcc.org.na",
            "phone": "+264 61 290 2000",
            "public": False,
        }
    ]
    urls = [link["url"] for link in record["links"]]
    assert "https://www.windhoekcc.org.na/family-hubs" in urls
    assert not any("annual-report" in url for url in urls)


def test_french_record_without_countries_infers_them() -> None:
    record = parse(DATA / "fr_dakar.txt")
    assert record["language"] == "fr"
    assert record["title"] == {"fr": "Maisons de quartier pour l'insertion des jeunes mères"}
    assert record["jurisdiction"]["country"] == "SN"
    assert record["jurisdiction"]["name"] == "Dakar"
    assert record["lead_entity"]["name"] == "Ville de Dakar"
    assert record["implementing_unit"] == "Direction du Développement Social"
    assert record["tags"] == []
    money = only(record["resources"], type="financing")
    assert (money["amount"], money["currency"]) == ("1200000000", "XOF")
    assert (money["period_start"], money["period_end"]) == ("2020", "2023")
    assert only(record["resources"], type="staff", headcount=38)
    assert only(record["resources"], type="staff", headcount=7)
    kpi = only(record["kpis"], id="women-into-employment")
    assert kpi["observations"] == [
        {"period_start": "2020", "period_end": "2023", "value": 1275, "cumulative": True}
    ]
    reached = only(record["beneficiaries"], kind="reached")
    assert (reached["value"], reached["unit"]) == (3450, "women")
    planned = only(record["beneficiaries"], kind="planned")
    assert (planned["value"], planned["unit"]) == (5000, "women")


def test_spanish_dollar_sign_takes_the_declared_country_currency() -> None:
    record = parse(DATA / "es_rosario.txt")
    assert record["jurisdiction"]["country"] == "AR"
    assert record["lead_entity"]["type"] == "Local / Regional Government"
    assert record["implementing_unit"] == "Secretaría de Desarrollo Humano y Hábitat"
    assert record["practice_type"] == "project"
    money = only(record["resources"], type="financing")
    assert (money["amount"], money["currency"]) == ("350000000", "ARS")
    assert only(record["resources"], type="staff")["headcount"] == 64
    assert only(record["beneficiaries"], unit="children")["value"] == 12500
    assert only(record["beneficiaries"], unit="families")["value"] == 3100
    assert only(record["beneficiaries"], unit="women")["value"] == 2000
    assert only(record["kpis"], unit="households")["observations"][0]["value"] == 840
    assert record["contacts"][0]["email"] == "crianzacompartida@rosario.gob.ar"
    assert record["contacts"][0]["public"] is False
    assert [t["code"] for t in record["tags"]] == ["5", "5.4"]


@pytest.mark.parametrize(
    ("sentence", "countries", "amount", "currency"),
    [
        ("El proyecto invirtió COP 66.027.584.870 en 2016-2019.", "", "66027584870", "COP"),
        ("The city invested USD 1,200,000 in the programme.", "", "1200000", "USD"),
        ("The fund received US$ 2.5 million from donors.", "", "2500000", "USD"),
        ("Le budget était de 350 000 € par an.", "", "350000", "EUR"),
        ("Un budget de 2,5 millions d'euros a été mobilisé.", "", "2500000", "EUR"),
        ("La inversión fue de EUR 75.000 en total.", "", "75000", "EUR"),
        ("Se invirtieron $ 4.500.000 en la estrategia.", "Mexico", "4500000", "MXN"),
    ],
)
def test_currency_marks(sentence: str, countries: str, amount: str, currency: str) -> None:
    record = parse(minimal(sentence, countries))
    money = only(record["resources"], type="financing")
    assert (money["amount"], money["currency"]) == (amount, currency)


@pytest.mark.parametrize(
    ("sentence", "headcount"),
    [
        ("Para la estrategia se CONTRATARON 12 educadoras de primera infancia.", 12),
        ("Un Equipo de 8 psicólogas acompaña a las familias.", 8),
        ("El GRUPO está conformado por una coordinadora, dos promotoras y 3 abogadas.", 6),
        ("The city HIRED 30 social workers for the hubs.", 30),
        ("In 2020, 25 professionals were recruited by the council.", 25),
        ("A Team of 6 nurses visits the families.", 6),
        ("The TEAM is made up of one manager and two nurses.", 3),
        ("La ville a Embauché 14 agents de quartier.", 14),
        ("Au total, 20 personnes ont été recrutées par la mairie.", 20),
        ("Une ÉQUIPE DE 5 médiateurs suit les familles.", 5),
        ("L'Équipe est composée d'une directrice et de trois éducatrices.", 4),
    ],
)
def test_headcounts_in_any_case(sentence: str, headcount: int) -> None:
    record = parse(minimal(sentence))
    assert only(record["resources"], type="staff")["headcount"] == headcount


def test_wrapped_paragraphs_and_in_kind_resources() -> None:
    text = (
        "Safe Homes for Older People\nMunicipality of Cuenca (Local / Regional Government)\n"
        "#SDGAction52001\nDescription\nThe programme adapts the homes of older people living\n"
        "alone. Since 2021 it has reached 640 people\nin rural parishes.\n\n"
        "Volunteers from the university joined in 2022.\n"
        "Resources mobilized\nIn-kind contribution\nWorkshop space worth USD 18,000\n"
        "Countries\nEcuador\n"
    )
    record = parse(text)
    assert record["description"]["en"].split("\n\n") == [
        "The programme adapts the homes of older people living alone. Since 2021 it has "
        "reached 640 people in rural parishes.",
        "Volunteers from the university joined in 2022.",
    ]
    assert only(record["beneficiaries"], unit="people")["value"] == 640
    assert record["jurisdiction"]["name"] == "Cuenca"
    assert record["jurisdiction"]["country"] == "EC"
    in_kind = only(record["resources"], type="in_kind")
    assert (in_kind["amount"], in_kind["currency"]) == ("18000", "USD")


def test_dollar_sign_without_a_country_is_not_guessed() -> None:
    record = parse(minimal("Se invirtieron $ 4.500.000 en la estrategia."))
    assert record["resources"] == []


def test_record_without_id_gets_a_stable_slug() -> None:
    text = minimal("The city supported 300 families.").replace("#SDGAction1\n", "")
    first, second = parse(text), parse(text + "\n")
    assert first["provenance"]["source_id"] == "some-city-council-a-practice"
    assert second["provenance"]["source_id"] == first["provenance"]["source_id"]
    assert first["links"] == []
    assert first["lead_entity"]["name"] == "Some City Council"


def test_missing_optional_fields_are_empty_not_invented() -> None:
    record = parse(minimal("A short description without figures."))
    assert set(record) == PARSED_RECORD_FIELDS
    assert record["status"] == "unknown"
    assert record["jurisdiction"]["country"] is None
    assert record["kpis"] == record["resources"] == record["beneficiaries"] == []
    assert record["contacts"] == []
    assert record["start_date"] is None


def test_document_without_title_is_rejected() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse("\n\nDescription\nSome text.\nCountries\nChile\n")
    assert error.value.field == "title"


def test_seed_with_its_title_line_blanked_is_rejected() -> None:
    lines = SEED.read_text("utf-8").splitlines()
    with pytest.raises(DocumentRejected) as error:
        parse("\n".join(["", *lines[1:]]))
    assert error.value.field == "title"


def test_entity_type_and_id_on_the_entity_line() -> None:
    record = parse(
        "Casas de Cuidado\nMunicipio de Quito (Local / Regional Government) #SDGAction777\n"
        "Description\nLa estrategia acompañó a 120 familias.\nCountries\nEcuador\n"
    )
    assert record["title"] == {"es": "Casas de Cuidado"}
    assert record["lead_entity"]["name"] == "Municipio de Quito"
    assert record["lead_entity"]["type"] == "Local / Regional Government"
    assert record["provenance"]["source_id"] == "SDGAction777"
    assert record["jurisdiction"]["name"] == "Quito"


# -- contract, sniffing and registration -----------------------------------------------------


@pytest.mark.parametrize("path", [SEED, *sorted(DATA.glob("*.txt"))], ids=lambda p: p.name)
def test_records_satisfy_the_contract(path: Path) -> None:
    record = parse(path)
    assert set(record) == PARSED_RECORD_FIELDS
    assert GoodPractice().validate(record) == {}


def test_sniff_is_sure_of_platform_records_only() -> None:
    importer = SdgActionImporter()
    assert importer.sniff(SEED.read_text("utf-8")) >= 0.9
    for path in DATA.glob("*.txt"):
        assert importer.sniff(path.read_text("utf-8")) >= 0.9
    for other in ("000", "002", "003", "004"):
        (path,) = SEEDS.glob(f"{other}_*.txt")
        assert importer.sniff(path.read_text("utf-8")) < 0.1
    assert importer.sniff(RECIPE) < 0.1
    assert importer.sniff("") == 0.0
    # The seeds' README names the action in a table: a mention, not a record.
    assert importer.sniff((SEEDS / "README.md").read_text("utf-8")) < 0.1


def test_text_without_platform_sections_is_rejected() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse("Notes\nThe record #SDGAction33691 describes Medellín.\n")
    assert error.value.field == "description"


def test_hook_registers_the_importer() -> None:
    (importer,) = sdg_action.registry_importers()
    assert importer.name == "sdg_action"
    assert importer.version == "1.0"


def test_a_broken_amount_is_left_out_not_a_crash() -> None:
    """A typing slip in a figure ("1,201.2000,000") gives no amount; the rest still imports."""
    text = (DATA / "en_windhoek.txt").read_text().replace("1,200,000", "1,201.2000,000")
    record = parse(text)
    assert [r["amount"] for r in record["resources"] if r["type"] == "financing"] == [None]
    assert only(record["resources"], type="staff", headcount=45)


def test_a_portuguese_description_imports_without_a_place_phrase_table() -> None:
    record = parse(minimal("O programa atende as famílias da cidade e as crianças que vivem "
                           "nela.", "Brazil"))
    assert (record["language"], record["jurisdiction"]["country"]) == ("pt", "BR")
