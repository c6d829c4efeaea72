"""Importer for the Venice Declaration good-practice form (Inclusive Cities for Sustainable
Families): a title line, a "(V.D.03) Education, ..." tag line, free text, then labelled fields
each on its own line followed by its value. Labels are read from a table in en/es/fr.
"""

from __future__ import annotations

import re

from plugins.importers import textparse as tp
from registry.errors import DocumentRejected
from registry.hookspecs import hookimpl
from registry.importers import Source

LABELS = tp.LabelTable(
    {
        "signatory": {
            "en": ("Official Name of Signatory", "Official Name of the Signatory"),
            "es": ("Nombre oficial del signatario", "Nombre oficial de la entidad firmante"),
            "fr": ("Nom officiel du signataire",),
        },
        "delegation": {"en": ("Delegation",), "es": ("Delegación",), "fr": ("Délégation",)},
        "website": {
            "en": ("Website of the Signatory",),
            "es": ("Sitio web del signatario", "Página web del signatario"),
            "fr": ("Site web du signataire", "Site internet du signataire"),
        },
        "presenter_name": {
            "en": ("Name of the person presenting the Good Practice",),
            "es": ("Nombre de la persona que presenta la Buena Práctica",),
            "fr": ("Nom de la personne qui présente la Bonne Pratique",),
        },
        "presenter_position": {
            "en": ("Position/Job Title of person presenting the Good Practice",),
            "es": ("Cargo de la persona que presenta la Buena Práctica",),
            "fr": ("Poste/Fonction de la personne qui présente la Bonne Pratique",),
        },
        "aim": {
            "en": ("Aim of the Good Practice",),
            "es": ("Objetivo de la Buena Práctica",),
            "fr": ("Objectif de la Bonne Pratique",),
        },
        "target_group": {
            "en": ("Target Group of the Good Practice",),
            "es": (
                "Grupo destinatario de la Buena Práctica",
                "Población objetivo de la Buena Práctica",
            ),
            "fr": ("Groupe cible de la Bonne Pratique", "Public cible de la Bonne Pratique"),
        },
        "monitoring_report": {
            "en": ("Annual Monitoring Report",),
            "es": ("Informe anual de seguimiento", "Informe anual de monitoreo"),
            "fr": ("Rapport annuel de suivi",),
        },
        "period": {
            "en": ("Implementation period",),
            "es": ("Periodo de implementación", "Período de implementación"),
            "fr": ("Période de mise en œuvre", "Période de mise en oeuvre"),
        },
        "consistency": {
            "en": ("Consistency over time",),
            "es": ("Continuidad en el tiempo", "Constancia en el tiempo"),
            "fr": ("Continuité dans le temps", "Cohérence dans le temps"),
        },
        "evaluation": {
            "en": ("Evaluation of the Good Practice",),
            "es": ("Evaluación de la Buena Práctica",),
            "fr": ("Évaluation de la Bonne Pratique",),
        },
        "stakeholders": {
            "en": ("Key stakeholders and partnerships",),
            "es": ("Actores clave y alianzas",),
            "fr": ("Principaux acteurs et partenariats", "Acteurs clés et partenariats"),
        },
        "future_goal": {
            "en": ("Future Goal {n}",),
            "es": ("Objetivo futuro {n}", "Meta futura {n}"),
            "fr": ("Objectif futur {n}",),
        },
    }
)

# How a signatory's name says what kind of jurisdiction it is: (folded prefix, level, type).
JURISDICTION_PREFIXES = (
    ("city of", "municipality", "local_government"),
    ("municipality of", "municipality", "local_government"),
    ("town of", "municipality", "local_government"),
    ("ciudad de", "municipality", "local_government"),
    ("municipio de", "municipality", "local_government"),
    ("ayuntamiento de", "municipality", "local_government"),
    ("alcaldia de", "municipality", "local_government"),
    ("ville de", "municipality", "local_government"),
    ("mairie de", "municipality", "local_government"),
    ("commune de", "municipality", "local_government"),
    ("region of", "region", "regional_government"),
    ("state of", "region", "regional_government"),
    ("province of", "region", "regional_government"),
    ("region de", "region", "regional_government"),
    ("estado de", "region", "regional_government"),
    ("gobierno del estado de", "region", "regional_government"),
    ("provincia de", "region", "regional_government"),
    ("province de", "region", "regional_government"),
)

# KPI frequency from the words of "KPI per Month" and its translations (folded word prefixes).
FREQUENCIES = (
    ("monthly", ("month", "mes", "mensual", "mois", "mensuel", "mensal")),
    ("quarterly", ("quarter", "trimestr")),
    ("weekly", ("week", "semana", "semaine", "hebdo")),
    ("annual", ("year", "annual", "ano", "anual", "annee", "annuel")),
)

# Quarters as written before a figure: "Q1", "T2" (trimestre), "Quarter 3", "1st quarter".
_QUARTER_RE = re.compile(
    r"\b(?:q|t|quarter|trimestre)\s*([1-4])\b"
    r"|\b([1-4])(?:st|nd|rd|th|er|e|o|º)?\s+(?:quarter|trimestre)\b",
    re.IGNORECASE,
)
# The figure after a month or quarter, with the year when the row gives one ("Jan 2024: 120").
_VALUE_AFTER_RE = re.compile(
    r"^\s*(?:(?P<year>(?:19|20)\d{2})(?!\d)\s*)?[:=|\t-]?\s*"
    r"(?P<value>[-+]?\d[\d.,\u00a0\u202f]*\d|\d)"
)
_TAG_RE = re.compile(r"\(\s*V\.?\s*D\.?\s*(\d{1,2})\s*\)\s*([^,(\n]*)", re.IGNORECASE)
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_DOUBLE_QUOTES_RE = re.compile(r"[\"“”«»„]")
_BULLET_RE = re.compile(r"^\s*(?:[•\-*·▪●]|\d+[.)])\s+")
_SPACES_RE = re.compile(r"\s+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_NAME_AND_COUNTRY_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_YEAR_RE = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_WORD_RE = re.compile(r"[^\W\d_]+\.?")
_SHORT_DATE_RE = re.compile(r"[\w\s,./-]{0,30}")


class VeniceFormImporter:
    """Reads one Venice Declaration form into one record."""

    name = "venice_form"
    version = "1.0"

    def sniff(self, text: str) -> float:
        """Confident when several form labels stand on their own lines, more with V.D. tags."""
        keys = {m.key for line in text.splitlines()[:400] if (m := LABELS.match(line))}
        score = 0.12 * len(keys) + (0.3 if _TAG_RE.search(text[:3000]) else 0.0)
        return min(1.0, score) if len(keys) >= 2 else min(0.2, score)

    def parse(self, text: str, source: Source) -> list[dict]:
        """The one practice the form describes."""
        lines = text.replace("\r\n", "\n").split("\n")
        head, fields = _split_fields(lines)
        head = [line for line in head if line.strip()]
        if not head:
            raise DocumentRejected("the form has no title line before its fields", field="title")
        title = _SPACES_RE.sub(" ", _DOUBLE_QUOTES_RE.sub("", head[0])).strip(" '‘’")
        if not title:
            raise DocumentRejected("the form has an empty title line", field="title")
        tags, body = _tags_and_body(head[1:])
        values = {key: value for key, _, value in fields if key != "future_goal"}
        if not values.get("signatory"):
            raise DocumentRejected(
                "no 'Official Name of Signatory' value: the jurisdiction is unknown",
                field="jurisdiction",
            )
        label_langs = [lang for _, lang, _ in (f[1] for f in fields)]
        form_lang = max(set(label_langs), key=label_langs.count) if label_langs else "en"
        # The language of the whole content (these texts one per line), and of each text that
        # is localised: each text's words are counted once and the whole's scores summed.
        content = [title, body, *(v for _, _, v in fields if v)]
        scores = {piece: tp.language_scores(piece) for piece in content}
        lang = tp.best_language(tp.combined_scores(scores[piece] for piece in content), form_lang)

        def loc(value: str | None) -> dict | None:
            if not value:
                return None
            if value not in scores:
                scores[value] = tp.language_scores(value)
            return {tp.best_language(scores[value], lang): value}

        jurisdiction, lead_entity = _jurisdiction(values["signatory"], values.get("delegation"))
        website = values.get("website")
        lead_entity["website"] = website
        period = values.get("period")
        start, end = tp.parse_period(period, lang) if period else (None, None)
        record = {
            "language": lang,
            "title": loc(title),
            "summary": None,
            "description": loc(body or None),
            "aims": [loc(aim) for aim in _items(values.get("aim"))],
            "practice_type": None,
            "status": "unknown",
            "start_date": start,
            "end_date": end,
            "period_text": period,
            "jurisdiction": jurisdiction,
            "lead_entity": lead_entity,
            "implementing_unit": values.get("delegation"),
            "contacts": _contacts(values),
            "target_groups": tp.target_groups(values.get("target_group")),
            "target_groups_text": values.get("target_group"),
            "beneficiaries": [],
            "stakeholders": [_stakeholder(item) for item in _items(values.get("stakeholders"))],
            "kpis": _kpis(values.get("consistency"), start, lang),
            "resources": [],
            "events": [],
            "evaluations": _evaluations(values, lang),
            "future_goals": [
                loc(value)
                for _, _, value in sorted(
                    (f for f in fields if f[0] == "future_goal" and f[2]),
                    key=lambda f: f[1][2] or 0,
                )
            ],
            "tags": tags,
            "awards": [],
            "links": [{"url": website, "kind": "website"}]
            if website and _URL_RE.match(website)
            else [],
            "provenance": {
                "format": self.name,
                "source_id": tp.slugify(f"{values['signatory']} {title}"),
                "language": lang,
                "parser_version": self.version,
                "raw": {
                    "title": head[0].strip(),
                    **({"tags": head[1].strip()} if tags else {}),
                    **{label[0]: value for _, label, value in fields if value is not None},
                },
            },
        }
        return [record]


def _split_fields(
    lines: list[str],
) -> tuple[list[str], list[tuple[str, tuple[str, str, int | None], str | None]]]:
    """(lines before the first label, [(key, (label, lang, number), value or None)])."""
    head: list[str] = []
    fields: list[tuple[str, tuple[str, str, int | None], list[str]]] = []
    for line in lines:
        match = LABELS.match(line)
        if match:
            fields.append((match.key, (match.label, match.lang, match.number), [match.value or ""]))
        elif fields:
            fields[-1][2].append(line)
        else:
            head.append(line)
    return head, [(key, label, _clean(value)) for key, label, value in fields]


def _clean(lines: list[str]) -> str | None:
    """A field's lines as one text: outer blank lines dropped, inner runs of blanks made one."""
    text = "\n".join(map(str.rstrip, lines)).strip()
    # With the lines right-stripped, a run of blank lines is two line breaks or more.
    return (_BLANK_LINES_RE.sub("\n\n", text) if "\n\n" in text else text) or None


def _tags_and_body(lines: list[str]) -> tuple[list[dict], str]:
    """V.D. tags from the first line after the title when it has them; the rest is free text."""
    tags = []
    if lines and _TAG_RE.search(lines[0]):
        for number, label in _TAG_RE.findall(lines[0]):
            tags.append(
                {
                    "scheme": "venice_declaration",
                    "code": f"V.D.{int(number):02d}",
                    "label": label.strip() or None,
                }
            )
        lines = lines[1:]
    body = "\n".join(_bulleted(line, "• ").strip() for line in lines)
    return tags, body.strip()


def _bulleted(line: str, bullet: str) -> str:
    """``line`` with the bullet or number it starts with ("•", "-", "1.", "2)") as ``bullet``;
    the bullet pattern is anchored, so one match at the start is all a substitution finds."""
    match = _BULLET_RE.match(line)
    return bullet + line[match.end() :] if match else line


def _items(text: str | None) -> list[str]:
    """A field's bullet points or lines as separate items; plain prose stays one item."""
    if not text:
        return []
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1:
        return [_bulleted(line, "").strip() for line in lines]
    return [text.strip()]


def _jurisdiction(signatory: str, delegation: str | None) -> tuple[dict, dict]:
    """Jurisdiction and lead entity from "City of San Luis Potosí (Mexico)"."""
    match = _NAME_AND_COUNTRY_RE.match(signatory)
    name, country_text = (match[1], match[2]) if match else (signatory, None)
    country = tp.country_code(country_text) if country_text else None
    if country is None and delegation:
        country = tp.country_code(delegation)
    place, level, entity_type = name, "other", None
    folded = tp.fold(name)
    for prefix, prefix_level, prefix_type in JURISDICTION_PREFIXES:
        if folded.startswith(prefix + " "):
            place, level, entity_type = name[len(prefix) + 1 :].strip(), prefix_level, prefix_type
            break
    else:
        if tp.country_code(name):
            country, level, entity_type = tp.country_code(name), "country", "national_government"
    subdivision = tp.subdivision_code(place, country) if country and level != "country" else None
    jurisdiction = {
        "name": place,
        "level": level,
        "country": country,
        "subdivision": subdivision,
        "population": None,
    }
    return jurisdiction, {"name": name, "type": entity_type, "website": None}


def _contacts(values: dict[str, str | None]) -> list[dict]:
    name, position = values.get("presenter_name"), values.get("presenter_position")
    if not (name or position):
        return []
    return [{"name": name, "position": position, "email": None, "phone": None, "public": False}]


def _stakeholder(item: str) -> dict:
    """ "Name: what they bring" or just a name."""
    name, colon, contribution = item.partition(":")
    return {
        "name": name.strip() if colon else item,
        "role": "stakeholder",
        "contribution": contribution.strip() or None if colon else None,
    }


def _frequency(text: str) -> str | None:
    words = tp.fold(text).split()
    for frequency, prefixes in FREQUENCIES:
        if any(word.startswith(prefix) for word in words for prefix in prefixes):
            return frequency
    return None


def _kpis(text: str | None, start: str | None, lang: str) -> list[dict]:
    """The "Consistency over time" KPI: its frequency and any per-period figures after it."""
    if not text:
        return []
    first, _, rest = text.partition("\n")
    frequency = _frequency(first)
    _, colon, detail = first.partition(":")
    kpi_name = detail.strip() if colon and detail.strip() else first.strip()
    year = _first_year(first) or (int(start[:4]) if start else None)
    if frequency == "quarterly":
        observations = _quarter_observations(rest, year, lang)
    else:
        observations = _month_observations(rest, year, lang)
    return [
        {
            "id": "consistency",
            "name": kpi_name,
            "kind": None,
            "unit": None,
            "frequency": frequency,
            "direction": None,
            "observations": observations,
        }
    ]


def _first_year(text: str) -> int | None:
    match = _YEAR_RE.search(text)
    return int(match[0]) if match else None


def _month_observations(text: str, year: int | None, lang: str) -> list[dict]:
    """One observation per "January: 120" (or a table row "Enero | 120"), in order; the year
    moves on when the months wrap (November, December, January)."""
    observations = []
    previous = 0
    for match in _WORD_RE.finditer(text):
        month = tp.month_number(match[0], lang)
        value = _VALUE_AFTER_RE.match(text[match.end() :])
        if month is None or value is None:
            continue
        if value["year"]:
            year = int(value["year"])
        elif year is not None and month < previous:
            year += 1
        if year is None:
            continue
        previous = month
        period = f"{year:04d}-{month:02d}"
        observations.append(_observation(period, period, value["value"], lang))
    return observations


def _quarter_observations(text: str, year: int | None, lang: str) -> list[dict]:
    observations = []
    for match in _QUARTER_RE.finditer(text):
        value = _VALUE_AFTER_RE.match(text[match.end() :])
        if value is None:
            continue
        year = int(value["year"]) if value["year"] else year
        if year is None:
            continue
        quarter = int(match[1] or match[2])
        start, end = f"{year:04d}-{3 * quarter - 2:02d}", f"{year:04d}-{3 * quarter:02d}"
        observations.append(_observation(start, end, value["value"], lang))
    return observations


def _observation(start: str, end: str, value: str, lang: str) -> dict:
    return {
        "period_start": start,
        "period_end": end,
        "value": tp.parse_number(value, lang),
        "cumulative": None,
    }


def _evaluations(values: dict[str, str | None], lang: str) -> list[dict]:
    """The evaluation text, and the annual monitoring report (its date, or its words)."""
    evaluations = []
    if values.get("evaluation"):
        evaluations.append(
            {"type": "evaluation", "summary": values["evaluation"], "date": None, "url": None}
        )
    report = values.get("monitoring_report")
    if report:
        date = tp.parse_date(report, lang)
        url = next((w for w in report.split() if _URL_RE.match(w)), None)
        only_date = date is not None and _SHORT_DATE_RE.fullmatch(report) is not None
        evaluations.append(
            {
                "type": "monitoring_report",
                "summary": None if only_date else report,
                "date": date,
                "url": url,
            }
        )
    return evaluations


@hookimpl
def registry_importers() -> list[VeniceFormImporter]:
    """Register the Venice Declaration form importer."""
    return [VeniceFormImporter()]
