"""Search speed and relevance per backend, beside SQLite FTS5 and a LIKE scan, in one run.

    python benchmarks/bench_search.py [--sizes 10000 100000] [--backends whoosh tantivy ...]

For each size, generates that many synthetic practices in Spanish, English and French
(titles, aims, descriptions, places, tags, years varied from word lists) plus the real
documents (the seeds and tests/search/data, imported with the registry's importers), then
for each engine: builds the index (documents per second), runs 50 mixed queries (25 with
filters) without and with facet counts (p50/p95 ms), and counts hits. FTS5 gets the same
texts (unicode61 tokenizer, accents removed) and answers with its defaults (every word, bm25);
the LIKE scan reads folded texts. Relevance: the 20 judgements of
tests/search/data/relevance.toml, share whose practices are all in the top 5.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, make_url

from registry.config import Config
from registry.errors import RegistryError
from registry.search import open_index
from registry.search.analysis import QUERY_STOP_WORDS, fold, words
from registry.search.documents import record_texts
from registry.search.facets import BUILT_IN_FACETS, values_of
from registry.services import Registry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "search" / "data"
#: Judged documents: the seeds and the search test documents.
JUDGED = sorted((ROOT / "seeds").glob("*.txt")) + sorted(DATA.glob("*.txt"))
#: Real documents nobody judged, as distractors for relevance (the importers' test documents).
DISTRACTORS = sorted((ROOT / "tests" / "data").glob("*/*.txt"))
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BATCH = 5_000

# -- synthetic practices --------------------------------------------------------------------

TOPICS = {
    "en": ["support for single mothers", "foster care for children", "day care for working "
           "parents", "home visits to older people", "school meals against malnutrition",
           "social housing for vulnerable families", "prevention of domestic violence",
           "positive parenting workshops", "cash transfers to poor households",
           "youth employment training", "care for people with disabilities",
           "family mediation services", "early childhood education", "support for carers",
           "community health workers", "women's economic empowerment"],
    "es": ["apoyo a madres solteras", "acogimiento familiar de niños y niñas",
           "guarderías para madres y padres que trabajan", "visitas domiciliarias a personas "
           "mayores", "comedores escolares contra la desnutrición", "vivienda social para "
           "familias vulnerables", "prevención de la violencia intrafamiliar", "talleres de "
           "crianza positiva", "transferencias monetarias a hogares pobres", "capacitación "
           "para el empleo juvenil", "atención a personas con discapacidad", "mediación "
           "familiar", "educación inicial", "apoyo a personas cuidadoras", "promotoras "
           "comunitarias de salud", "empoderamiento económico de las mujeres"],
    "fr": ["soutien aux mères célibataires", "familles d'accueil pour enfants", "crèches pour "
           "parents qui travaillent", "visites à domicile aux personnes âgées", "cantines "
           "scolaires contre la malnutrition", "logement social pour familles vulnérables",
           "prévention de la violence conjugale", "ateliers de parentalité", "transferts "
           "monétaires aux ménages pauvres", "formation à l'emploi des jeunes",
           "accompagnement des personnes handicapées", "médiation familiale", "éducation de "
           "la petite enfance", "soutien aux aidants", "agents de santé communautaire",
           "autonomisation économique des femmes"],
}
KINDS = {"en": ["Programme", "Network", "Strategy", "Service", "Initiative"],
         "es": ["Programa", "Red", "Estrategia", "Servicio", "Iniciativa"],
         "fr": ["Programme", "Réseau", "Stratégie", "Service", "Initiative"]}
SENTENCES = {
    "en": ["The {city} city council launched the {kind} of {topic} in {year}.",
           "It reached {n} families in the {district} neighbourhoods of the city.",
           "The teams combine {topic} with {other} and follow each household for a year.",
           "Social workers, schools and health centres refer the families to the service.",
           "An evaluation found that {p}% of the participants improved their situation.",
           "The budget comes from the municipality and from national partners."],
    "es": ["El gobierno local de {city} lanzó el {kind} de {topic} en {year}.",
           "Atendió a {n} familias en los barrios de {district} de la ciudad.",
           "Los equipos combinan {topic} con {other} y acompañan a cada hogar durante un año.",
           "Las escuelas, los centros de salud y las trabajadoras sociales derivan a las "
           "familias al servicio.",
           "Una evaluación mostró que el {p}% de las personas participantes mejoró su situación.",
           "El presupuesto proviene del municipio y de socios nacionales."],
    "fr": ["La ville de {city} a lancé le {kind} de {topic} en {year}.",
           "Il a accompagné {n} familles dans les quartiers de {district} de la ville.",
           "Les équipes associent {topic} et {other} et suivent chaque foyer pendant un an.",
           "Les écoles, les centres de santé et les travailleurs sociaux orientent les familles "
           "vers le service.",
           "Une évaluation a montré que {p}% des participants ont amélioré leur situation.",
           "Le budget provient de la municipalité et de partenaires nationaux."],
}
PLACES = {"es": [("MX", "Puebla"), ("MX", "Monterrey"), ("MX", "Mérida"), ("CO", "Cali"),
                 ("CO", "Bogotá"), ("AR", "Rosario"), ("AR", "Córdoba"), ("ES", "Sevilla"),
                 ("ES", "Bilbao"), ("PE", "Arequipa"), ("CL", "Valparaíso")],
          "en": [("GB", "Leeds"), ("GB", "Bristol"), ("US", "Chicago"), ("KE", "Nairobi"),
                 ("ZA", "Durban"), ("NA", "Windhoek"), ("IN", "Pune")],
          "fr": [("FR", "Lyon"), ("FR", "Lille"), ("FR", "Nantes"), ("SN", "Dakar"),
                 ("CA", "Montréal"), ("BE", "Liège"), ("MA", "Rabat")]}
DISTRICTS = ["north", "south", "east", "west", "centre", "river", "hill"]
GROUPS = ["families", "children", "women", "older_people", "youth", "people_with_disabilities",
          "parents", "migrants"]
AWARDS = ["ORU Fogar Regional Good Practices Award", "UN-Habitat Best Practices Award",
          "Guangzhou Award"]
FORMATS = ["venice_form", "sdg_action", "oru_fogar", "relaf_newsletter"]


def synthetic(count: int, seed: int = 11) -> list[dict]:
    """``count`` practices, a third in each language, varied enough to rank differently."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        lang = ("es", "en", "fr")[i % 3]
        country, city = rng.choice(PLACES[lang])
        topic, other = rng.sample(TOPICS[lang], 2)
        kind = rng.choice(KINDS[lang])
        year = rng.randint(2005, 2024)
        fill = {"city": city, "kind": kind.lower(), "topic": topic, "other": other,
                "year": year, "n": rng.randint(50, 20_000), "p": rng.randint(20, 90),
                "district": rng.choice(DISTRICTS)}
        sentences = [s.format(**fill) for s in rng.sample(SENTENCES[lang], 5)]
        records.append({
            "id": f"gp-syn{i:07d}", "language": lang,
            "title": {lang: f"{kind} {topic} {city} {i}"},
            "summary": {lang: sentences[0]},
            "description": {lang: " ".join(sentences[1:])},
            "aims": [{lang: f"{topic.capitalize()}."}, {lang: f"{other.capitalize()}."}],
            "practice_type": rng.choice(["policy", "programme", "project", "service"]),
            "status": rng.choice(["planned", "ongoing", "completed", "unknown"]),
            "start_date": f"{year}-{rng.randint(1, 12):02d}" if rng.random() < 0.9 else None,
            "jurisdiction": {"name": city, "country": country,
                             "level": rng.choice(["municipality", "region", "country"])},
            "lead_entity": {"name": f"{city} {kind}"},
            "target_groups": [{"code": g, "label": g.replace("_", " ")}
                              for g in rng.sample(GROUPS, rng.randint(1, 2))],
            "tags": [{"scheme": "venice_declaration", "code": f"V.D.{n:02d}"}
                     for n in rng.sample(range(1, 11), rng.randint(1, 3))]
                    + [{"scheme": "sdg_goal", "code": str(g)}
                       for g in rng.sample([1, 2, 3, 4, 5, 10, 11, 16], rng.randint(0, 2))],
            "kpis": [{"name": "families reached"}] if rng.random() < 0.4 else [],
            "awards": [{"award": rng.choice(AWARDS)}] if rng.random() < 0.1 else [],
            "provenance": {"format": rng.choice(FORMATS)},
        })
    return records


def real_documents(paths: list[Path]) -> tuple[list[dict], dict[str, list[str]]]:
    """Documents parsed by the registry's own importers (those it rejects are left out)."""
    with tempfile.TemporaryDirectory() as folder:
        registry = Registry.from_config(Config(instance_dir=Path(folder)))
        records, ids = [], {}
        for path in paths:
            try:
                _, parsed = registry.imports.parse(path.read_text(), path.name, path.name)
            except RegistryError:
                continue
            name = str(path.relative_to(ROOT))
            ids[name] = []
            for n, record in enumerate(parsed):
                record["id"] = f"gp-real-{path.stem}-{n}"
                ids[name].append(record["id"])
                records.append(record)
        registry.close()
    return records, ids


# -- queries --------------------------------------------------------------------------------

QUERIES = [
    "familia", "pauvreté", "children", "vivienda", "violence", "malnutrition", "empleo",
    "crèches", "elderly", "mediación", "apoyo madres solteras", "foster care children",
    "logement social", "home visits older people", "comedores escolares",
    "parenting workshops", "transferencias monetarias", "formation emploi jeunes",
    "day care working parents", "violencia intrafamiliar", "familias monoparentales",
    "single mothers", "acogimiento familiar", "mères célibataires", "elderly carers",
    "desnutrición infantil", "famille d'accueil", "vivienda para familias vulnerables",
    "domestic violence", "cuidado infantil", "educacion inicial", "pobreza hogares",
    "pauvrete menages", "ninos", "guarderias", "creches parents", "mediacion familiar",
    "discapacidad", "handicap", "youth employment", "Puebla", "Lyon crèches",
    "Rosario vivienda", "Nairobi health workers", "Dakar cantines scolaires",
    "community health", "empowerment women", "personas cuidadoras", "violence conjugale",
    "early childhood education",
]
FILTERS: list[dict] = [{"country": ["MX"]}, {"language": ["es"]}, {"vd_tag": ["V.D.10"]},
                       {"practice_type": ["programme"]}, {"kpis": ["yes"]},
                       {"country": ["FR", "SN"]}, {"target_group": ["children"]}]


def workload() -> list[tuple[str, dict, tuple | None]]:
    """50 queries; every second one with a filter (every tenth one a year range)."""
    found = []
    for i, text in enumerate(QUERIES):
        filters, years = {}, None
        if i % 2:
            filters = FILTERS[(i // 2) % len(FILTERS)]
            years = (2012, 2020) if i % 10 == 1 else None
        found.append((text, filters, years))
    return found


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in QUERY_STOP_WORDS] or words(text)


# -- engines --------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    build_rate: float = 0.0
    search_ms: list[float] = field(default_factory=list)
    facet_ms: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    relevance: float = 0.0


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = call()
    return (time.perf_counter() - started) * 1000, value


def open_backend(name: str, folder: Path) -> tuple:
    """A fresh index of this backend, its engine and database (PostgreSQL) to clean up after."""
    database = engine = None
    if name == "postgresql":
        database = f"bench_search_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_libpq(ADMIN_URL), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        url = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
        engine = create_engine(url)
        config = Config(instance_dir=folder, database_url=url, search_backend=name)
    else:
        config = Config(instance_dir=folder, search_backend=name)
    return open_index(config, engine=engine), engine, database


def close_backend(index, engine, database) -> None:
    index.close()
    if engine is not None:
        engine.dispose()
        with psycopg.connect(_libpq(ADMIN_URL), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run_backend(name: str, records: list[dict], folder: Path) -> Result:
    """Build rate, then each query without and with facet counts (caches warm for the second)."""
    index, engine, database = open_backend(name, folder)
    result = Result(name)
    try:
        started = time.perf_counter()
        for i in range(0, len(records), BATCH):
            index.index(records[i:i + BATCH])
        result.build_rate = len(records) / (time.perf_counter() - started)
        index.query("familia", facets=index.facet_names)  # warm caches and connections
        for text, filters, years in workload():
            ms, found = timed(lambda t=text, f=filters, y=years: index.query(
                t, filters=f, years=y))
            result.search_ms.append(ms)
            result.hits.append(found.total)
            ms, _ = timed(lambda t=text, f=filters, y=years: index.query(
                t, filters=f, years=y, facets=index.facet_names))
            result.facet_ms.append(ms)
    finally:
        close_backend(index, engine, database)
    return result


def backend_relevance(name: str, records: list[dict], ids: dict[str, list[str]],
                      folder: Path, judgements: list[dict]) -> float:
    index, engine, database = open_backend(name, folder)
    try:
        index.index(records)
        return share_found(judgements, ids,
                           lambda q: [h.id for h in index.query(q, per_page=5).hits])
    finally:
        close_backend(index, engine, database)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


FACET_NAMES = [f.name for f in BUILT_IN_FACETS]


def sqlite_tables(records: list[dict], path: Path) -> tuple[sqlite3.Connection, float]:
    """FTS5 over the same texts, a table of the same facet values, and the build rate."""
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE VIRTUAL TABLE fts USING fts5(title, body,
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, folded TEXT, year INTEGER);
        CREATE TABLE facets (rowid INTEGER, name TEXT, value TEXT);
    """)
    started = time.perf_counter()
    for n, record in enumerate(records, 1):
        texts = [t for _, t in record_texts(record)]
        title = next(iter(record["title"].values()))
        body = "\n".join(texts)
        year = int(record["start_date"][:4]) if record.get("start_date") else None
        db.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)", (n, title, body))
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", (n, record["id"], fold(body), year))
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                       [(n, f.name, v) for f in BUILT_IN_FACETS for v in values_of(f, record)])
    db.executescript("CREATE INDEX facets_rowid ON facets (rowid); "
                     "CREATE INDEX facets_value ON facets (name, value);")
    db.commit()
    return db, len(records) / (time.perf_counter() - started)


def _filter_sql(filters: dict, years: tuple | None) -> tuple[str, list]:
    sql, params = "", []
    for name, values in filters.items():
        sql += (f" AND d.rowid IN (SELECT rowid FROM facets WHERE name = ? AND value IN "
                f"({','.join('?' * len(values))}))")
        params += [name, *values]
    if years:
        sql += " AND d.year BETWEEN ? AND ?"
        params += list(years)
    return sql, params


def fts5_search(db: sqlite3.Connection, text: str, filters: dict, years: tuple | None,
                limit: int = 20) -> tuple[int, list[str]]:
    """FTS5's own way: every word, bm25 (title ×3), a highlighted snippet per hit."""
    where, params = _filter_sql(filters, years)
    match = " ".join(f'"{w}"' for w in content_words(text))
    base = f"FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?{where}"
    total = db.execute(f"SELECT count(*) {base}", [match, *params]).fetchone()[0]
    top = db.execute(f"SELECT d.id, snippet(fts, 1, '<mark>', '</mark>', '…', 32) {base} "
                     "ORDER BY bm25(fts, 3.0, 1.0) LIMIT ?", [match, *params, limit]).fetchall()
    return total, [r[0] for r in top]


def like_search(db: sqlite3.Connection, text: str, filters: dict, years: tuple | None,
                limit: int = 20) -> tuple[int, list[str]]:
    """Every word as a substring of the folded text; no ranking."""
    where, params = _filter_sql(filters, years)
    likes = " AND ".join("d.folded LIKE ?" for _ in content_words(text))
    params = [f"%{w}%" for w in content_words(text)] + params
    total = db.execute(f"SELECT count(*) FROM docs d WHERE {likes}{where}", params).fetchone()[0]
    top = db.execute(f"SELECT d.id FROM docs d WHERE {likes}{where} LIMIT ?",
                     [*params, limit]).fetchall()
    return total, [r[0] for r in top]


def run_fts5(db: sqlite3.Connection, build_rate: float) -> Result:
    result = Result("sqlite fts5", build_rate)

    def match(text: str) -> str:
        return " ".join(f'"{w}"' for w in content_words(text))

    def with_facets(text: str, filters: dict, years: tuple | None) -> None:
        fts5_search(db, text, filters, years)
        where, params = _filter_sql(filters, years)
        db.execute(f"SELECT f.name, f.value, count(*) FROM facets f WHERE f.rowid IN "
                   f"(SELECT d.rowid FROM fts JOIN docs d ON d.rowid = fts.rowid "
                   f"WHERE fts MATCH ?{where}) GROUP BY f.name, f.value",
                   [match(text), *params]).fetchall()

    for text, filters, years in workload():
        ms, (total, _) = timed(lambda t=text, f=filters, y=years: fts5_search(db, t, f, y))
        result.search_ms.append(ms)
        result.hits.append(total)
        result.facet_ms.append(timed(lambda t=text, f=filters, y=years:
                                     with_facets(t, f, y))[0])
    return result


def run_like(db: sqlite3.Connection) -> Result:
    result = Result("like scan")
    for text, filters, years in workload():
        ms, (total, _) = timed(lambda t=text, f=filters, y=years: like_search(db, t, f, y))
        result.search_ms.append(ms)
        result.hits.append(total)
    return result


def share_found(judgements: list[dict], ids: dict[str, list[str]],
                top5: Callable[[str], list[str]]) -> float:
    """Share of judgements whose practices are all among the first five hits."""
    found = 0
    for judgement in judgements:
        wanted = {i for doc in judgement["expect"] for i in ids[doc]}
        found += wanted <= set(top5(judgement["text"]))
    return found / len(judgements)


# -- report ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def report(size: int, real: int, results: list[Result]) -> None:
    print(f"\n{size:,} synthetic practices (es/en/fr) + {real} real documents; "
          f"{len(QUERIES)} queries, {sum(1 for _, f, _ in workload() if f)} with filters")
    print(f"{'engine':<12} {'build doc/s':>11} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'+facets p50':>11} {'+facets p95':>11} {'hits/query':>10} {'no hits':>7} "
          f"{'top-5 found':>11}")
    for r in results:
        facets = (f"{percentile(r.facet_ms, .5):>11.2f} {percentile(r.facet_ms, .95):>11.2f}"
                  if r.facet_ms else f"{'-':>11} {'-':>11}")
        build = f"{r.build_rate:>11,.0f}" if r.build_rate else f"{'-':>11}"
        print(f"{r.name:<12} {build} {percentile(r.search_ms, .5):>8.2f} "
              f"{percentile(r.search_ms, .95):>8.2f} {facets} "
              f"{statistics.mean(r.hits):>10,.0f} {sum(1 for h in r.hits if not h):>7} "
              f"{r.relevance:>10.0%}")
    fts = next(r for r in results if r.name == "sqlite fts5")
    fts_p95, fts_facets = percentile(fts.search_ms, .95), percentile(fts.facet_ms, .95)
    for r in results:
        if r.name in ("sqlite fts5", "like scan"):
            continue
        print(f"  {r.name}: p95 {percentile(r.search_ms, .95) / fts_p95:.2f}× FTS5, with facet "
              f"counts {percentile(r.facet_ms, .95) / fts_facets:.2f}× FTS5")
    sys.stdout.flush()


def relevance(backends: list[str], folder: Path) -> dict[str, float]:
    """Share of judgements found in the top 5 by each engine, over the real documents only
    (judged ones and distractors): synthetic practices repeat the judged topics word for word,
    so among them "the right five" would not be defined."""
    judgements = tomllib.loads((DATA / "relevance.toml").read_text())["query"]
    records, ids = real_documents(JUDGED + DISTRACTORS)
    shares = {name: backend_relevance(name, records, ids, folder / f"relevance-{name}",
                                      judgements) for name in backends}
    db, _ = sqlite_tables(records, folder / "relevance.db")
    shares["sqlite fts5"] = share_found(
        judgements, ids, lambda q: fts5_search(db, q, {}, None, 5)[1])
    shares["like scan"] = share_found(
        judgements, ids, lambda q: like_search(db, q, {}, None, 5)[1])
    db.close()
    print(f"relevance: {len(judgements)} judged queries over {len(records)} real documents "
          f"({len(records) - len(JUDGED)} unjudged distractors), share whose practices are all "
          "in the top 5")
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["whoosh", "tantivy", "postgresql"])
    args = parser.parse_args()
    real, _ = real_documents(JUDGED)
    with tempfile.TemporaryDirectory() as folder:
        shares = relevance(args.backends, Path(folder))
    for size in args.sizes:
        records = synthetic(size) + real
        random.Random(size).shuffle(records)
        results = []
        with tempfile.TemporaryDirectory() as folder:
            for backend in args.backends:
                results.append(run_backend(backend, records, Path(folder) / backend))
            db, rate = sqlite_tables(records, Path(folder) / "fts.db")
            results.append(run_fts5(db, rate))
            results.append(run_like(db))
            db.close()
        for result in results:
            result.relevance = shares[result.name]
        report(size, len(real), results)


if __name__ == "__main__":
    main()
