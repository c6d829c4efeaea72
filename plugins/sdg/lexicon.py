"""Load the reviewable SDG data files and compile them once into a token-keyed phrase index.

Everything a reviewer may want to change is data under ``data/`` (see ``data/README.md``):
the per-goal phrase lists, the concepts used in co-occurrence pairs, the negation cues, the
boilerplate phrases and the scoring settings. This module only checks and indexes them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from plugins.sdg.text import TOKEN_RE, fold, phrase_words, stem

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "es", "fr", "pt")
LABEL_LANGUAGES = ("en", "es", "fr")
MIN_PREFIX = 4
_CODE_RE = re.compile(r"^(1[0-7]|[1-9])(\.(\d{1,2}|[a-d]))?$")

Key = tuple[str, ...]


class LexiconError(ValueError):
    """A data file breaks the lexicon format; the message names the file and the entry."""


@dataclass
class Entry:
    """What one phrase means: scores for SDG codes, concepts for pairs, or boilerplate."""

    scores: dict[str, float] = field(default_factory=dict)
    concepts: set[str] = field(default_factory=set)
    stop: bool = False


@dataclass(frozen=True)
class Pair:
    """Two concepts in the same sentence, close together, are evidence for ``code``."""

    first: str
    second: str
    code: str
    weight: float


@dataclass
class Lexicon:
    """The compiled data: phrase index, pairs, negation cues, labels and settings."""

    settings: dict
    index: dict[str, list[tuple[Key, Entry, Key]]]
    prefixes: frozenset[str]
    pairs: list[Pair]
    negation: frozenset[str]
    not_only: frozenset[str]
    deficit: frozenset[str]
    stop_words: dict[str, frozenset[str]]
    labels: dict[str, dict[str, str]]
    crosswalk: dict[str, list[tuple[str, str]]]
    _token_cache: dict[str, tuple[str, frozenset[str]]] = field(
        default_factory=dict, repr=False, compare=False)

    def token_keys(self, raw: str) -> tuple[str, frozenset[str]]:
        """The folded word and the keys it matches: its stem and every known prefix of it."""
        cached = self._token_cache.get(raw)
        if cached is not None:
            return cached
        folded = fold(raw)
        keys = {stem(folded)}
        keys.update(folded[:n] + "*" for n in range(MIN_PREFIX, len(folded) + 1)
                    if folded[:n] in self.prefixes)
        if len(self._token_cache) > 200_000:
            self._token_cache.clear()
        self._token_cache[raw] = result = (folded, frozenset(keys))
        return result


def phrase_key(phrase: str, where: str) -> Key:
    """The match key of a lexicon phrase: stems, or ``prefix*`` for words written with ``*``."""
    key: list[str] = []
    for word in phrase_words(phrase):
        if word.endswith("*"):
            prefix = fold(word[:-1])
            if len(prefix) < MIN_PREFIX or not prefix.isalpha():
                raise LexiconError(f"{where}: prefix {word!r} needs {MIN_PREFIX}+ letters")
            key.append(prefix + "*")
        else:
            key.extend(map(stem, map(fold, TOKEN_RE.findall(word))))
    if not key:
        raise LexiconError(f"{where}: empty phrase {phrase!r}")
    return tuple(key)


def _by_language(value: object, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not set(value) <= set(LANGUAGES):
        raise LexiconError(f"{where}: expected {{language: [phrases]}} with languages "
                           f"{', '.join(LANGUAGES)}")
    for lang, phrases in value.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise LexiconError(f"{where}.{lang}: expected a list of phrases")
    return value


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class _Builder:
    def __init__(self, settings: dict) -> None:
        self.weights = settings["weights"]
        self.entries: dict[Key, Entry] = {}
        self.pairs: list[Pair] = []
        self.concepts: set[str] = set()

    def entry(self, phrase: str, where: str) -> Entry:
        key = phrase_key(phrase, where)
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = entry = Entry()
        return entry

    def add_score(self, phrase: str, code: str, weight: float, where: str) -> None:
        scores = self.entry(phrase, where).scores
        scores[code] = max(weight, scores.get(code, 0.0))

    def add_goal_file(self, path: Path, valid_codes: set[str]) -> None:
        data = _read_yaml(path)
        goal = str(data.get("goal"))
        for code, spec in (data.get("entries") or {}).items():
            code = str(code)
            where = f"{path.name}: {code}"
            if code not in valid_codes or code.split(".")[0] != goal:
                raise LexiconError(f"{where}: not a target of goal {goal}")
            unknown = set(spec) - {"strong", "weak", "pairs"}
            if unknown:
                raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
            for strength in ("strong", "weak"):
                for lang, phrases in _by_language(spec.get(strength, {}),
                                                  f"{where}.{strength}").items():
                    for phrase in phrases:
                        self.add_score(phrase, code, self.weights[strength],
                                       f"{where}.{strength}.{lang}")
            for pair in spec.get("pairs", []):
                if not (2 <= len(pair) <= 3):
                    raise LexiconError(f"{where}.pairs: {pair!r} is not "
                                       "[concept, concept, weight?]")
                weight = float(pair[2]) if len(pair) == 3 else self.weights["pair"]
                self.pairs.append(Pair(pair[0], pair[1], code, weight))

    def add_concepts(self, path: Path) -> None:
        for name, spec in _read_yaml(path).items():
            self.concepts.add(name)
            for lang, phrases in _by_language(spec, f"{path.name}: {name}").items():
                for phrase in phrases:
                    self.entry(phrase, f"{path.name}: {name}.{lang}").concepts.add(name)

    def check_pairs(self) -> None:
        for pair in self.pairs:
            for concept in (pair.first, pair.second):
                if concept not in self.concepts:
                    raise LexiconError(f"pair for {pair.code} uses unknown concept {concept!r}")

    def index(self) -> dict[str, list[tuple[Key, Entry, Key]]]:
        """First word -> (rest of the phrase, entry, whole key), longest phrases first."""
        index: dict[str, list[tuple[Key, Entry, Key]]] = {}
        for key, entry in self.entries.items():
            index.setdefault(key[0], []).append((key[1:], entry, key))
        for candidates in index.values():
            candidates.sort(key=lambda item: len(item[0]), reverse=True)
        return index


def _labels() -> dict[str, dict[str, str]]:
    """Official titles by language and code; NFC, since the source files mix in decomposed
    accents that would not compare or index like the same text typed by a user."""
    labels: dict[str, dict[str, str]] = {}
    for lang in LABEL_LANGUAGES:
        table: dict[str, str] = {}
        for kind in ("goals", "targets"):
            for key, text in _read_yaml(DATA / "official" / f"global_{kind}.{lang}.yml").items():
                if key.endswith("-title"):
                    code = key[: -len("-title")].replace("-", ".")
                    table[code] = unicodedata.normalize("NFC", " ".join(text.split()))
        labels[lang] = table
    return labels


def _crosswalk(valid_codes: set[str]) -> dict[str, list[tuple[str, str]]]:
    table: dict[str, list[tuple[str, str]]] = {}
    with (DATA / "venice_crosswalk.csv").open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["sdg_target"] not in valid_codes or row["strength"] not in ("primary",
                                                                                "secondary"):
                raise LexiconError(f"venice_crosswalk.csv line {line}: bad target or strength")
            table.setdefault(row["vd_code"], []).append((row["sdg_target"], row["strength"]))
    return table


def load_lexicon() -> Lexicon:
    """Read and check every data file; raises ``LexiconError`` naming the faulty entry."""
    settings = _read_yaml(DATA / "settings.yml")
    labels = _labels()
    valid_codes = set(labels["en"])
    if not all(_CODE_RE.match(code) for code in valid_codes):
        raise LexiconError("official SDG files hold an unexpected code")
    builder = _Builder(settings)
    builder.add_concepts(DATA / "concepts.yml")
    for path in sorted((DATA / "lexicon").glob("goal*.yml")):
        builder.add_goal_file(path, valid_codes)
    builder.check_pairs()
    language = _read_yaml(DATA / "language.yml")
    for lang, phrases in _by_language(language["boilerplate"], "language.yml: boilerplate").items():
        for phrase in phrases:
            entry = builder.entry(phrase, f"language.yml: boilerplate.{lang}")
            if entry.scores or entry.concepts:
                raise LexiconError(f"language.yml: boilerplate {phrase!r} is also a term")
            entry.stop = True

    def folded(section: str) -> frozenset[str]:
        words = _by_language(language[section], f"language.yml: {section}")
        return frozenset(fold(w) for ws in words.values() for w in ws)

    index = builder.index()
    return Lexicon(
        settings=settings,
        index=index,
        prefixes=frozenset(k[:-1] for key in builder.entries for k in key if k.endswith("*")),
        pairs=builder.pairs,
        negation=folded("negation"),
        not_only=folded("not_only"),
        deficit=folded("deficit"),
        stop_words={lang: frozenset(fold(w) for w in words) for lang, words in
                    _by_language(language["stop_words"], "language.yml: stop_words").items()},
        labels=labels,
        crosswalk=_crosswalk(valid_codes),
    )
