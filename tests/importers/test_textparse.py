"""The shared locale-aware helpers: numbers, dates, periods, places, language, labels."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.importers import textparse as tp

LOCALES = ["en", "es", "fr", "pt", "de"]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("21.366", "es", 21366),
        ("21.366", "fr", 21366),
        ("21.366", "pt", 21366),
        ("21.366", "de", 21366),
        ("35,000", "en", 35000),
        ("35,000", "fr", 35000),
        ("7.844.830", "fr", 7844830),
        ("7.844.830", "en", 7844830),
        ("66.027.584.870", "es", 66027584870),
        ("1,5", "es", 1.5),
        ("1.5", "en", 1.5),
        ("8%", "fr", 8),
        ("91 %", "fr", 91),
        ("35 000", "fr", 35000),
        ("35\u202f000", "fr", 35000),
        ("35\u00a0000", "fr", 35000),
        ("1 032,5", "fr", 1032.5),
        ("1.234,56", "es", 1234.56),
        ("1,234.56", "en", 1234.56),
        ("1,234", "en", 1234),
        ("1,234", "fr", 1.234),
        ("1.234", "en", 1.234),
        ("1234,567", "es", 1234.567),
        ("0,250", "es", 0.25),
        ("-12", "en", -12),
        ("1200", "es", 1200),
    ],
)
def test_parse_number(text: str, lang: str, expected: float) -> None:
    value = tp.parse_number(text, lang)
    assert value == expected
    assert type(value) is type(expected)


def test_parse_number_exact_gives_decimal() -> None:
    assert tp.parse_number("66.027.584.870,25", "es", exact=True) == Decimal("66027584870.25")


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize(
    "text", ["", "abc", "1.23.4", "12,34,567", "1..2", "1,2.3,4", ".5", "5.", "1.234.5", "1-2",
             "1,201.2000,000"]
)
def test_parse_number_rejects_broken_numbers(text: str, exact: bool) -> None:
    with pytest.raises(ValueError, match="number"):
        tp.parse_number(text, "en", exact=exact)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(LOCALES))
def test_parse_number_reads_babel_grouped_integers(number: int, locale: str) -> None:
    assert tp.parse_number(format_decimal(number, locale=locale), locale) == number


@settings(max_examples=150, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(LOCALES),
)
def test_parse_number_reads_babel_decimals(number: Decimal, locale: str) -> None:
    text = format_decimal(number, format="#,##0.###", locale=locale)
    assert tp.parse_number(text, locale, exact=True) == number


@pytest.mark.parametrize(
    ("text", "lang", "default_year", "expected"),
    [
        ("2 juillet de 2014", "fr", None, "2014-07-02"),
        ("1er juillet 2014", "fr", None, "2014-07-01"),
        ("1 de octubre de 2014", "es", None, "2014-10-01"),
        ("15 February 2013", "en", None, "2013-02-15"),
        ("15 mars de 2016", "fr", None, "2016-03-15"),
        ("November 8", "en", 2016, "2016-11-08"),
        ("On April, 21", "en", 2017, "2017-04-21"),
        ("January 2024", "en", None, "2024-01"),
        ("marzo de 2024", "es", None, "2024-03"),
        ("2024", "en", None, "2024"),
        ("2024-01-31", "en", None, "2024-01-31"),
        ("31/01/2024", "es", None, "2024-01-31"),
        ("3 de setembro de 2019", "pt", None, "2019-09-03"),
        ("the team may meet on December 8", "en", 2016, "2016-12-08"),
        ("November 8", "en", None, None),
        ("31 février 2020", "fr", None, None),
        ("no date here", "en", None, None),
    ],
)
def test_parse_date(text: str, lang: str, default_year: int | None, expected: str | None) -> None:
    assert tp.parse_date(text, lang, default_year=default_year) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(LOCALES),
    st.sampled_from(["long", "medium", "full"]),
)
def test_parse_date_reads_babel_dates(day: datetime.date, locale: str, style: str) -> None:
    text = format_date(day, format=style, locale=locale)
    assert tp.parse_date(text, locale) == day.isoformat()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1950, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(LOCALES),
)
def test_parse_date_reads_babel_month_and_year(year: int, month: int, locale: str) -> None:
    text = format_date(datetime.date(year, month, 1), format="LLLL y", locale=locale)
    assert tp.parse_date(text, locale) == f"{year}-{month:02d}"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("January to september 2024", "en", ("2024-01", "2024-09")),
        ("2016-2019", "en", ("2016", "2019")),
        ("2016 – 2019", "es", ("2016", "2019")),
        ("November - December 2016", "en", ("2016-11", "2016-12")),
        ("April - May - June 2017", "en", ("2017-04", "2017-06")),
        ("de enero a marzo de 2023", "es", ("2023-01", "2023-03")),
        ("de janvier à mars 2023", "fr", ("2023-01", "2023-03")),
        ("de março a junho de 2021", "pt", ("2021-03", "2021-06")),
        ("November 2022 to January 2023", "en", ("2022-11", "2023-01")),
        ("noviembre a enero de 2017", "es", ("2016-11", "2017-01")),
        ("del 3 al 7 de junio de 2019", "es", ("2019-06-03", "2019-06-07")),
        ("du 3 au 7 juin 2019", "fr", ("2019-06-03", "2019-06-07")),
        ("January–March 2024", "en", ("2024-01", "2024-03")),
        ("2024-01-15 - 2024-03-31", "en", ("2024-01-15", "2024-03-31")),
        ("2024", "en", ("2024", "2024")),
        ("ongoing", "en", (None, None)),
    ],
)
def test_parse_period(text: str, lang: str, expected: tuple[str | None, str | None]) -> None:
    assert tp.parse_period(text, lang) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mexique", "MX"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Colombia", "CO"),
        ("Colombie", "CO"),
        ("Brasil", "BR"),
        ("Espagne", "ES"),
        ("Estados Unidos", "US"),
        ("Perú", "PE"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_code(name: str, expected: str | None) -> None:
    assert tp.country_code(name) == expected


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Jalisco", "MX", "MX-JAL"),
        ("San Luis Potosí", "MX", "MX-SLP"),
        ("san luis potosi", "MX", "MX-SLP"),
        ("Ciudad de México", "MX", "MX-CMX"),
        ("Antioquia", "CO", "CO-ANT"),
        ("Québec", "CA", "CA-QC"),
        ("Cataluña", "ES", "ES-CT"),
        ("Región de Murcia", "ES", "ES-MC"),
        ("Guadalajara", "MX", None),
    ],
)
def test_subdivision_code(name: str, country: str, expected: str | None) -> None:
    assert tp.subdivision_code(name, country) == expected


def test_currency_for_country() -> None:
    assert [tp.currency_for_country(c) for c in ("MX", "CO", "FR", "AR")] == [
        "MXN",
        "COP",
        "EUR",
        "ARS",
    ]
    assert tp.currency_for_country("ZZ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The families of the city and their children are at the centre", "en"),
        ("Las familias de la ciudad y los niños que viven en ella", "es"),
        ("Les familles de la ville et les enfants qui y vivent", "fr"),
        ("As famílias da cidade e as crianças que vivem nela", "pt"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert tp.detect_language(text) == expected


def test_detect_language_falls_back_without_evidence() -> None:
    assert tp.detect_language("Distintivo Balance Trabajo Familia", default="es") == "es"


def test_slugify_is_stable_ascii() -> None:
    assert tp.slugify("Gouvernement de l’État de Jalisco — Femmes!") == (
        "gouvernement-de-l-etat-de-jalisco-femmes"
    )
    assert len(tp.slugify("x" * 200)) == 80


def test_find_numbers_gives_values_and_context() -> None:
    text = "plus de 35,000 femmes; 8% des bénéficiaires; voir https://ex.org/p2 et 35 000 personnes"
    found = tp.find_numbers(text, "fr")
    assert [(n.value, n.percent) for n in found] == [(35000, False), (8, True), (35000, False)]
    assert found[0].before == "plus de"
    assert found[0].after.startswith("femmes")
    assert text[found[2].start : found[2].end] == "35 000"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="12., a_-", max_size=40))
def test_matches_at_the_possible_starts_is_finditer(text: str) -> None:
    # A number here starts after no letter or digit, so only where a run of digits starts.
    pattern = re.compile(r"(?<!\w)\d+(?:[.,]\d+)?")
    starts = [run.start() for run in tp.DIGIT_RUN_RE.finditer(text)]
    found = [m.span() for m in tp.matches_at(pattern, text, starts)]
    assert found == [m.span() for m in pattern.finditer(text)]


def test_find_counts_and_percentages() -> None:
    text = "Se atendieron 21.366 hogares y más de 1.200 personas. El 64% de los niños mejoró."
    counts = tp.find_counts(text, "es")
    assert [(c.value, c.unit) for c in counts] == [(21366, "households"), (1200, "people")]
    shares = tp.find_percentages(text, "es")
    assert [(p.value, p.clause) for p in shares] == [(64, "El 64% de los niños mejoró")]


def test_target_groups_codes_known_groups_only() -> None:
    assert tp.target_groups("Femmes en situation de vulnérabilité; personas mayores") == [
        {"code": "women", "label": "Femmes en situation de vulnérabilité"},
        {"code": "older_people", "label": "personas mayores"},
    ]
    assert tp.target_groups("Working parents, small businesses") == [
        {"code": "parents", "label": "Working parents"},
        {"code": None, "label": "small businesses"},
    ]
    assert tp.target_groups(None) == []


def test_label_table_matches_alone_inline_and_numbered() -> None:
    table = tp.LabelTable(
        {
            "region": {"fr": ("Région",), "es": ("Región",)},
            "goal": {"en": ("Future Goal {n}",)},
        }
    )
    alone = table.match("REGIÓN")
    assert (alone.key, alone.value) == ("region", None)
    inline = table.match("RÉGION:  Jalisco, Mexique")
    assert (inline.key, inline.lang, inline.label, inline.value) == (
        "region",
        "fr",
        "RÉGION",
        "Jalisco, Mexique",
    )
    goal = table.match("Future Goal 12")
    assert (goal.key, goal.number) == ("goal", 12)
    assert table.match("Regional development") is None
    assert table.match("Région: " + "Jalisco " * 60).value.startswith("Jalisco")
    assert table.match("Région " + "Jalisco " * 60) is None


_WORDS_AND_MARKS = st.sampled_from(
    ["the", "The", "de", "DE", "la", "les", "é", "É", "que", "ſe", "ıt", "wıth", "über", "l'eau",
     "d’un", "(en)", "y,", "2024", "½", "a_b", "ΣΑΣ", "••", "-", " ", "  ", "\t", "\u00a0"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_WORDS_AND_MARKS, max_size=12).map("".join), max_size=5))
def test_language_scores_of_lines_add_up(texts: list[str]) -> None:
    # Venice forms score their whole content from the scores of its fields.
    combined = tp.combined_scores(tp.language_scores(text) for text in texts)
    assert combined == tp.language_scores("\n".join(texts))


def test_best_language_needs_a_clear_lead() -> None:
    assert tp.best_language({"en": 3, "es": 1, "fr": 0, "pt": 0}, "fr") == "en"
    assert tp.best_language({"en": 2, "es": 2, "fr": 0, "pt": 0}, "fr") == "fr"
    assert tp.best_language({"en": 0, "es": 0, "fr": 0, "pt": 0}, "pt") == "pt"


def test_label_table_gives_a_label_line_the_same_match_each_time() -> None:
    table = tp.LabelTable({"region": {"fr": ("Région",)}})
    first, again = table.match("Région :"), table.match("  Région :  ")
    assert first == again
    assert (first.key, first.label, first.value) == ("region", "Région", None)
