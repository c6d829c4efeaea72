"""Importer for ORU Fogar regional good-practice award entries (fr/es/en): a title line,
"LABEL: value" lines (region, administration, population, ...), the award sentence with
edition, date, registration number and jury score, then the narrative.
"""

from __future__ import annotations

import re

from plugins.importers import textparse as tp
from registry.errors import DocumentRejected
from registry.hookspecs import hookimpl
from registry.importers import Source

AWARD_NAME = "ORU Fogar Regional Good Practices Award"

LABELS = tp.LabelTable(
    {
        "region": {"fr": ("Région",), "es": ("Región",), "en": ("Region",)},
        "administration": {
            "fr": ("Administration",),
            "es": ("Administración",),
            "en": ("Administration",),
        },
        "population": {"fr": ("Population",), "es": ("Población",), "en": ("Population",)},
        "start_date": {
            "fr": ("Date de début de la pratique",),
            "es": ("Fecha de inicio de la práctica",),
            "en": ("Practice start date", "Start date of the practice"),
        },
        "practice_type": {
            "fr": ("Type de pratique",),
            "es": ("Tipo de práctica",),
            "en": ("Practice type", "Type of practice"),
        },
        "beneficiaries": {
            "fr": ("Bénéficiaires",),
            "es": ("Beneficiarios", "Beneficiarias"),
            "en": ("Beneficiaries",),
        },
        "website": {
            "fr": ("Site web", "Site internet"),
            "es": ("Sitio web", "Página web"),
            "en": ("Website", "Web site"),
        },
    }
)

# practice_type enum from the folded words of TYPE DE PRATIQUE (word prefixes); else "other".
PRACTICE_TYPES = (
    ("technical_cooperation", ("cooperation technique", "cooperacion tecnica", "technical coop")),
    ("policy", ("politi", "policy", "policies", "estrategia", "strateg", "plan ")),
    ("programme", ("program",)),
    ("project", ("proje", "proyect")),
    ("service", ("servic",)),
    ("event", ("event", "evenement")),
)

# The award sentence, per language: how it starts and how each of its parts is written.
AWARD_SENTENCE = {
    "fr": {
        "start": r"pratique (?:soumise|présentée|primée)",
        "date": r"\ble\s+(.+?)\s*,?\s+avec\b",
        "registration": r"num[ée]ro d['’]enregistrement\s+(?:n[.ºo°]?\s*)?([\w/-]+)",
        "score": r"score total de\s+([\d.,\s\u202f]+?)\s*points",
    },
    "es": {
        "start": r"pr[áa]ctica (?:presentada|sometida|premiada)",
        "date": r"\bel\s+(.+?)\s*,?\s+con\b",
        "registration": r"n[úu]mero de registro\s+(?:n[.ºo°]?\s*)?([\w/-]+)",
        "score": r"puntuaci[óo]n total de\s+([\d.,\s]+?)\s*puntos",
    },
    "en": {
        "start": r"practice (?:submitted|presented|awarded)",
        "date": r"\bon\s+(.+?)\s*,?\s+with\b",
        "registration": r"registration (?:number|no\.?)\s+(?:n[.ºo°]?\s*)?([\w/-]+)",
        "score": r"total score of\s+([\d.,\s]+?)\s*points",
    },
}
_EDITION_RE = re.compile(
    r"^\s*(?:to\s+the\s+|au\s+|al\s+|à\s+la\s+|a\s+la\s+)?([IVXLC]+|\d+)(?:st|nd|rd|th|er|e|º|ª)?\b"
)
# Words of the sentence that say how the entry did (folded); "submitted" otherwise.
OUTCOMES = (
    ("winner", ("laureat", "lauréat", "ganador", "ganadora", "winner", "primee", "premiada")),
    ("finalist", ("finaliste", "finalista", "finalist")),
)
_AWARD_RES = {
    lang: {part: re.compile(pattern, re.IGNORECASE) for part, pattern in parts.items()}
    for lang, parts in AWARD_SENTENCE.items()
}
_FOLDED_OUTCOMES = tuple((name, tuple(map(tp.fold, words))) for name, words in OUTCOMES)
_PRACTICE_TYPE_RES = tuple(
    (practice_type, re.compile(r"\b(?:" + "|".join(map(re.escape, prefixes)) + ")"))
    for practice_type, prefixes in PRACTICE_TYPES
)
_SPACES_RE = re.compile(r"\s+")
_FINAL_STOP_RE = re.compile(r"[.!?:»\"”)]$")
_PARENTHESES_RE = re.compile(r"\(([^()]+)\)")
# "\bORU\b", written to start with the letters so that the search skips to each "ORU".
_ORU_RE = re.compile(r"ORU\b(?<!\wORU)")
# Footer lines of the published entries.
_FOOTER_RE = re.compile(
    r"^\s*(?:©|\(c\)|all rights reserved|todos los derechos|tous droits)", re.IGNORECASE
)
# A planned (not yet reached) figure is announced by one of these folded words.
PLANNED_WORDS = (
    "objectif",
    "prevoit",
    "prevu",
    "vise a",
    "meta",
    "se espera",
    "prevista",
    "target",
    "will ",
    "expected",
    "aims to",
)


class OruFogarImporter:
    """Reads one ORU Fogar award entry into one record."""

    name = "oru_fogar"
    version = "1.0"

    def sniff(self, text: str) -> float:
        """Confident when several of the entry's "LABEL: value" lines and ORU are present."""
        keys = set()
        for line in text.splitlines()[:60]:
            # A label with its value has a colon.
            if ":" in line and (match := LABELS.match(line)) and match.value:
                keys.add(match.key)
        score = 0.15 * len(keys)
        if _ORU_RE.search(text):
            score += 0.3
        return min(1.0, score) if len(keys) >= 2 else min(0.1, score)

    def parse(self, text: str, source: Source) -> list[dict]:
        """The one practice the entry describes."""
        lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
        lines = [line for line in lines if not _FOOTER_RE.match(line)]
        title, fields, rest = _split(lines)
        if not title:
            raise DocumentRejected("the entry has no title line", field="title")
        values = {key: value for key, (_label, value) in fields.items()}
        raw = {label: value for label, value in fields.values() if value is not None}
        paragraphs = _paragraphs(rest)
        award_text, award_lang = _award_sentence(paragraphs)
        if award_text:
            paragraphs.remove(award_text)
        description = "\n\n".join(paragraphs) or None
        content = f"{title}\n{award_text or ''}\n{description or ''}"
        lang = tp.detect_language(content, _form_language(lines))
        award = _award(award_text, award_lang or lang) if award_text else None
        jurisdiction = _jurisdiction(values, award_text, lang)
        if not jurisdiction["name"] and not values.get("administration"):
            raise DocumentRejected(
                "neither RÉGION nor ADMINISTRATION is given: the jurisdiction is unknown",
                field="jurisdiction",
            )
        website = values.get("website")
        start_text = values.get("start_date")
        practice_type = values.get("practice_type")
        if award_text:
            raw["award"] = award_text
        registration = award["registration_no"] if award else None
        source_id = (
            f"{award['edition'] or ''}-{registration}".strip("-")
            if registration
            else tp.slugify(f"{jurisdiction['name'] or values.get('administration')} {title}")
        )
        narrative = description or ""
        record = {
            "language": lang,
            "title": {lang: title},
            "summary": None,
            "description": {lang: description} if description else None,
            "aims": [],
            "practice_type": _practice_type(practice_type) if practice_type else None,
            "status": "unknown",
            "start_date": tp.parse_date(start_text, lang) if start_text else None,
            "end_date": None,
            "period_text": None,
            "jurisdiction": jurisdiction,
            "lead_entity": {
                "name": values.get("administration"),
                "type": "regional_government",
                "website": website,
            },
            "implementing_unit": None,
            "contacts": [],
            "target_groups": tp.target_groups(values.get("beneficiaries")),
            "target_groups_text": values.get("beneficiaries"),
            "beneficiaries": _beneficiaries(narrative, lang),
            "stakeholders": [],
            "kpis": _kpis(narrative, lang),
            "resources": [],
            "events": [],
            "evaluations": [],
            "future_goals": [],
            "tags": [],
            "awards": [award] if award else [],
            "links": [{"url": website, "kind": "website"}] if website else [],
            "provenance": {
                "format": self.name,
                "source_id": source_id,
                "language": lang,
                "parser_version": self.version,
                "raw": {"title": title, **raw},
            },
        }
        return [record]


def _split(lines: list[str]) -> tuple[str | None, dict[str, tuple[str, str | None]], list[str]]:
    """(title, {key: (label as written, value)}, the other lines): labels are read until the
    first other line that follows them; lines between the title and the labels are kept."""
    title = None
    fields: dict[str, tuple[str, str | None]] = {}
    rest: list[str] = []
    in_body = False
    for line in lines:
        match = None if in_body else LABELS.match(line)
        if match:
            fields.setdefault(match.key, (match.label, match.value))
        elif title is None and not fields and line.strip():
            title = _SPACES_RE.sub(" ", line).strip()
        elif title is not None or fields:
            in_body = in_body or bool(fields and line.strip())
            rest.append(line)
    return title, fields, rest


def _form_language(lines: list[str]) -> str:
    """The language most labels are in (ADMINISTRATION is French and English alike)."""
    langs = [m.lang for line in lines if ":" in line and (m := LABELS.match(line)) and m.value]
    return max(set(langs), key=langs.count) if langs else "fr"


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs; a paragraph cut mid-sentence (no final stop, next one
    starting in lower case) is joined back to the next one."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and not _FINAL_STOP_RE.search(joined[-1]) and paragraph[:1].islower():
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined


def _award_sentence(paragraphs: list[str]) -> tuple[str | None, str | None]:
    for paragraph in paragraphs:
        for lang, patterns in _AWARD_RES.items():
            if patterns["start"].match(paragraph):
                return paragraph, lang
    return None, None


def _award(sentence: str, lang: str) -> dict:
    """The award entry: edition, year (from the submission date), registration no., score."""
    patterns = _AWARD_RES[lang]
    start = patterns["start"].match(sentence)
    after_start = sentence[start.end() :] if start else sentence
    edition = _EDITION_RE.match(after_start)
    date_match = patterns["date"].search(sentence)
    date = tp.parse_date(date_match[1], lang) if date_match else None
    registration = patterns["registration"].search(sentence)
    score = patterns["score"].search(sentence)
    folded = tp.fold(sentence)
    outcome = next(
        (name for name, words in _FOLDED_OUTCOMES if any(w in folded for w in words)),
        "submitted",
    )
    return {
        "award": AWARD_NAME,
        "edition": edition[1] if edition else None,
        "year": int(date[:4]) if date else None,
        "registration_no": registration[1].rstrip(".") if registration else None,
        "total_score": tp.parse_number(score[1], lang) if score else None,
        "outcome": outcome,
    }


def _jurisdiction(values: dict[str, str | None], award_text: str | None, lang: str) -> dict:
    """Region and country from "Jalisco, Mexique"; the country in the award sentence's
    parentheses ("... de Jalisco (Mexique) ...") when the region line has none."""
    region_text = values.get("region") or ""
    name, comma, country_text = region_text.rpartition(",")
    if not comma or tp.country_code(country_text.strip(), lang) is None:
        name, country_text = region_text, ""
    country = tp.country_code(country_text.strip(), lang) if country_text else None
    if country is None and award_text:
        for inside in _PARENTHESES_RE.findall(award_text):
            country = country or tp.country_code(inside.strip(), lang)
    name = name.strip() or None
    population = values.get("population")
    try:
        inhabitants = tp.parse_number(population, lang) if population else None
    except ValueError as exc:
        raise DocumentRejected(f"the population is not a number: {population!r}",
                               field="jurisdiction.population") from exc
    return {
        "name": name,
        "level": "region",
        "country": country,
        "subdivision": tp.subdivision_code(name, country) if name and country else None,
        "population": {"value": inhabitants, "year": None} if population else None,
    }


def _practice_type(text: str) -> str:
    folded = tp.fold(text) + " "
    for practice_type, pattern in _PRACTICE_TYPE_RES:
        if pattern.search(folded):
            return practice_type
    return "other"


def _planned(sentence: str) -> bool:
    folded = tp.fold(sentence)
    return any(word in folded for word in PLANNED_WORDS)


def _beneficiaries(narrative: str, lang: str) -> list[dict]:
    """Counts of people in the narrative ("plus de 35,000 femmes") as reached or planned."""
    return [
        {
            "value": count.value,
            "unit": count.unit,
            "kind": "planned" if _planned(count.sentence) else "reached",
            "period_start": None,
            "period_end": None,
            "description": count.clause,
        }
        for count in tp.find_counts(narrative, lang)
    ]


def _kpis(narrative: str, lang: str) -> list[dict]:
    """Each percentage in the narrative as an outcome KPI with one observation."""
    return [
        {
            "id": f"outcome-{n}",
            "name": share.clause,
            "kind": "outcome",
            "unit": "percent",
            "frequency": None,
            "direction": None,
            "observations": [
                {
                    "period_start": None,
                    "period_end": None,
                    "value": share.value,
                    "cumulative": None,
                }
            ],
        }
        for n, share in enumerate(tp.find_percentages(narrative, lang), start=1)
    ]


@hookimpl
def registry_importers() -> list[OruFogarImporter]:
    """Register the ORU Fogar award entry importer."""
    return [OruFogarImporter()]
