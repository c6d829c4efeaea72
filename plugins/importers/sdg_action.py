"""Importer for UN SDG Actions Platform records ("#SDGAction33691").

A record is a title line, the entity line, the entity type in parentheses, the action id, then
sections under the platform's fixed English headings. The figures that matter (households out
of poverty, money, staff) are written inside the narrative, in Spanish, English or French, so
they are read with small per-language pattern tables rather than labelled fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

import pycountry

from plugins.importers import textparse as tp
from registry.errors import DocumentRejected
from registry.hookspecs import hookimpl
from registry.importers import Source

PLATFORM_URL = "https://sustainabledevelopment.un.org/partnership/?p={number}"

# Section headings as the platform prints them -> section key.
HEADINGS = {
    "description": "description",
    "sdgs & targets": "sdgs",
    "deliverables & timeline": "deliverables",
    "resources mobilized": "resources",
    "partnership progress": "progress",
    "feedback": "feedback",
    "timeline": "timeline",
    "entity": "entity",
    "other beneficiaries": "beneficiaries",
    "more information": "more_information",
    "countries": "countries",
    "contact information": "contact",
}
_LONGEST_HEADING = max(map(len, HEADINGS))

# The status the platform prints on a line of its own, in any of the languages.
STATUSES = {
    "ongoing": "ongoing", "en curso": "ongoing", "en cours": "ongoing",
    "completed": "completed", "finalizado": "completed", "completado": "completed",
    "terminé": "completed", "achevé": "completed",
    "planned": "planned", "planificado": "planned", "prévu": "planned",
}

# Words of the first description sentence that say what kind of practice it is.
PRACTICE_TYPES = (
    ("programme", r"estrategia|programa|strategy|programme|program|stratégie|dispositif"),
    ("project", r"proyecto|project|projet"),
    ("policy", r"pol[ií]tica|policy|politique"),
    ("service", r"servicio|service"),
)

# What a count of people achieved, said after the count: (pattern, KPI name suffix).
OUTCOMES = {
    "es": (
        (r"super(?:aron|ó|an|ado)\b[^.;]{0,60}?pobreza|sal(?:ieron|ió)\s+de\s+la\s+pobreza",
         "out of poverty"),
        (r"(?:consiguieron|obtuvieron|accedieron\s+a)\s+(?:un\s+)?(?:empleo|trabajo)",
         "into employment"),
    ),
    "en": (
        (r"(?:moved|lifted|got|came|climbed|were\s+lifted)\s+out\s+of\s+poverty"
         r"|overcame\s+(?:their\s+)?[^.;]{0,40}?poverty", "out of poverty"),
        (r"(?:found|got|obtained|entered)\s+(?:a\s+)?(?:jobs?|employment|work)", "into employment"),
    ),
    "fr": (
        (r"(?:sont\s+)?sorti(?:e)?s?\s+de\s+la\s+pauvreté|(?:ont\s+)?surmonté[^.;]{0,60}?pauvreté",
         "out of poverty"),
        (r"ont\s+trouvé\s+(?:un\s+)?(?:emploi|travail)", "into employment"),
    ),
}

# Words that make a count of people a target rather than people already reached.
PLANNED = {
    "es": r"beneficiar[áa]n?\b|se\s+espera|meta\s+de|atenderá|llegará",
    "en": r"will\s+(?:benefit|reach|serve|support)|aims?\s+to\s+reach|target\s+of|expected\s+to",
    "fr": r"bénéficier(?:a|ont)\b|atteindr(?:a|ont)|objectif\s+de|prévoit|devrai(?:t|ent)",
}
# Words that say the people counted were reached (served, supported, benefited).
REACHED = {
    "es": r"atendi|benefici|acompañ|llegó|alcanz|apoy|particip",
    "en": r"reached|served|benefit|supported|assisted|accompanied|participat",
    "fr": r"touch|bénéfici|accompagn|soutenu|aidé|particip",
}

# Hiring or team size: the number is the headcount, the rest of the clause describes it.
STAFF = {
    "es": (
        r"contrat(?:aron|ó|ando|ad[oa]s?)\s+(?:a\s+)?(?P<what>(?P<num>NUM)\s[^.;]+)",
        r"(?:equipo|grupo)\s+de\s+(?P<what>(?P<num>NUM)\s[^.;]+)",
    ),
    "en": (
        r"(?:hired|recruited|employed)\s+(?P<what>(?P<num>NUM)\s[^.;]+)",
        r"(?P<what>(?P<num>NUM)\s+(?:[\w-]+\s+){0,2}?(?:staff|people|employees|workers|"
        r"professionals)[^.;]*?)\s+(?:were|have\s+been)\s+(?:hired|recruited|employed)",
        r"team\s+of\s+(?P<what>(?P<num>NUM)\s[^.;]+)",
    ),
    "fr": (
        r"(?:recruté|embauché|employé)e?s?\s+(?P<what>(?P<num>NUM)\s[^.;]+)",
        r"(?P<what>(?P<num>NUM)\s+(?:personnes|agents|professionnels|salariés|travailleurs)"
        r"[^.;]*?)\s+ont\s+été\s+(?:recruté|embauché|employé)e?s",
        r"équipe\s+de\s+(?P<what>(?P<num>NUM)\s[^.;]+)",
    ),
}

# A team listed member by member ("un supervisor principal, un supervisor suplente y 7
# profesionales"): counted only when every item starts with a number.
TEAM_LISTS = {
    "es": r"(?:equipo|grupo)\b[^.]{0,60}?(?:conformado|compuesto|integrado|formado)\s+por\s+"
          r"(?P<list>[^.;]+)",
    "en": r"team\b[^.]{0,60}?(?:made\s+up\s+of|composed\s+of|consists\s+of|consisting\s+of|"
          r"comprising|formed\s+by)\s+(?P<list>[^.;]+)",
    "fr": r"équipe\b[^.]{0,60}?(?:composée|constituée|formée)\s+(?:de|d['’])\s*(?P<list>[^.;]+)",
}
NUMBER_WORDS = {
    "es": {"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
           "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10},
    "en": {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
           "sept": 7, "huit": 8, "neuf": 9, "dix": 10},
}
_LIST_SPLIT = {"es": r",\s*|\s+[ye]\s+", "en": r",\s*(?:and\s+)?|\s+and\s+", "fr": r",\s*|\s+et\s+"}
# Every STAFF and TEAM_LISTS pattern of a language needs one of its words here (in lower case),
# so a sentence without any is not tried against them. The words leave out "i", "k" and "s":
# ignoring case, a pattern also matches them as "ı", "İ", "K" or "ſ", which str.lower() keeps.
STAFF_WORDS = {
    "es": ("contrat", "equ", "grupo"),  # contrataron, equipo, grupo
    "en": ("red", "recru", "employed", "team"),  # hired, recruited, employed, team
    "fr": ("recruté", "embauché", "employé", "équ"),  # ..., équipe
}

# Currency marks written before or after an amount; None means "the country's currency".
CURRENCY_MARKS = {
    "US$": "USD", "U$S": "USD", "R$": "BRL", "€": "EUR", "£": "GBP", "$": None,
    "euro": "EUR", "euros": "EUR", "dólares": "USD", "dollars": "USD", "pesos": None,
    "FCFA": None, "F CFA": None,
}
# "SDG" is an ISO 4217 code (Sudanese pound) but on this platform it means a goal.
NOT_CURRENCIES = {"SDG"}
SCALES = {
    "mil millones": 10**9, "billones": 10**12, "billón": 10**12, "millones": 10**6,
    "millón": 10**6, "mil": 10**3, "billion": 10**9, "million": 10**6, "millions": 10**6,
    "thousand": 10**3, "milliards": 10**9, "milliard": 10**9, "mille": 10**3,
}
IN_KIND = r"en\s+especie|in[- ]kind|en\s+nature"

# Where the text says which city the practice is in: "la ciudad de Medellín, Colombia".
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:(?:de|del|la|los|du|des)\s+)?[A-ZÀ-ÖØ-Þ][\w'’-]*)*"
PLACE_PHRASES = {
    "es": rf"\b(?:ciudad|municipio|distrito|localidad)\s+de\s+(?P<place>{_NAME})",
    "en": rf"\b(?:[Cc]ity|[Mm]unicipality|[Tt]own|[Dd]istrict)\s+of\s+(?P<place>{_NAME})",
    "fr": rf"\b(?:ville|commune|municipalité|métropole)\s+(?:de\s+|d['’])(?P<place>{_NAME})",
}
_AFTER_PLACE = rf"(?:\s*,\s*(?P<region>{_NAME}))?\s*,\s*(?P<country>{_NAME})"
# Entity names that are a jurisdiction: (pattern giving the place, jurisdiction level).
ENTITY_PLACES = (
    (r"^(?:Alcald[ií]a|Municipio|Municipalidad|Ayuntamiento|Intendencia)\s+(?:de\s+)?(?P<p>.+)$",
     "municipality"),
    (r"^(?:Gobernaci[oó]n|Gobierno\s+(?:del\s+Estado|Regional|Provincial))\s+de(?:l)?\s+(?P<p>.+)$",
     "region"),
    (r"^(?:City|Municipality|Town)\s+(?:Council\s+)?of\s+(?P<p>.+)$", "municipality"),
    (r"^(?P<p>.+?)\s+City\s+(?:Council|Hall|Government)$", "municipality"),
    (r"^(?:State|Province|Region|Regional\s+Government)\s+of\s+(?P<p>.+)$", "region"),
    (r"^(?:Ville|Mairie|Commune|Municipalité)\s+(?:de\s+|d['’])(?P<p>.+)$", "municipality"),
    (r"^(?:Région|Département|Conseil\s+(?:régional|départemental))\s+(?:de\s+|d['’]|du\s+)?"
     r"(?P<p>.+)$", "region"),
)
# Words that start the unit part of "Entity-Unit" ("Alcaldía de Medellín-Secretaría de ...").
UNIT_WORDS = (
    r"Secretar[íi]a|Subsecretar[íi]a|Direcci[oó]n|Departamento|Unidad|Oficina|Instituto"
    r"|Department|Office|Directorate|Division|Unit|Secretariat|Agency"
    r"|Direction|Service|Département|Secrétariat|Pôle|Délégation|Mission"
)

_ID_RE = re.compile(r"#SDGAction(\d+)\b")
_ID_LINE_RE = re.compile(r"^[ \t]*#SDGAction\d+[ \t]*$|\)[ \t]*#SDGAction\d+[ \t]*$", re.M)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
# How an address starts; a search for one plain word skips ahead faster than for either.
_URL_START_RES = (re.compile("http"), re.compile(r"www\."))
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_YEARS_RE = re.compile(r"\b((?:19|20)\d{2})\s*(?:[-–—/]|\s(?:a|al|to|and|y|à|et|au)\s)\s*"
                       r"((?:19|20)\d{2})\b")
# A number: "1 200 000,5", "21.366", "7". Its first digit is written before the alternatives so
# that a search can skip to the digits.
_NUM = r"\d(?:\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|[\d.,']*\d|)"
# Where a sentence ends: after ".", "!" or "?" and spaces before a capital (or an opening mark),
# or right after a stop that follows a word and precedes a capital ("Medellín.La"). The stop is
# matched and captured rather than looked behind for, so that a search skips to the stops.
_SENTENCE_END = re.compile(
    r"([.!?])(?:\s+(?=[A-ZÀ-Þ¿¡“«\"-])|(?<=[a-zà-ÿ)\]][.!?])(?=[A-ZÀ-Þ]))"
)
_GOAL_RE = re.compile(r"^(?:Goal|SDG|Objetivo|ODS|Objectif|ODD)\s*(\d{1,2})\b\W*(.*)$", re.I)
_TARGET_RE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])\b\W*(.*)$")
_RESOURCE_LABELS = (
    ("financing", r"^(?:financing|financial|funding|financiaci[oó]n|financement)\b"),
    ("staff", r"^(?:staff|personal|personnel|human resources|recursos humanos)\b"),
    ("in_kind", r"^(?:in[- ]kind|en especie|en nature)\b"),
)

# The pattern tables above, compiled once.
_OUTCOME_RES = {lang: tuple((re.compile(pattern, re.I), outcome) for pattern, outcome in rows)
                for lang, rows in OUTCOMES.items()}
_PLANNED_RES = {lang: re.compile(pattern, re.I) for lang, pattern in PLANNED.items()}
_REACHED_RES = {lang: re.compile(pattern, re.I) for lang, pattern in REACHED.items()}
_STAFF_RES = {lang: tuple(re.compile(p.replace("NUM", _NUM), re.I) for p in patterns)
              for lang, patterns in STAFF.items()}
_TEAM_LIST_RES = {lang: re.compile(pattern, re.I) for lang, pattern in TEAM_LISTS.items()}
_LIST_SPLIT_RES = {lang: re.compile(pattern) for lang, pattern in _LIST_SPLIT.items()}
_IN_KIND_RE = re.compile(IN_KIND, re.I)
_PLACE_RES = {lang: re.compile(pattern + _AFTER_PLACE) for lang, pattern in PLACE_PHRASES.items()}
_ENTITY_PLACE_RES = tuple((re.compile(pattern), level) for pattern, level in ENTITY_PLACES)
# One search for all kinds stops at the earliest word of any (no two kinds' words can match at
# the same place), where a search per kind would read the whole sentence for the kinds absent.
_PRACTICE_TYPE_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in PRACTICE_TYPES) + r")\b",
    re.I,
)
_RESOURCE_LABEL_RES = tuple((kind, re.compile(pattern, re.I))
                            for kind, pattern in _RESOURCE_LABELS)
_UNIT_RE = re.compile(rf"^(.+?)\s*[-–—]\s*((?:{UNIT_WORDS})\b.*)$")
_NAME_AND_TYPE_RE = re.compile(r"^(.+?)\s*\(\s*([^()]+?)\s*\)$")
_FINAL_STOP_RE = re.compile(r"(?<!\.)\.$")
_BLANK_LINES_RE = re.compile(r"\n{2,}")
_CURRENCY_CODE_RE = re.compile(r"\b([A-Z]{3})\b")
_LEADING_NUM_RE = re.compile(rf"^\s*({_NUM})")
_COUNT_CLAUSE_END_RE = re.compile(r"[,;]|\d")
_CLAUSE_SEPARATOR_RE = re.compile(r"[,;]\s")
_ITEM_LEAD_RE = re.compile(r"^(?:de\s+|d['’]\s*|of\s+)", re.I)
_SPACES_RE = re.compile(r"\s+")
_CONTACT_LABEL_RE = re.compile(r"^(?:e-?mail|tel(?:éfono|ephone)?|phone|t[ée]l)\s*[:.]?\s*$",
                               re.I)
_PIECE_SEPARATOR_RE = re.compile(r"\s+[-–—:|]\s+|\t")
_NOT_WORDS_RE = re.compile(r"[\d\W]+")
_DIGIT_RE = re.compile(r"\d")


class SdgActionImporter:
    """Reads one SDG Actions Platform record into one record."""

    name = "sdg_action"
    version = "1.0"

    def sniff(self, text: str) -> float:
        """Sure with the "#SDGAction" id where the platform prints it (its own line, or after
        the entity type) or with it and headings; fairly sure with several headings alone.
        An id merely mentioned in running text (a README, a report) is not enough."""
        # Casefolding never shortens a line, so only short lines can be headings.
        headings = {
            stripped.casefold()
            for line in text.splitlines()
            if len(stripped := line.strip()) <= _LONGEST_HEADING
        } & HEADINGS.keys()
        if "#SDGAction" in text and (
            _ID_LINE_RE.search(text) or (_ID_RE.search(text) and len(headings) >= 2)
        ):
            return 0.95
        return 0.6 if len(headings) >= 5 else 0.3 if len(headings) >= 3 else 0.0

    def parse(self, text: str, source: Source) -> list[dict]:
        """The one action the page describes."""
        head, sections, headings_seen = _sections(text.replace("\r\n", "\n"))
        if not sections:
            raise DocumentRejected(
                "no SDG Actions Platform section heading (Description, Countries, ...)",
                field="description",
            )
        raw_title, entity, entity_type = _header(head)
        if not raw_title:
            raise DocumentRejected(
                "the record has no title line before its entity and sections", field="title"
            )
        title = _FINAL_STOP_RE.sub("", raw_title)
        id_match = _ID_RE.search(text)
        status_word = _take_status(sections)
        paragraphs = _paragraphs(sections.get("description", []))
        narrative = [p for p in paragraphs if not _only_urls(p)]
        lang = tp.detect_language(" ".join(narrative) or text, default="en")
        entity_name, unit = _split_unit(entity) if entity else (None, None)
        countries = [c for c in sections.get("countries", []) if c]
        jurisdiction = _jurisdiction(entity_name, countries, " ".join(narrative), lang)
        timeline = " ".join(sections.get("timeline", []))
        start, end = tp.parse_period(timeline, lang) if timeline else (None, None)
        years = _years(" ".join(narrative))
        record_period = (start, end) if start else _period(years)
        country = jurisdiction["country"]
        currency = tp.currency_for_country(country) if country else None
        others = "\n".join(sections.get("beneficiaries", [])) or None
        extractor = _Narrative(lang, currency, record_period)
        for paragraph in narrative:
            extractor.read(paragraph, reached_by_default=False)
        if others:
            extractor.read(others, reached_by_default=True)
        extractor.read_resources(sections.get("resources", []))
        source_id = f"SDGAction{id_match[1]}" if id_match else tp.slugify(f"{entity} {title}")
        links = []
        if id_match:
            links.append({"url": PLATFORM_URL.format(number=id_match[1]), "kind": "platform"})
        links += [{"url": url, "kind": "reference"} for url in _urls(text) if not _truncated(url)]

        def loc(value: str | None) -> dict | None:
            return {lang: value} if value else None

        raw = {"Title": raw_title, "Entity": entity, "Entity type": entity_type,
               "SDG Action id": id_match[0] if id_match else None, "Status": status_word}
        raw |= {heading: "\n\n".join(sections[key]) for heading, key in headings_seen
                if any(sections.get(key, []))}
        record = {
            "language": lang,
            "title": loc(title),
            "summary": loc(narrative[0] if narrative else None),
            "description": loc("\n\n".join(narrative) or None),
            "aims": [],
            "practice_type": _practice_type(narrative[0] if narrative else ""),
            "status": STATUSES.get(status_word.casefold(), "unknown") if status_word else "unknown",
            "start_date": start,
            "end_date": end,
            "period_text": timeline or None,
            "jurisdiction": jurisdiction,
            "lead_entity": {"name": entity_name, "type": entity_type, "website": None},
            "implementing_unit": unit,
            "contacts": _contacts(sections.get("contact", [])),
            "target_groups": [],
            "target_groups_text": others,
            "beneficiaries": extractor.beneficiaries,
            "stakeholders": [],
            "kpis": extractor.kpis,
            "resources": extractor.resources,
            "events": _deliverables(sections.get("deliverables", []), lang),
            "evaluations": [],
            "future_goals": [],
            "tags": _sdg_tags(sections.get("sdgs", [])),
            "awards": [],
            "links": _unique(links, "url"),
            "provenance": {
                "format": self.name,
                "source_id": source_id,
                "language": lang,
                "parser_version": self.version,
                "raw": {key: value for key, value in raw.items() if value},
            },
        }
        return [record]


# -- document structure ---------------------------------------------------------------------


def _sections(text: str) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str]]]:
    """(lines before the first heading, {section key: its lines}, [(heading, key)] in order)."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    seen: list[tuple[str, str]] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        # Casefolding never shortens a line, so only short lines can be headings.
        key = HEADINGS.get(stripped.casefold()) if len(stripped) <= _LONGEST_HEADING else None
        if key and key not in sections:
            current = sections.setdefault(key, [])
            seen.append((stripped, key))
        elif current is None:
            head.append(line)
        else:
            current.append(stripped)
    return head, sections, seen


def _take_status(sections: dict[str, list[str]]) -> str | None:
    """The status line, wherever the page layout put it, removed from that section."""
    for key, lines in sections.items():
        if key == "description":
            continue
        for i, line in enumerate(lines):
            if line.casefold() in STATUSES:
                del lines[i]
                return line
    return None


def _header(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(title, entity, entity type) from the lines before the first heading: the title, the
    entity on the line just before its "(Local / Regional Government)" type, the id."""
    lines = [kept for line in lines if (kept := _ID_RE.sub("", line).strip())]
    for i, line in enumerate(lines):
        if line.startswith("("):
            type_text = " ".join(lines[i:]).split(")")[0]
            entity, title_lines = (lines[i - 1], lines[: i - 1]) if i else (None, [])
            return " ".join(title_lines) or None, entity, type_text.strip("( ") or None
        if match := _NAME_AND_TYPE_RE.match(line):
            return " ".join(lines[:i]) or None, match[1], match[2]
    return (lines[0] if lines else None), (" ".join(lines[1:]) or None), None


def _split_unit(entity: str) -> tuple[str, str | None]:
    """("Alcaldía de Medellín", "Secretaría de ...") when a dash introduces a unit word."""
    match = _UNIT_RE.match(entity)
    return (match[1].strip(), match[2].strip()) if match else (entity, None)


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of a section: one per line as the platform prints them, or runs of lines
    between blank lines when the text was wrapped."""
    if "" not in lines[:-1] or not any(lines):
        return [line for line in lines if line]
    text = "\n".join(lines).strip()
    return [" ".join(p.split("\n")) for p in _BLANK_LINES_RE.split(text)]


def _only_urls(paragraph: str) -> bool:
    # Every web address has "://" or "www." in it; most paragraphs have neither.
    has_url = ("://" in paragraph or "www." in paragraph) and _URL_RE.search(paragraph)
    return bool(has_url) and not _URL_RE.sub("", paragraph).strip(" -•\t")


def _urls(text: str) -> list[str]:
    starts = sorted(m.start() for start_re in _URL_START_RES for m in start_re.finditer(text))
    return [url[0].rstrip(".,;)") for url in tp.matches_at(_URL_RE, text, starts)]


def _truncated(url: str) -> bool:
    """The platform cuts long addresses with an ellipsis; those cannot be followed."""
    return url.endswith(("…", "..."))


def _unique(items: list[dict], key: str) -> list[dict]:
    seen: set = set()
    return [i for i in items if not (i[key] in seen or seen.add(i[key]))]


def _practice_type(first_paragraph: str) -> str:
    """The kind of practice named earliest in the first sentence, else "other"."""
    sentence = "".join(_SENTENCE_END.split(first_paragraph, maxsplit=1)[:2])
    match = _PRACTICE_TYPE_RE.search(sentence)
    return match.lastgroup if match else "other"


def _years(text: str) -> re.Match[str] | None:
    """The first "2016-2019" / "between 2019 and 2022" of ``text``; it starts at a digit."""
    first_digit = _DIGIT_RE.search(text)
    return _YEARS_RE.search(text, first_digit.start()) if first_digit else None


def _period(years: re.Match | None) -> tuple[str | None, str | None]:
    """(first year, last year) of a "2016-2019" / "between 2019 and 2022" match."""
    return (years[1], years[2]) if years else (None, None)


# -- places ---------------------------------------------------------------------------------


def _jurisdiction(entity: str | None, countries: list[str], narrative: str, lang: str) -> dict:
    """Where the practice runs: the entity's city or region, the declared or named country."""
    codes = [code for name in countries if (code := tp.country_code(name, lang))]
    country = codes[0] if codes else None
    place = level = region = None
    for pattern, entity_level in _ENTITY_PLACE_RES:
        if entity and (match := pattern.match(entity)):
            place, level = match["p"].strip(), entity_level
            break
    # the record's language first, then the others (a language without phrases is skipped)
    for lang_key in sorted(PLACE_PHRASES, key=lambda key: key != lang):
        match = _PLACE_RES[lang_key].search(narrative)
        if match and tp.country_code(match["country"], lang):
            if place is None or tp.fold(place) == tp.fold(match["place"]):
                place, level, region = match["place"], "municipality", match["region"]
                country = country or tp.country_code(match["country"], lang)
            break
    subdivision = None
    if country and region:
        subdivision = tp.subdivision_code(region, country)
    elif country and place and level == "region":
        subdivision = tp.subdivision_code(place, country)
    if place is None and country:
        place, level = countries[0], "country"
    return {"name": place, "level": level, "country": country, "subdivision": subdivision,
            "population": None}


# -- narrative figures ----------------------------------------------------------------------


class _Narrative:
    """Collects beneficiaries, outcome KPIs and resources from narrative paragraphs."""

    def __init__(self, lang: str, currency: str | None, period: tuple[str | None, str | None]):
        self.lang = lang
        self.currency = currency
        self.period = period
        self.beneficiaries: list[dict] = []
        self.kpis: list[dict] = []
        self.resources: list[dict] = []

    def read(self, paragraph: str, *, reached_by_default: bool) -> None:
        for sentence in _sentences(paragraph):
            if _DIGIT_RE.search(sentence) is None:
                # Years, amounts, headcounts and counts have digits; a team may count in words.
                self._staff(sentence, (None, None), has_digit=False)
                continue
            period = _period(_years(sentence))
            taken = self._money(sentence, period) + self._staff(sentence, period, has_digit=True)
            for count in tp.find_counts(sentence, self.lang):
                if not any(s <= count.start < e for s, e in taken):
                    self._count(count, sentence, period, reached_by_default)

    def read_resources(self, lines: list[str]) -> None:
        """The "Resources mobilized" section: "Financing (in USD)" then "1,200,000", etc."""
        kind = currency = None
        for line in filter(None, lines):
            for resource_type, pattern in _RESOURCE_LABEL_RES:
                if pattern.match(line):
                    kind, code = resource_type, _CURRENCY_CODE_RE.search(line)
                    currency = code[1] if code and _currency_code(code[1]) else self.currency
                    break
            else:
                self._resource_value(kind, currency, line)

    def _resource_value(self, kind: str | None, currency: str | None, line: str) -> None:
        if kind is None or self._money(line, (None, None), kind=kind if kind != "staff" else None):
            return
        number = _LEADING_NUM_RE.match(line)
        headcount = self._number(number[1]) if number else None
        if kind == "staff" and isinstance(headcount, int):
            self._add_resource("staff", None, None, (None, None), headcount, line)
        elif kind == "financing" and number and currency:
            amount = self._amount(number[1], None)
            self._add_resource("financing", amount, currency, (None, None), None, line)
        elif kind == "in_kind":
            self._add_resource("in_kind", None, None, (None, None), None, line)

    def _count(self, count: tp.Count, sentence: str, period: tuple, reached: bool) -> None:
        after = _COUNT_CLAUSE_END_RE.split(sentence[count.end:], maxsplit=1)[0]
        langs = _langs(self.lang)
        for lang in langs:
            for pattern, outcome in _OUTCOME_RES[lang]:
                if pattern.search(after):
                    self._add_kpi(count, outcome, period)
                    return
        if any(_PLANNED_RES[lang].search(sentence) for lang in langs):
            kind = "planned"
        elif reached or any(_REACHED_RES[lang].search(sentence) for lang in langs):
            kind = "reached"
        else:
            return
        self.beneficiaries.append({
            "value": count.value, "unit": count.unit, "kind": kind,
            "period_start": period[0], "period_end": period[1], "description": sentence,
        })

    def _add_kpi(self, count: tp.Count, outcome: str, period: tuple) -> None:
        start, end = period if period[0] else self.period
        name = f"{count.unit} {outcome}"
        if any(kpi["id"] == tp.slugify(name) for kpi in self.kpis):
            return
        self.kpis.append({
            "id": tp.slugify(name), "name": name, "kind": "outcome", "unit": count.unit,
            "frequency": None, "direction": "higher",
            "observations": [{"period_start": start, "period_end": end, "value": count.value,
                              "cumulative": True}],
        })

    def _money(
        self, sentence: str, period: tuple, kind: str | None = None
    ) -> list[tuple[int, int]]:
        """Amounts with a currency mark before or after them, typed by ``kind`` or by their
        clause ("en especie" is in kind); returns the spans taken."""
        spans: list[tuple[int, int]] = []
        for match in tp.matches_at(_money_re(), sentence, _amount_starts(sentence)):
            mark = match["pre"] or match["post"]
            currency = _currency(mark, self.currency)
            if currency is None or any(s <= match.start() < e for s, e in spans):
                continue
            amount = self._amount(match["num"] or match["num2"], match["scale"] or match["scale2"])
            if amount is None:
                continue
            clause = _CLAUSE_SEPARATOR_RE.split(sentence[match.end():], maxsplit=1)[0]
            clause = _CLAUSE_SEPARATOR_RE.split(sentence[: match.start()])[-1] + match[0] + clause
            in_kind = _IN_KIND_RE.search(clause)
            resource_type = kind or ("in_kind" if in_kind else "financing")
            self._add_resource(resource_type, amount, currency, period, None, sentence)
            spans.append(match.span())
        return spans

    def _staff(self, sentence: str, period: tuple, *, has_digit: bool) -> list[tuple[int, int]]:
        """Headcounts ("se contrataron 1200 personas") and teams listed member by member; each
        headcount pattern needs a digit, a listed team may count in words."""
        spans: list[tuple[int, int]] = []
        lowered = sentence.lower()
        for lang in _langs(self.lang):
            if not any(map(lowered.__contains__, STAFF_WORDS[lang])):
                continue
            for pattern in _STAFF_RES[lang] if has_digit else ():
                for match in pattern.finditer(sentence):
                    headcount = self._number(match["num"])
                    if isinstance(headcount, int) and not any(s <= match.start("num") < e
                                                              for s, e in spans):
                        what = match["what"].strip()
                        self._add_resource("staff", None, None, period, headcount, what)
                        spans.append(match.span("what"))
            if (team := _TEAM_LIST_RES[lang].search(sentence)) and (
                headcount := _team_size(team["list"], lang)
            ):
                self._add_resource("staff", None, None, period, headcount, team["list"].strip())
                spans.append(team.span("list"))
        return spans

    def _number(self, text: str) -> int | float | None:
        try:
            return tp.parse_number(text, self.lang)
        except ValueError:
            return None

    def _amount(self, number: str, scale: str | None) -> str | None:
        try:
            value = Decimal(tp.parse_number(number, self.lang, exact=True))
        except ValueError:
            return None
        value *= SCALES.get(scale.casefold(), 1) if scale else 1
        return format(value.normalize(), "f")

    def _add_resource(self, kind: str, amount: str | None, currency: str | None,
                      period: tuple, headcount: int | None, description: str) -> None:
        """Adds a resource unless the same one was already read (narrative and section)."""
        key = (kind, amount, currency, headcount)
        if any((r["type"], r["amount"], r["currency"], r["headcount"]) == key
               for r in self.resources):
            return
        self.resources.append({
            "type": kind, "amount": amount, "currency": currency, "period_start": period[0],
            "period_end": period[1], "headcount": headcount, "description": description,
        })


@cache
def _langs(lang: str) -> tuple[str, ...]:
    """The document's language first, then the others: content may mix languages."""
    return (lang, *(k for k in OUTCOMES if k != lang)) if lang in OUTCOMES else tuple(OUTCOMES)


def _sentences(paragraph: str) -> list[str]:
    # The split gives sentence, stop, sentence, ...: each stop goes back on its sentence.
    parts = _SENTENCE_END.split(paragraph)
    sentences = map(str.__add__, parts[::2], [*parts[1::2], ""])
    return [s.strip() for s in sentences if s.strip()]


# How far before its first digit an amount can start: the longest mark and a space.
_MONEY_REACH = max(map(len, CURRENCY_MARKS)) + 1


def _amount_starts(text: str) -> Iterator[int]:
    """Where an amount can start: at its first digit, which starts a run of digits (no currency
    mark ends with one), or at a currency mark written, with at most a space, right before it."""
    tried = 0
    for run in tp.DIGIT_RUN_RE.finditer(text):
        digit = run.start()
        mark = _mark_before_re().search(text, max(tried, digit - _MONEY_REACH), digit)
        yield from range(mark.start() if mark else digit, digit + 1)
        tried = digit + 1


def _mark_pattern() -> str:
    """Any currency mark, the longest first, or a three-capital code."""
    marks = sorted(CURRENCY_MARKS, key=len, reverse=True)
    return "|".join(re.escape(m) for m in marks) + r"|(?-i:\b[A-Z]{3}\b)"


@cache
def _mark_before_re() -> re.Pattern[str]:
    """A currency mark and at most a space that end where the search ends (its ``endpos``)."""
    return re.compile(rf"(?:{_mark_pattern()})\s?\Z", re.I)


@cache
def _money_re() -> re.Pattern[str]:
    """An amount with its currency mark: "$ 66.027.584.870", "USD 1,2 million", "12 000 €"."""
    mark = _mark_pattern()
    scale = "|".join(sorted(SCALES, key=len, reverse=True))
    return re.compile(
        rf"(?:(?P<pre>{mark})\s?(?P<num>{_NUM})(?:\s+(?P<scale>{scale})\b)?"
        rf"(?:\s+(?:de\s+|d['’]\s*)?(?:{mark}))?"
        rf"|(?<![\w$€£])(?P<num2>{_NUM})(?:\s+(?P<scale2>{scale}))?\s?(?:de\s+|d['’]\s*)?"
        rf"(?P<post>{mark})(?!\w))",
        re.I,
    )


def _currency_code(code: str) -> str | None:
    if code in NOT_CURRENCIES or not code.isupper():
        return None
    return code if pycountry.currencies.get(alpha_3=code) else None


def _currency(mark: str, country_currency: str | None) -> str | None:
    """ISO 4217 code of a currency mark; "$" and "pesos" take the country's currency."""
    for known, code in CURRENCY_MARKS.items():
        if mark.casefold() == known.casefold():
            return code or country_currency
    return _currency_code(mark)


def _team_size(items: str, lang: str) -> int | None:
    """The sum of "un supervisor, 7 profesionales" when every item starts with a count."""
    parts = [_ITEM_LEAD_RE.sub("", p.strip())
             for p in _LIST_SPLIT_RES[lang].split(items) if p.strip()]
    if len(parts) < 2:
        return None
    total = 0
    for part in parts:
        first = part.split()[0].casefold()
        count = int(first) if first.isdigit() else NUMBER_WORDS[lang].get(first)
        if count is None:
            return None
        total += count
    return total


# -- small sections -------------------------------------------------------------------------


def _contacts(lines: list[str]) -> list[dict]:
    """One contact per "Name, Position" line; e-mail or phone lines join the contact above."""
    contacts: list[dict] = []
    for line in filter(None, lines):
        # Most lines have no "@", and the e-mail pattern is slow to find that out.
        email = _EMAIL_RE.search(line) if "@" in line else None
        phone = _PHONE_RE.search(_EMAIL_RE.sub("", line) if email else line)
        rest = line
        for found in (email, phone):
            if found:
                rest = rest.replace(found[0], " ")
        rest = _SPACES_RE.sub(" ", rest).strip(" ,;:-–|")
        rest = _CONTACT_LABEL_RE.sub("", rest)
        if rest or not contacts:
            name, _, position = rest.partition(",")
            contacts.append({"name": name.strip() or None, "position": position.strip() or None,
                             "email": None, "phone": None, "public": False})
        contact = contacts[-1]
        contact["email"] = contact["email"] or (email[0] if email else None)
        contact["phone"] = contact["phone"] or (phone[0].strip() if phone else None)
    return contacts


def _sdg_tags(lines: list[str]) -> list[dict]:
    """"Goal 1 ..." and "1.2 ..." lines as sdg_goal / sdg_target tags (a target's goal too)."""
    tags: list[dict] = []
    for line in filter(None, lines):
        if (goal := _GOAL_RE.match(line)) and 1 <= int(goal[1]) <= 17:
            tags.append({"scheme": "sdg_goal", "code": str(int(goal[1])),
                         "label": goal[2].strip() or None})
        elif (target := _TARGET_RE.match(line)) and 1 <= int(target[1]) <= 17:
            goal_code = str(int(target[1]))
            if not any(t["scheme"] == "sdg_goal" and t["code"] == goal_code for t in tags):
                tags.append({"scheme": "sdg_goal", "code": goal_code, "label": None})
            tags.append({"scheme": "sdg_target", "code": f"{goal_code}.{target[2]}",
                         "label": target[3].strip() or None})
    return _unique_tags(tags)


def _unique_tags(tags: list[dict]) -> list[dict]:
    seen: set = set()
    return [t for t in tags if not ((t["scheme"], t["code"]) in seen
                                    or seen.add((t["scheme"], t["code"])))]


def _deliverables(lines: list[str], lang: str) -> list[dict]:
    """Deliverables with a date: "Title - 31 December 2019", or a title line then a date line."""
    events = []
    pending: str | None = None
    for line in filter(None, lines):
        pieces = [p.strip() for p in _PIECE_SEPARATOR_RE.split(line) if p.strip()]
        dated = [(p, d) for p in pieces if (d := _date_only(p, lang))]
        titles = [p for p in pieces if not _date_only(p, lang)]
        if dated and titles:
            events.append({"date": dated[0][1], "title": " - ".join(titles), "place": None})
            pending = None
        elif dated and pending:
            events.append({"date": dated[0][1], "title": pending, "place": None})
            pending = None
        else:
            pending = line
    return events


def _date_only(piece: str, lang: str) -> str | None:
    """The date a piece of text is, when it is nothing but a date."""
    date = tp.parse_date(piece, lang)
    leftover = _NOT_WORDS_RE.sub(" ", tp.fold(piece)).split()
    months_and_links = {"de", "of", "del", "le", "the"}
    is_date = all(tp.month_number(w, lang) or w in months_and_links for w in leftover)
    return date if date and is_date else None


@hookimpl
def registry_importers() -> list:
    """The SDG Actions Platform importer."""
    return [SdgActionImporter()]
