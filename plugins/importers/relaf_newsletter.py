"""Importer for the RELAF newsletter's "Technical Cooperation" sections.

A document holds one or more country sections, each opened by a "Mexico | November - December
2016" line. Each section is the work of that period in that country and becomes one
``technical_cooperation`` record: its dated activities become events (the year comes from the
period), the organisations it names become partners, and the programmes it names become
keyword tags. People named in the text stay in the description only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TypeVar

from babel.dates import get_month_names

from plugins.importers import textparse as tp
from registry.errors import DocumentRejected
from registry.hookspecs import hookimpl
from registry.importers import Source

LEAD_ENTITY = "RELAF"

# The newsletter heading per language; it also tells the document's language.
HEADINGS = {
    "en": "Technical Cooperation",
    "es": "Cooperación Técnica",
    "fr": "Coopération technique",
}

# Closing appeals for donations, not part of the work reported.
APPEALS = {
    "en": r"^With your (?:help|support)\b",
    "es": r"^Con (?:tu|su) (?:ayuda|apoyo)\b",
    "fr": r"^(?:Avec|Grâce à) votre (?:aide|soutien)\b",
}

# A dated activity: "On December 8", "April, 21", "el 8 de diciembre", "le 8 décembre".
# {M} stands for the language's month names; "prep" is dropped from the event's title.
DATES = {
    "en": r"(?P<prep>\b(?i:on|during|by)\s+)?(?P<date>\b(?:{M}),?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
          r"(?:,?\s+\d{{4}})?|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{M})\b(?:,?\s+\d{{4}})?)",
    "es": r"(?P<prep>\b(?i:durante\s+el|desde\s+el|el)\s+)?"
          r"(?P<date>\b\d{{1,2}}º?\s+de\s+(?i:{M})\b(?:\s+de(?:l)?\s+\d{{4}})?)",
    "fr": r"(?P<prep>\b(?i:le|du|dès\s+le)\s+)?(?P<date>\b(?:1er|\d{{1,2}})\s+(?i:{M})\b"
          r"(?:\s+\d{{4}})?)",
}

# How an activity sentence becomes a short title: drop the opening aside ("Regarding the
# support we provide, ..."), courtesy phrases and empty verbs ("was carried out"), then cut
# at the first punctuation, place, or clause that adds purpose or people (CUTS; the place
# is looked for only before those clauses, where it is not part of someone's job title).
INTROS = {
    "en": r"^(?:with\s+respect\s+to|with\s+regards?\s+to|regarding|as\s+for|likewise|"
          r"furthermore|moreover|in\s+addition|also)\b[^,]*,\s*",
    "es": r"^(?:con\s+respecto\s+a|con\s+relación\s+a|respecto\s+(?:a|de)|en\s+cuanto\s+a|"
          r"asimismo|además|por\s+otra\s+parte|en\s+relación\s+con)\b[^,]*,\s*",
    "fr": r"^(?:en\s+ce\s+qui\s+concerne|concernant|quant\s+(?:à|au|aux)|par\s+ailleurs|"
          r"de\s+plus|en\s+outre|de\s+même|s['’]agissant\s+d[eu])\b[^,]*,\s*",
}
COURTESIES = {
    "en": r"\bwe\s+are\s+(?:very\s+)?(?:glad|pleased|happy|proud)\s+to\s+(?:let\s+you\s+know|"
          r"announce|inform\s+you|report)\s+that\s+",
    "es": r"\b(?:nos\s+(?:complace|alegra)|tenemos\s+el\s+gusto\s+de)\s+(?:informar(?:les)?|"
          r"anunciar(?:les)?|comunicar(?:les)?)\s+que\s+",
    "fr": r"\bnous\s+(?:sommes\s+(?:très\s+)?(?:heureux|ravis|fiers)|avons\s+le\s+plaisir)\s+"
          r"de\s+vous\s+(?:annoncer|informer|faire\s+savoir)\s+que\s+",
}
EMPTY_VERBS = {
    "en": r"\s+(?:(?:was|were)\s+(?:carried\s+out|held|conducted)|took\s+place)\b",
    "es": r"\s*\b(?:se\s+llevó\s+a\s+cabo|se\s+realizó|se\s+celebró|tuvo\s+lugar|"
          r"fue\s+realizad[oa])\b",
    "fr": r"\s*\b(?:a\s+eu\s+lieu|s['’]est\s+(?:tenue?|déroulée?)|a\s+été\s+(?:réalisée?|menée?))"
          r"(?!\w)",
}
CUTS = {
    "en": r"\s+(?:in\s+order\s+to|with\s+the\s+(?:aim|goal|purpose|presence|participation|"
          r"support)|and\s+included|including|which|where|under\s+the\s+responsibility)\b",
    "es": r"\s+(?:con\s+(?:el\s+)?(?:fin|objetivo|propósito)|a\s+fin\s+de|con\s+la\s+"
          r"(?:presencia|participación)|y\s+contó\s+con|en\s+la\s+que|donde)\b",
    "fr": r"\s+(?:afin\s+de?|dans\s+le\s+but|en\s+présence|avec\s+la\s+participation|"
          r"qui|où)\b",
}
ARTICLES = {
    "en": r"^(?:the|a|an)\s+",
    "es": r"^(?:el|la|los|las|un|una)\s+",
    "fr": r"^(?:le|la|les|un|une)\s+|^l['’]",
}
# A title that only points back at the previous sentence ("The launching event ...").
ANAPHORA = {
    "en": r"^(?:the|this)\s+(?:launch(?:ing)?\s+)?(?:event|launch|ceremony)$",
    "es": r"^(?:el|este|dicho)\s+(?:(?:evento|acto)(?:\s+de\s+lanzamiento)?|lanzamiento)$",
    "fr": r"^(?:l['’]|cet\s+|ce\s+|le\s+)(?:événement|évènement|lancement|cérémonie)$",
}

# Where an activity took place: a locative phrase (also where a title is cut), or a state
# or city the activity went to.
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:(?:de|del|la|los)\s+)?[A-ZÀ-ÖØ-Þ][\w'’-]*)*"
LOCATIVES = {
    "en": rf"\s+in\s+(?:the\s+(?:state|city|municipality|province)\s+of\s+)?"
          rf"(?P<place>{_NAME}(?:,\s*{_NAME})?)",
    "es": rf"\s+en\s+(?:el\s+estado\s+de\s+|la\s+ciudad\s+de\s+|el\s+municipio\s+de\s+)?"
          rf"(?P<place>{_NAME}(?:,\s*{_NAME})?)",
    "fr": rf"\s+(?:à|au|en|dans\s+l['’]État\s+d[eu]|dans\s+la\s+ville\s+de)\s+"
          rf"(?P<place>{_NAME}(?:,\s*{_NAME})?)",
}
DESTINATIONS = {
    "en": rf"\bto\s+the\s+(?:state|city|municipality|province)\s+of\s+(?P<place>{_NAME})",
    "es": rf"\b(?:al|el)\s+estado\s+de\s+(?P<place>{_NAME})",
    "fr": rf"\bl['’]État\s+d[eu]\s+(?P<place>{_NAME})",
}

# Lists of organisations: after these words ("organised by A and B"), or before them
# ("A, B and C all participated").
PARTNER_LISTS = {
    "en": r"\b(?:organi[sz]ed\s+by|along\s+with|together\s+with|such\s+as|in\s+partnership\s+"
          r"with|in\s+collaboration\s+with|with\s+the\s+support\s+of|included\s+the\s+presence\s+"
          r"of|jointly\s+with)\s+",
    "es": r"\b(?:organizad[oa]s?\s+por|junto\s+(?:con|a)|tales\s+como|en\s+alianza\s+con|"
          r"en\s+colaboración\s+con|con\s+el\s+apoyo\s+de|contó\s+con\s+la\s+presencia\s+de)\s+",
    "fr": r"\b(?:organisée?s?\s+par|aux\s+côtés\s+d[eu]|en\s+partenariat\s+avec|en\s+collaboration"
          r"\s+avec|avec\s+le\s+soutien\s+d[eu]|tel(?:le)?s?\s+que|conjointement\s+avec|"
          r"a\s+compté\s+sur\s+la\s+présence\s+d[eu])\s+",
}
PARTNER_LISTS_BEFORE = {
    "en": r"\s+(?:have\s+)?all\s+participated\b",
    "es": r"\s+(?:participaron\s+(?:todas|todos|también)|todas\s+participaron)\b",
    "fr": r"\s+ont\s+(?:toutes?|tous|également)\s+participé\b",
}
# The words in lower case that each alternative of a PARTNER_LISTS (PARTNER_LISTS_BEFORE)
# pattern needs, all of them; a sentence with none of these sets is not searched. None has an
# "i" or an "s": ignoring case, a pattern matches them as "ı", "İ" or "ſ", which str.lower()
# does not turn back into them.
PARTNER_LIST_WORDS = {
    "en": (("organ", "by"), ("along",), ("together",), ("uch",), ("partner",), ("collabora",),
           ("upport",), ("nclude", "ence"), ("jo", "ntly")),
    "es": (("organ", "por"), ("junto",), ("tale", "como"), ("al", "anza", "con"),
           ("colabora",), ("apoyo",), ("contó",)),
    "fr": (("organ", "par"), ("aux", "côté"), ("partenar", "avec"), ("collabora", "avec"),
           ("avec", "out", "le"), ("tel", "que"), ("conjo", "avec"), ("compté",)),
}
PARTNER_LIST_BEFORE_WORDS = {"en": (("all", "pated"),), "es": (("paron",),), "fr": (("ont", "pé"),)}
_LIST_SPLIT = r",\s*(?:and\s+|y\s+|et\s+)?|\s+(?:and|y|et)\s+"
# Words that make a list item a person ("Matilde Luna (Director of RELAF)"), not a partner.
ROLE_WORDS = (
    r"Director|Directora|Directeur|Directrice|Governor|Gobernador|Gouverneur|Coordinator|"
    r"Coordinador|Coordinadora|Coordinat(?:eur|rice)|Representative|Representante|Représentant|"
    r"President|Presidente|Présidente?|Secretary|Secretari[oa]|Secrétaire|Consultant|"
    r"Consultora?|Minister|Ministr[oa]|Ministre|Mayor|Alcalde(?:sa)?|Maire"
)
# Trailing words that name a part of a partner, not another partner ("RELAF members").
MEMBER_WORDS = r"members|team|teams|offices|staff|miembros|equipos?|membres|équipes?"
# Capitals that are not organisations.
NOT_ORGANISATIONS = {"NGO", "NGOS", "ONG", "ONGS", "SDG", "ODS", "ODD", "COVID"}

# Programmes the text names: "Foster Care Programme (FCP)", under the name "Familias de Corazón".
PROGRAMMES = {
    "en": (
        # One to five capitalised words; the first written out so that a search skips to capitals.
        r"(?P<name>[A-Z][\w’'-]*\s+(?:[A-Z][\w’'-]*\s+){0,4}(?:Programme|Program|Project|Strategy))"
        r"\s*\((?P<acronym>[A-Z]{2,})\)",
        r"(?:under\s+the\s+name(?:\s+of)?|called|named|entitled|known\s+as)\s+"
        r"[“\"«]\s*(?P<name>[^”\"»]+?)\s*[”\"»]",
    ),
    "es": (
        r"(?P<name>(?:Programa|Proyecto|Estrategia)(?:\s+(?:(?:de|del|para|la|el)\s+)*"
        r"[A-ZÁÉÍÓÚÑ][\w’'-]*){1,5})\s*\((?P<acronym>[A-Z]{2,})\)",
        r"(?:bajo\s+el\s+nombre(?:\s+de)?|denominad[oa]|llamad[oa]|con\s+el\s+nombre\s+de)\s+"
        r"[“\"«]\s*(?P<name>[^”\"»]+?)\s*[”\"»]",
    ),
    "fr": (
        r"(?P<name>(?:Programme|Projet|Stratégie)(?:\s+(?:(?:de|du|des|la|le)\s+|d['’]|l['’])*"
        r"[A-ZÀ-Þ][\w’'-]*){1,5})\s*\((?P<acronym>[A-Z]{2,})\)",
        r"(?:sous\s+le\s+nom(?:\s+de)?|intitulée?|appelée?|dénommée?|baptisée?)\s+"
        r"[“\"«]\s*(?P<name>[^”\"»]+?)\s*[”\"»]",
    ),
}
# What every match of each PROGRAMMES pattern has in it, one of (case matters): a programme
# word, or an opening quote; a text without any is not searched.
_QUOTES = ("“", '"', "«")
PROGRAMME_WORDS = {
    "en": (("Program", "Project", "Strategy"), _QUOTES),
    "es": (("Programa", "Proyecto", "Estrategia"), _QUOTES),
    "fr": (("Programme", "Projet", "Stratégie"), _QUOTES),
}


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""``re.compile(pattern, flags)`` with a leading "\s+" written "\s\s*", which matches the
    same: a search skips ahead to where a pattern's first character can be, but not to where a
    repeat can start, so it would try every place."""
    if pattern.startswith(r"\s+"):
        pattern = r"\s\s*" + pattern.removeprefix(r"\s+")
    return re.compile(pattern, flags)


_SECTION_RE = re.compile(
    r"^[ \t]*(?P<country>[^\W\d_][^|\n]{0,60}?)[ \t]*\|[ \t]*(?P<period>[^|\n]*?\d{4})[ \t]*$",
    re.MULTILINE,
)
# The stop is matched and captured rather than looked behind for, so that a search skips to
# the stops.
_SENTENCE_END = re.compile(r"([.!?])\s+(?=[A-ZÀ-Þ¿¡“«\"])")
# "\b[A-Z][A-Z&]{2,}\b", written to start with the capital so that a search skips to capitals.
_ACRONYM_RE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z&]{2,}\b")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
_TOKEN_RE = re.compile(r"\s+([A-ZÀ-Þ][\w’'-]*)")
_POSSESSIVE_RE = re.compile(r"[’']s$")
_DIGIT_RE = re.compile(r"\d")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_ASIDE_RE = re.compile(r"\s*\(.*?\)")
_PARENTHESES_RE = re.compile(r"\s*\([^()]*\)")
_STOP_MARK_RE = re.compile(r"[,;:]")
_INSIDE_PARENTHESES_RE = re.compile(r"\(([^()]*)\)")
_YEAR_RE = re.compile(r"\d{4}")
_DOUBLE_COMMA_RE = re.compile(r",\s*,")
_LEADING_COMMA_RE = re.compile(r"^,\s*")
# "[\s.]+$", written so that a search skips to the spaces and stops.
_TRAILING_STOPS_RE = re.compile(r"[\s.][\s.]*$")
_SENTENCE_STOP_RE = re.compile(r"[.;](?:\s|$)")
_LIST_PIECES_RE = re.compile(rf"({_LIST_SPLIT}|[()])")
_LIST_SPLIT_RE = re.compile(_LIST_SPLIT)
_ITEM_ARTICLE_RE = re.compile(
    r"^(?:(?:de|del|du|des)\s+|d['’])?(?:(?:the|el|la|los|las|le|les)\s+|l['’])?", re.I
)
_ROLE_RE = re.compile(rf"\b(?:{ROLE_WORDS})\b")
_ROLE_WORD_RE = re.compile(ROLE_WORDS)
_TRAILING_ACRONYM_RE = re.compile(r"\b([A-Z]{2,})\s*$")
_MEMBER_RE = _compile(rf"\s+(?:{MEMBER_WORDS})$", re.I)

# The per-language pattern tables above, compiled once.
_APPEAL_RES = {lang: re.compile(pattern) for lang, pattern in APPEALS.items()}
_INTRO_RES = {lang: re.compile(pattern, re.I) for lang, pattern in INTROS.items()}
_COURTESY_RES = {lang: re.compile(pattern, re.I) for lang, pattern in COURTESIES.items()}
_EMPTY_VERB_RES = {lang: _compile(pattern, re.I) for lang, pattern in EMPTY_VERBS.items()}
_CUT_RES = {lang: _compile(pattern, re.I) for lang, pattern in CUTS.items()}
_ARTICLE_RES = {lang: re.compile(pattern, re.I) for lang, pattern in ARTICLES.items()}
_ANAPHORA_RES = {lang: re.compile(pattern, re.I) for lang, pattern in ANAPHORA.items()}
_LOCATIVE_RES = {lang: _compile(pattern) for lang, pattern in LOCATIVES.items()}
_DESTINATION_RES = {lang: re.compile(pattern) for lang, pattern in DESTINATIONS.items()}
_PARTNER_LIST_RES = {lang: re.compile(pattern, re.I) for lang, pattern in PARTNER_LISTS.items()}
_PARTNER_LIST_BEFORE_RES = {
    lang: _compile(pattern, re.I) for lang, pattern in PARTNER_LISTS_BEFORE.items()
}
_PROGRAMME_RES = {
    lang: tuple(zip(map(re.compile, patterns), PROGRAMME_WORDS[lang], strict=True))
    for lang, patterns in PROGRAMMES.items()
}
# Folded heading -> its language; reversed, so the first language wins a shared heading.
_FOLDED_HEADINGS = {tp.fold(heading): lang for lang, heading in reversed(HEADINGS.items())}

T = TypeVar("T")


class RelafNewsletterImporter:
    """Reads each country section of a RELAF "Technical Cooperation" newsletter."""

    name = "relaf_newsletter"
    version = "1.0"

    def sniff(self, text: str) -> float:
        """Sure with a "Country | Period" line and the heading; fairly sure with the line only."""
        # Every section line has a "|"; the first one naming a country is enough.
        if "|" not in text or not any(
            tp.country_code(m["country"]) for m in _section_lines(text)
        ):
            return 0.0
        return 0.95 if _heading(text) else 0.6

    def parse(self, text: str, source: Source) -> list[dict]:
        """One technical-cooperation record per country section."""
        text = text.replace("\r\n", "\n")
        sections = list(_section_lines(text))
        if not sections:
            raise DocumentRejected(
                "no 'Country | Period' section line (e.g. 'Mexico | November - December 2016')",
                field="jurisdiction",
            )
        heading = _heading(text)
        lang = heading[0] if heading else tp.detect_language(text, default="en")
        label = heading[1] if heading else HEADINGS.get(lang, HEADINGS["en"])
        records = []
        for i, match in enumerate(sections):
            end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
            records.append(self._section(match, text[match.end():end], lang, label))
        return records

    def _section(self, header: re.Match, body: str, lang: str, label: str) -> dict:
        country_name = header["country"].strip()
        country = tp.country_code(country_name, lang)
        if country is None:
            raise DocumentRejected(
                f"unknown country {country_name!r} in section line {header[0].strip()!r}",
                field="jurisdiction.country",
            )
        period = " ".join(header["period"].split())
        start, end = tp.parse_period(period, lang)
        if start is None or end is None:
            raise DocumentRejected(
                f"cannot read the period {period!r} of section {header[0].strip()!r}",
                field="period_text",
            )
        paragraphs = [" ".join(p.split()) for p in _BLANK_LINE_RE.split(body) if p.strip()]
        paragraphs = [p for p in paragraphs if not _table(_APPEAL_RES, lang).match(p)]
        description = "\n\n".join(paragraphs)
        sentences = [_sentences(paragraph) for paragraph in paragraphs]
        programmes = _programmes(description, lang)
        programme_acronyms = {acronym for _, acronym in programmes if acronym}
        raw = {
            "Heading": label,
            "Section": header[0].strip(),
            "Country": country_name,
            "Period": period,
            "Programmes": "; ".join(name for name, _ in programmes),
        }
        return {
            "language": lang,
            "title": {lang: f"{label} — {country_name}, {period}"},
            "summary": {lang: paragraphs[0]} if paragraphs else None,
            "description": {lang: description} if description else None,
            "aims": [],
            "practice_type": "technical_cooperation",
            "status": "completed",  # a section reports the work of a period that has ended
            "start_date": start,
            "end_date": end,
            "period_text": period,
            "jurisdiction": {"name": country_name, "level": "country", "country": country,
                             "subdivision": None, "population": None},
            "lead_entity": {"name": LEAD_ENTITY, "type": None, "website": None},
            "implementing_unit": None,
            "contacts": [],
            "target_groups": [],
            "target_groups_text": None,
            "beneficiaries": [],
            "stakeholders": [
                {"name": name, "role": "partner", "contribution": None}
                for name in _partners(description, _run_on(paragraphs, sentences), lang,
                                      programme_acronyms)
            ],
            "kpis": [],
            "resources": [],
            "events": _events(sentences, lang, start, end),
            "evaluations": [],
            "future_goals": [],
            "tags": [
                {"scheme": "keyword", "code": tp.slugify(_ASIDE_RE.sub("", name)),
                 "label": name}
                for name, _ in programmes
            ],
            "awards": [],
            "links": [],
            "provenance": {
                "format": self.name,
                "source_id": f"relaf:{country}:{start}/{end}",
                "language": lang,
                "parser_version": self.version,
                "raw": {key: value for key, value in raw.items() if value},
            },
        }


def _section_lines(text: str) -> Iterator[re.Match[str]]:
    """``_SECTION_RE.finditer(text)``: a section line has a "|", so only the lines with one are
    tried, from their start."""
    starts = []
    bar = text.find("|")
    while bar != -1:
        starts.append(text.rfind("\n", 0, bar) + 1)
        line_end = text.find("\n", bar)
        bar = text.find("|", line_end) if line_end != -1 else -1
    return tp.matches_at(_SECTION_RE, text, starts)


def _heading(text: str) -> tuple[str, str] | None:
    """(language, heading as written) of the newsletter heading line, if there is one."""
    for line in text.splitlines()[:20]:
        stripped = line.strip()
        lang = _FOLDED_HEADINGS.get(tp.fold(stripped))
        if lang is not None:
            return lang, stripped
    return None


def _sentences(paragraph: str) -> list[str]:
    # The split gives sentence, stop, sentence, ...: each stop goes back on its sentence.
    parts = _SENTENCE_END.split(paragraph)
    sentences = map(str.__add__, parts[::2], [*parts[1::2], ""])
    return [s.strip() for s in sentences if s.strip()]


def _run_on(paragraphs: list[str], sentences: list[list[str]]) -> list[str]:
    """``_sentences(" ".join(paragraphs))`` from the ``sentences`` of each paragraph: the last
    sentence of a paragraph runs on into the next one unless a sentence end is between them."""
    joined: list[str] = []
    for i, own in enumerate(sentences):
        if i and not _SENTENCE_END.match(f"{paragraphs[i - 1][-1]} {paragraphs[i][0]}"):
            joined[-1] = f"{joined[-1]} {own[0]}"
            own = own[1:]
        joined += own
    return joined


def _table(table: dict[str, T], lang: str) -> T:
    return table.get(lang, table["en"])


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``words``: a pattern that needs one is worth trying."""
    return any(map(text.__contains__, words))


def _present(needs: tuple[tuple[str, ...], ...], text: str) -> tuple[tuple[str, ...], ...]:
    """The sets of ``needs`` all of whose words are in ``text``. A pattern each alternative of
    which needs the words of one set cannot match without one present, and a part of ``text``
    (a sentence) can only have these."""
    return tuple(words for words in needs if all(map(text.__contains__, words)))


# -- events ---------------------------------------------------------------------------------


@cache
def _month_names(lang: str) -> frozenset[str]:
    """The wide month names of ``lang`` from CLDR, in dates and standing alone."""
    names: set[str] = set()
    for context in ("format", "stand-alone"):
        names |= set(get_month_names("wide", context=context, locale=lang).values())
    return frozenset(names)


@cache
def _date_re(lang: str) -> re.Pattern[str]:
    """Day-and-month mentions in ``lang``, month names from CLDR."""
    names = _month_names(lang)
    months = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return re.compile(_table(DATES, lang).format(M=months))


@cache
def _month_words(lang: str) -> tuple[str, ...]:
    """The longest piece of each month name of ``lang`` in lower case that has no "i" or "s"
    (see PARTNER_LIST_WORDS): a sentence with none of them names no month."""
    return tuple({max(re.split("[is]", name.lower()), key=len) for name in _month_names(lang)})


def _events(paragraphs: list[list[str]], lang: str, start: str, end: str) -> list[dict]:
    """Every sentence with a day and month, dated within the section's period; ``paragraphs``
    are the sentences of each paragraph."""
    events = []
    # Every date mention has a month and a digit (the day).
    lowered = " ".join(" ".join(sentences) for sentences in paragraphs).lower()
    months = tuple(filter(lowered.__contains__, _month_words(lang)))
    for sentences in paragraphs:
        for i, sentence in enumerate(sentences):
            mention = (
                _date_re(lang).search(sentence)
                if months and _has_any(sentence.lower(), months) and _DIGIT_RE.search(sentence)
                else None
            )
            if not mention:
                continue
            date = _resolve_date(mention["date"], lang, start, end)
            if date is None:
                continue
            previous = sentences[i - 1] if i else None
            title, place = _title_and_place(sentence, mention, previous, lang)
            events.append({"date": date, "title": title, "place": place})
    return sorted(events, key=lambda event: event["date"])


def _resolve_date(text: str, lang: str, start: str, end: str) -> str | None:
    """The date, its year taken from the period ("December 8" in Nov-Dec 2016 -> 2016-12-08);
    in a period across two years, months before the start month belong to the later year."""
    first_year, last_year = int(start[:4]), int(end[:4])
    date = tp.parse_date(text, lang, default_year=first_year)
    later = last_year > first_year and len(start) >= 7 and not _YEAR_RE.search(text)
    if date and later and len(date) >= 7 and int(date[5:7]) < int(start[5:7]):
        date = tp.parse_date(text, lang, default_year=last_year)
    return date


def _title_and_place(sentence: str, mention: re.Match, previous: str | None,
                     lang: str) -> tuple[str, str | None]:
    """A short title for a dated sentence and the place it names, if any."""
    rest = (sentence[: mention.start()] + " " + sentence[mention.end():]).strip()
    rest = " ".join(rest.split()).replace(" ,", ",")  # single spaces now: r"\s+," is " ,"
    rest = _LEADING_COMMA_RE.sub("", _DOUBLE_COMMA_RE.sub(",", rest))
    place = _place(sentence, lang)
    title = _shorten(rest, lang)
    if previous and _table(_ANAPHORA_RES, lang).match(title):
        title = _shorten(previous, lang)
        place = place or _place(previous, lang)
    title = _table(_ARTICLE_RES, lang).sub("", title, count=1)
    return title[:1].upper() + title[1:], place


def _shorten(text: str, lang: str) -> str:
    text = _table(_INTRO_RES, lang).sub("", text.strip(), count=1)
    text = _table(_COURTESY_RES, lang).sub("", text)
    text = _table(_EMPTY_VERB_RES, lang).sub("", text)
    text = _LEADING_COMMA_RE.sub("", text.strip())
    # Up to the first stop mark or CUTS clause: the earlier of two searches that skip ahead.
    cuts = (_STOP_MARK_RE.search(text), _table(_CUT_RES, lang).search(text))
    text = text[: min((cut.start() for cut in cuts if cut), default=len(text))]
    locative = _table(_LOCATIVE_RES, lang).search(" " + text)
    if locative:
        start, end = locative.start(), locative.end() - 1
        text = text[end:].strip() if start == 0 else text[:start]
    return _TRAILING_STOPS_RE.sub("", text)


def _without_parentheses(text: str) -> str:
    """``text`` without its asides in parentheses (and the spaces before them)."""
    return _PARENTHESES_RE.sub("", text) if "(" in text else text


def _place(sentence: str, lang: str) -> str | None:
    """The place named before any clause about purpose or people, parentheses left out."""
    sentence = _without_parentheses(sentence)
    sentence = _table(_CUT_RES, lang).split(sentence, maxsplit=1)[0]
    for pattern in (_table(_LOCATIVE_RES, lang), _table(_DESTINATION_RES, lang)):
        for match in pattern.finditer(sentence):
            place = match["place"]
            if not place.isupper() and not tp.month_number(place.split()[0], lang):
                return place
    return None


# -- partners and programmes ----------------------------------------------------------------


def _partners(
    text: str, sentences: list[str], lang: str, programme_acronyms: set[str]
) -> list[str]:
    """Organisations listed as partners or named by their acronym in the ``sentences`` of
    ``text``, in order of appearance."""
    names: list[str] = []
    lowered_text = text.lower()
    list_words = _present(_table(PARTNER_LIST_WORDS, lang), lowered_text)
    before_words = _present(_table(PARTNER_LIST_BEFORE_WORDS, lang), lowered_text)
    for sentence in sentences:
        lowered = sentence.lower()
        triggers = (
            list(_table(_PARTNER_LIST_RES, lang).finditer(sentence))
            if list_words and _present(list_words, lowered)
            else []
        )
        ends = [t.start() for t in triggers[1:]] + [len(sentence)]
        for trigger, end in zip(triggers, ends, strict=False):
            listed = sentence[trigger.end() : end]
            for item in _list_items(listed):
                if (name := _partner_name(item)) is None:
                    break
                names.append(name)
        if before_words and _present(before_words, lowered) and (
            before := _table(_PARTNER_LIST_BEFORE_RES, lang).search(sentence)
        ):
            names += [n for item in _list_items(sentence[: before.start()])
                      if (n := _partner_name(item))]
        names += _acronym_names(sentence)
    names = [n for n in names if n not in programme_acronyms]
    return _without_parts(names, text)


def _list_items(text: str) -> list[str]:
    """Items of "A, B (x, y) and C." up to the end of the sentence, parentheses kept whole."""
    text = _SENTENCE_STOP_RE.split(text, maxsplit=1)[0]
    items, depth, current = [], 0, ""
    for piece in _LIST_PIECES_RE.split(text):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        if depth == 0 and piece and _LIST_SPLIT_RE.fullmatch(piece):
            items.append(current)
            current = ""
        else:
            current += piece or ""
    return [item.strip() for item in [*items, current] if item.strip()]


def _partner_name(item: str) -> str | None:
    """An organisation's name from a list item, or None when the item is not one."""
    item = _ITEM_ARTICLE_RE.sub("", item.strip())
    inner = _INSIDE_PARENTHESES_RE.search(item)
    if inner and _ROLE_RE.search(inner[1]):
        return None
    acronym = _TRAILING_ACRONYM_RE.search(inner[1]) if inner else None
    name = acronym[1] if acronym else _without_parentheses(item)
    name = _MEMBER_RE.sub("", name.strip())
    if not name or not (name[0].isupper() or name[0].isdigit()) or len(name.split()) > 8:
        return None
    if _ROLE_RE.search(name):
        return None
    return name


def _acronym_names(sentence: str) -> list[str]:
    """"UNICEF Mexico", "DIF Tabasco", "RELAF": an acronym and the capitalised words after it,
    unless those words are someone's job title ("RELAF Project Coordinator")."""
    names = []
    for match in _ACRONYM_RE.finditer(sentence):
        acronym = match[0]
        if acronym in NOT_ORGANISATIONS or _ROMAN_RE.match(acronym):
            continue
        run, position = [], match.end()
        while len(run) < 3 and (token := _TOKEN_RE.match(sentence, position)):
            if tp.month_number(token[1], "en"):
                break
            run.append(_POSSESSIVE_RE.sub("", token[1]))
            position = token.end()
            if _POSSESSIVE_RE.search(token[1]):
                break
        if any(_ROLE_WORD_RE.fullmatch(word) for word in run):
            run = []
        names.append(" ".join([acronym, *run]))
    return names


def _without_parts(names: list[str], text: str) -> list[str]:
    """Unique names, dropping one that is part of a longer one ("DIF" of "DIF Tabasco")."""
    keys = {tp.fold(n).replace("’", "'"): n for n in names}
    # Only the names that contain a key can have it as a part.
    kept = [key for key in keys
            if not any(_is_part(key, other) for other in keys if key in other)]
    first_seen = {key: text.find(keys[key]) for key in kept}
    return [keys[key] for key in sorted(kept, key=lambda k: (first_seen[k] < 0, first_seen[k]))]


def _is_part(key: str, other: str) -> bool:
    """Whether ``key`` starts ``other`` or is a whole word of it (and is not ``other``)."""
    if other == key or key not in other:  # the word search below needs the substring
        return False
    return other.startswith(key) or re.search(rf"\b{re.escape(key)}\b", other) is not None


def _programmes(text: str, lang: str) -> list[tuple[str, str | None]]:
    """(name as written, acronym) of each programme the text names, in order, once each."""
    found: dict[str, tuple[int, str, str | None]] = {}
    for pattern, words in _table(_PROGRAMME_RES, lang):
        if not _has_any(text, words):
            continue
        for match in pattern.finditer(text):
            name = match["name"].strip()
            groups = match.groupdict()
            acronym = groups.get("acronym")
            label = f"{name} ({acronym})" if acronym else name
            found.setdefault(tp.fold(name), (match.start(), label, acronym))
    return [(label, acronym) for _, label, acronym in sorted(found.values())]


@hookimpl
def registry_importers() -> list:
    """The RELAF newsletter importer."""
    return [RelafNewsletterImporter()]
