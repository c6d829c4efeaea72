"""The RELAF newsletter importer on the two real seed sections and on es/fr variants."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.importers import relaf_newsletter
from plugins.importers.relaf_newsletter import RelafNewsletterImporter
from registry.errors import DocumentRejected
from registry.importers import PARSED_RECORD_FIELDS, Source
from registry.schema import GoodPractice

SEEDS = Path(__file__).parents[2] / "seeds"
DATA = Path(__file__).parents[1] / "data" / "relaf_newsletter"
SEED_2016 = SEEDS / "002_ae17b905110f0238.txt"
SEED_2017 = SEEDS / "004_4bf2e4c1c356877e.txt"


RECIPE = """Pancakes
Serves 4 | Ready in 20 minutes
Mix 200 g of flour, 2 eggs and 300 ml of milk. Cook on a hot pan for 2 minutes each side.
"""


def parse(path_or_text: Path | str) -> list[dict]:
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    return RelafNewsletterImporter().parse(text, Source(name="doc.txt", sha256="0" * 64))


def outside_description(record: dict) -> str:
    """Every field a person's name must not reach: all but the free text of the section."""
    public = {k: v for k, v in record.items() if k not in ("description", "summary")}
    return json.dumps(public, ensure_ascii=False)


def names(record: dict) -> list[str]:
    return [s["name"] for s in record["stakeholders"]]


# -- seed 002: Mexico, November - December 2016 -------------------------------------------------


@pytest.fixture(scope="module")
def nov_dec_2016() -> dict:
    (record,) = parse(SEED_2016)
    return record


def test_2016_section_identity(nov_dec_2016: dict) -> None:
    record = nov_dec_2016
    assert set(record) == PARSED_RECORD_FIELDS
    assert record["language"] == "en"
    assert record["title"] == {"en": "Technical Cooperation — Mexico, November - December 2016"}
    assert record["practice_type"] == "technical_cooperation"
    assert (record["start_date"], record["end_date"]) == ("2016-11", "2016-12")
    assert record["period_text"] == "November - December 2016"
    assert record["jurisdiction"] == {
        "name": "Mexico",
        "level": "country",
        "country": "MX",
        "subdivision": None,
        "population": None,
    }
    assert record["lead_entity"]["name"] == "RELAF"
    assert record["provenance"]["source_id"] == "relaf:MX:2016-11/2016-12"
    assert record["provenance"]["format"] == "relaf_newsletter"
    assert record["provenance"]["raw"]["Country"] == "Mexico"
    assert record["provenance"]["raw"]["Period"] == "November - December 2016"


def test_2016_events(nov_dec_2016: dict) -> None:
    assert nov_dec_2016["events"] == [
        {"date": "2016-11-08", "title": "Third training session", "place": None},
        {"date": "2016-11-28", "title": "Fourth training session with DIF Tabasco", "place": None},
        {
            "date": "2016-12-08",
            "title": "First Meeting of the Network of Civil Society Organisations",
            "place": None,
        },
    ]


def test_2016_partners(nov_dec_2016: dict) -> None:
    assert names(nov_dec_2016) == [
        "RELAF",
        "Hope & Homes For Children",
        "UNICEF Mexico",
        "Maestral",
        "DIF Tabasco",
        "DIF Mexico City",
        "REDIM",
        "Save the Children Mexico",
        "SOS Children's Villages Mexico",
        "Back2Back Mexico",
        "Quiera Foundation",
    ]
    assert {s["role"] for s in nov_dec_2016["stakeholders"]} == {"partner"}


def test_2016_people_stay_in_the_description(nov_dec_2016: dict) -> None:
    assert "Carolina Bascuñán" in nov_dec_2016["description"]["en"]
    assert "Carolina" not in outside_description(nov_dec_2016)
    assert nov_dec_2016["contacts"] == []


def test_2016_description_drops_the_donation_appeal(nov_dec_2016: dict) -> None:
    description = nov_dec_2016["description"]["en"]
    assert description.startswith("During November, we carried out the third and fourth")
    assert description.endswith("local and national deinstitutionalisation processes.")
    assert "With your help" not in description


# -- seed 004: Mexico, April - May - June 2017 --------------------------------------------------


@pytest.fixture(scope="module")
def apr_jun_2017() -> dict:
    (record,) = parse(SEED_2017)
    return record


def test_2017_period_and_source_id(apr_jun_2017: dict) -> None:
    assert (apr_jun_2017["start_date"], apr_jun_2017["end_date"]) == ("2017-04", "2017-06")
    assert apr_jun_2017["period_text"] == "April - May - June 2017"
    assert apr_jun_2017["title"] == {
        "en": "Technical Cooperation — Mexico, April - May - June 2017"
    }
    assert apr_jun_2017["provenance"]["source_id"] == "relaf:MX:2017-04/2017-06"


def test_2017_events_take_the_year_of_the_period(apr_jun_2017: dict) -> None:
    events = {event["date"]: event for event in apr_jun_2017["events"]}
    assert list(events) == [
        "2017-03-31",
        "2017-04-20",
        "2017-04-21",
        "2017-05-02",
        "2017-05-31",
        "2017-06-27",
    ]
    assert events["2017-03-31"] == {
        "date": "2017-03-31",
        "title": "Second Meeting of the Network of Civil Society Organisations",
        "place": "Monterrey, Nuevo León",
    }
    assert events["2017-04-21"]["place"] == "Campeche"
    assert events["2017-04-21"]["title"].startswith("Training for the development of technical")
    assert events["2017-05-02"]["place"] == "Morelos"
    assert events["2017-04-20"]["title"] == (
        "Foster Care Programme was presented to judges and institution directors"
    )
    launch = events["2017-06-27"]
    assert launch["title"].startswith("Foster Care Programme (FCP)")
    assert "“Familias de Corazón”" in launch["title"]
    assert launch["title"].endswith("was launched")
    assert launch["place"] == "Tabasco"


def test_2017_programmes_are_keyword_tags(apr_jun_2017: dict) -> None:
    assert apr_jun_2017["tags"] == [
        {
            "scheme": "keyword",
            "code": "foster-care-programme",
            "label": "Foster Care Programme (FCP)",
        },
        {"scheme": "keyword", "code": "familias-de-corazon", "label": "Familias de Corazón"},
    ]
    assert apr_jun_2017["provenance"]["raw"]["Programmes"] == (
        "Foster Care Programme (FCP); Familias de Corazón"
    )


def test_2017_partners(apr_jun_2017: dict) -> None:
    partners = names(apr_jun_2017)
    for expected in (
        "RELAF",
        "UNICEF Mexico",
        "DIF Tabasco",
        "DIF Campeche",
        "DIF Mexico City",
        "Quinta Carmelita Foundation",
        "Back2Back Mexico",
        "Juconi Foundation",
        "ABBA",
        "Amigo Daniel A.C.",
        "REDIM",
        "Save the Children Mexico",
        "SOS Children’s Villages Mexico",
        "Quiera Foundation",
    ):
        assert expected in partners
    assert "FCP" not in partners  # the programme, not a partner
    assert len(partners) == len(set(partners))


def test_2017_people_are_not_in_public_fields(apr_jun_2017: dict) -> None:
    public = outside_description(apr_jun_2017)
    for person in (
        "Matilde Luna",
        "Fernanda López Portillo",
        "Arturo Núñez",
        "Christian Skoog",
        "Teresita Rodríguez",
        "Oscar Melchor",
        "José Luis García",
        "Fernando Negrete",
        "Gerardo Ignacio Olan Morales",
        "Elena Cepeda",
    ):
        assert person not in public
    assert "Matilde Luna" in apr_jun_2017["description"]["en"]


# -- variants --------------------------------------------------------------------------------


def test_spanish_newsletter_with_two_country_sections() -> None:
    guatemala, paraguay = parse(DATA / "es_guatemala_paraguay.txt")
    assert guatemala["language"] == paraguay["language"] == "es"
    assert guatemala["title"] == {
        "es": "Cooperación Técnica — Guatemala, Septiembre - Octubre 2018"
    }
    assert guatemala["provenance"]["source_id"] == "relaf:GT:2018-09/2018-10"
    assert guatemala["jurisdiction"]["country"] == "GT"
    assert guatemala["events"] == [
        {
            "date": "2018-09-12",
            "title": "Primer Encuentro de Familias Acogedoras",
            "place": "Quetzaltenango",
        },
        {
            "date": "2018-10-03",
            "title": "Taller sobre gestión de casos",
            "place": "Ciudad de Guatemala",
        },
    ]
    assert names(guatemala) == [
        "RELAF",
        "UNICEF Guatemala",
        "SBS",
        "PGN",
        "Aldeas Infantiles SOS Guatemala",
        "Hope & Homes for Children",
        "Fundación Sobrevivientes",
        "Refugio de la Niñez",
    ]
    assert guatemala["tags"] == []
    assert "Paraguay" not in guatemala["description"]["es"]


def test_spanish_section_across_two_years() -> None:
    _, paraguay = parse(DATA / "es_guatemala_paraguay.txt")
    assert paraguay["provenance"]["source_id"] == "relaf:PY:2018-10/2019-01"
    assert (paraguay["start_date"], paraguay["end_date"]) == ("2018-10", "2019-01")
    assert [(e["date"], e["place"]) for e in paraguay["events"]] == [
        ("2018-11-22", "Asunción"),
        ("2019-01-15", "Encarnación"),
    ]
    assert paraguay["events"][0]["title"].startswith("Capacitación de 25 técnicos")
    assert paraguay["events"][1]["title"] == (
        "Lanzamiento de la campaña bajo el nombre «Familias que Abrazan»"
    )
    assert [t["label"] for t in paraguay["tags"]] == [
        "Programa de Acogimiento Familiar (PAF)",
        "Familias que Abrazan",
    ]
    assert names(paraguay) == ["MINNA", "RELAF", "UNICEF Paraguay", "CODENI"]
    public = outside_description(paraguay)
    for person in ("Teresa Martínez", "Lucía Gómez", "Ana Benítez"):
        assert person not in public
    assert "Con tu ayuda" not in paraguay["description"]["es"]


def test_french_newsletter() -> None:
    (record,) = parse(DATA / "fr_haiti.txt")
    assert record["language"] == "fr"
    assert record["title"] == {"fr": "Coopération technique — Haïti, Janvier - Février - Mars 2019"}
    assert record["jurisdiction"]["country"] == "HT"
    assert record["provenance"]["source_id"] == "relaf:HT:2019-01/2019-03"
    assert record["events"] == [
        {
            "date": "2019-01-17",
            "title": "Formation sur l'évaluation des familles d'accueil",
            "place": "Port-au-Prince",
        },
        {
            "date": "2019-02-05",
            "title": "Première rencontre nationale des familles d'accueil",
            "place": "Cap-Haïtien",
        },
        {
            "date": "2019-03-01",
            "title": "Programme de placement a été lancé sous le nom « Familles Solidaires »",
            "place": None,
        },
    ]
    assert names(record) == [
        "RELAF",
        "UNICEF Haïti",
        "IBESR",
        "SOS Villages d'Enfants Haïti",
        "Terre des Hommes",
        "Lumos",
    ]
    assert [t["code"] for t in record["tags"]] == [
        "programme-de-placement-familial",
        "familles-solidaires",
    ]
    assert "Marie Joseph" not in outside_description(record)
    assert "Avec votre aide" not in record["description"]["fr"]


def test_section_without_heading_line_and_with_windows_line_ends() -> None:
    text = (
        "Chile | March 2019\r\n\r\nOn March 14, a workshop on kinship care was held in "
        "Valparaíso together with UNICEF Chile and Aldeas Infantiles SOS Chile.\r\n"
    )
    (record,) = parse(text)
    assert record["language"] == "en"
    assert record["title"] == {"en": "Technical Cooperation — Chile, March 2019"}
    assert (record["start_date"], record["end_date"]) == ("2019-03", "2019-03")
    assert record["events"] == [
        {"date": "2019-03-14", "title": "Workshop on kinship care", "place": "Valparaíso"}
    ]
    assert names(record) == ["UNICEF Chile", "Aldeas Infantiles SOS Chile"]


def test_document_without_sections_is_rejected() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse("Technical Cooperation\n\nWe worked hard this year.\n")
    assert error.value.field == "jurisdiction"


def test_unknown_country_is_rejected() -> None:
    with pytest.raises(DocumentRejected) as error:
        parse("Technical Cooperation\n\nAtlantis | March 2017\n\nOn March 3, a meeting.\n")
    assert error.value.field == "jurisdiction.country"
    assert "Atlantis" in error.value.message


# -- words in any case, and the searches that skip ahead -------------------------------------

LIST_SECTIONS = {
    "en": "Technical Cooperation\n\nChile | March 2019\n\nThe workshop was held {} Hogar "
          "Foundation and Open House.\n",
    "es": "Cooperación Técnica\n\nChile | Marzo 2019\n\nEl taller fue realizado {} Fundación "
          "Hogar y Casa Abierta.\n",
    "fr": "Coopération technique\n\nHaïti | Mars 2019\n\nL'atelier a été fait {} Fondation "
          "Lumière et Maison Ouverte.\n",
}
LISTED = {
    "en": ["Hogar Foundation", "Open House"],
    "es": ["Fundación Hogar", "Casa Abierta"],
    "fr": ["Fondation Lumière", "Maison Ouverte"],
}


def case_variants(phrase: str) -> list[str]:
    """The phrase as written, in title case, in alternating case (capitals in a row would make
    an acronym), and with the "s" and "i" only ignoring case matches ("ſ", "ı")."""
    alternating = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(phrase))
    return [phrase, phrase.title(), alternating, phrase.replace("s", "ſ").replace("i", "ı")]


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        *(("en", p) for p in ("organised by", "organized by", "along with", "together with",
                              "such as", "in partnership with", "in collaboration with",
                              "with the support of", "included the presence of", "jointly with")),
        *(("es", p) for p in ("organizadas por", "junto con", "junto a", "tales como",
                              "en alianza con", "en colaboración con", "con el apoyo de",
                              "contó con la presencia de")),
        *(("fr", p) for p in ("organisées par", "aux côtés du", "en partenariat avec",
                              "en collaboration avec", "avec le soutien de", "telles que",
                              "conjointement avec", "a compté sur la présence de")),
    ],
)
def test_partner_lists_after_their_words_in_any_case(lang: str, phrase: str) -> None:
    # Sentences without the words of PARTNER_LIST_WORDS are not searched: each phrase needs its.
    for variant in case_variants(phrase):
        (record,) = parse(LIST_SECTIONS[lang].format(variant))
        assert set(LISTED[lang]) <= set(names(record)), variant


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Hogar Foundation and Open House have all participated."),
        ("es", "Fundación Hogar y Casa Abierta participaron todas."),
        ("es", "Fundación Hogar y Casa Abierta todas participaron."),
        ("fr", "Fondation Lumière et Maison Ouverte ont toutes participé."),
    ],
)
def test_partner_lists_before_their_words_in_any_case(lang: str, text: str) -> None:
    head, _, _ = LIST_SECTIONS[lang].partition("{}")
    head = head.rsplit("\n\n", 1)[0] + "\n\n"
    first, _, rest = text.partition(LISTED[lang][1])
    for variant in case_variants(rest):
        (record,) = parse(head + first + LISTED[lang][1] + variant + "\n")
        assert names(record) == LISTED[lang], variant


@pytest.mark.parametrize(
    ("heading", "period", "day", "month", "date"),
    [
        ("Cooperación Técnica", "Noviembre - Diciembre 2019", "El 8 de", "diciembre", "2019-12-08"),
        ("Cooperación Técnica", "Agosto - Septiembre 2019", "El 3 de", "septiembre", "2019-09-03"),
        ("Coopération technique", "Juillet - Août 2019", "Le 14", "juillet", "2019-07-14"),
        ("Coopération technique", "Février - Mars 2019", "Le 1er", "mars", "2019-03-01"),
    ],
)
def test_dates_with_month_names_in_any_case(
    heading: str, period: str, day: str, month: str, date: str
) -> None:
    # Sentences without a piece of a month name (_month_words) are not searched for dates;
    # Spanish and French month names are matched ignoring case.
    for variant in (month, month.upper(), month.title(), month.replace("s", "ſ")):
        text = f"{heading}\n\nChile | {period}\n\n{day} {variant}, a workshop took place.\n"
        (record,) = parse(text)
        assert [event["date"] for event in record["events"]] == [date], variant


@pytest.mark.parametrize(
    ("lang", "sentence", "tag"),
    [
        ("en", "We began the Family Care Strategy (FCS).", "Family Care Strategy (FCS)"),
        ("en", "We began the Family Care Project (FCP).", "Family Care Project (FCP)"),
        ("en", "We began the Family Care Program (FCP).", "Family Care Program (FCP)"),
        ("es", "Empezó el Proyecto Raíces (PR).", "Proyecto Raíces (PR)"),
        ("es", "Empezó la Estrategia Nacional (EN).", "Estrategia Nacional (EN)"),
        ("fr", "Le Projet Racines (PR) a commencé.", "Projet Racines (PR)"),
        ("fr", "La Stratégie Nationale (SN) a commencé.", "Stratégie Nationale (SN)"),
        ("en", "A campaign called “Open Homes” began.", "Open Homes"),
        ("en", 'A campaign called "Open Homes" began.', "Open Homes"),
        ("es", "Una campaña llamada «Casas Abiertas» empezó.", "Casas Abiertas"),
        ("fr", 'Une campagne appelée "Maisons Ouvertes" a commencé.', "Maisons Ouvertes"),
    ],
)
def test_programmes_named_with_each_programme_word(lang: str, sentence: str, tag: str) -> None:
    # Texts without one of PROGRAMME_WORDS are not searched for programmes.
    heading = relaf_newsletter.HEADINGS[lang]
    (record,) = parse(f"{heading}\n\nChile | March 2019\n\n{sentence}\n")
    assert [t["label"] for t in record["tags"]] == [tag]


_SENTENCE_PIECES = st.sampled_from(
    ["a", "Word", "É", "¿Qué", "“Quote”", "«x»", '"y"', ".", "!", "?", " ", " ", "1.", "(b)", ","]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_SENTENCE_PIECES, min_size=1, max_size=10).map("".join), max_size=5))
def test_sentences_run_on_across_paragraphs_as_in_the_joined_text(pieces: list[str]) -> None:
    paragraphs = [p for p in (" ".join(piece.split()) for piece in pieces) if p]
    sentences = [relaf_newsletter._sentences(p) for p in paragraphs]
    joined = relaf_newsletter._sentences(" ".join(paragraphs))
    assert relaf_newsletter._run_on(paragraphs, sentences) == joined


_PATTERN_WORDS = st.sampled_from(
    ["in", "order", "to", "with", "the", "aim", "which", "where", "en", "la", "que", "donde", "où",
     "qui", "afin", "de", "was", "were", "held", "took", "place", "all", "have", "participated",
     "ont", "toutes", "participé", "members", "team", "State", "of", "Jalisco", "Lyon", "à",
     " ", "  ", "\t", "\n", ",", "."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PATTERN_WORDS, max_size=20).map("".join))
def test_a_leading_space_run_compiles_to_the_same_pattern(text: str) -> None:
    tables = (
        relaf_newsletter.CUTS, relaf_newsletter.EMPTY_VERBS, relaf_newsletter.LOCATIVES,
        relaf_newsletter.PARTNER_LISTS_BEFORE,
    )
    for table in tables:
        for pattern in table.values():
            for flags in (0, re.IGNORECASE):
                expected = [m.span() for m in re.finditer(pattern, text, flags)]
                found = relaf_newsletter._compile(pattern, flags).finditer(text)
                assert [m.span() for m in found] == expected, pattern


# -- contract, sniffing and registration -----------------------------------------------------


@pytest.mark.parametrize(
    "path", [SEED_2016, SEED_2017, *sorted(DATA.glob("*.txt"))], ids=lambda p: p.name
)
def test_records_satisfy_the_contract(path: Path) -> None:
    for record in parse(path):
        assert set(record) == PARSED_RECORD_FIELDS
        assert GoodPractice().validate(record) == {}
        assert record["status"] == "completed"


def test_sniff() -> None:
    importer = RelafNewsletterImporter()
    for path in (SEED_2016, SEED_2017, *DATA.glob("*.txt")):
        assert importer.sniff(path.read_text("utf-8")) >= 0.9
    for other in ("000", "001", "003"):
        (path,) = SEEDS.glob(f"{other}_*.txt")
        assert importer.sniff(path.read_text("utf-8")) < 0.1
    assert importer.sniff(RECIPE) < 0.1
    assert importer.sniff("Chile | March 2019\n\nText.") == pytest.approx(0.6)


def test_hook_registers_the_importer() -> None:
    (importer,) = relaf_newsletter.registry_importers()
    assert importer.name == "relaf_newsletter"
    assert importer.version == "1.0"
