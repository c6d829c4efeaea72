"""The PostgreSQL search backend: ``tsvector`` columns in the registry's own database.

Each text is analysed by the text search configuration of its language (``spanish``,
``english``, ``french``, ``portuguese``: Snowball stemmers and stop words), after the same
accent folding as the other backends, so no extension is needed. Concepts are extra lexemes
(``@family``) in the same vector, so one GIN index answers a whole query. A query word is
looked up under all four configurations, since a query has no language. Ranking is
``ts_rank`` with weights title A (1.0), body B (0.4), concepts C (0.2), normalised by length.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from registry.search import SearchField
from registry.search.analysis import LANGUAGES, fold
from registry.search.documents import IndexedDocument
from registry.search.engine import Found, Request, SearchEngine, Stored
from registry.search.query import Unit
from registry.search.thesaurus import Concepts

CONFIGURATIONS = {"es": "spanish", "en": "english", "fr": "french", "pt": "portuguese"}
#: Bumped when the tables change; tables of another version are dropped and made again.
SCHEMA_VERSION = "registry search 2"
#: Key of the advisory lock that makes writers take turns (the words table needs it).
WRITER_LOCK = 7_140_421

_TABLES = [
    """CREATE TABLE IF NOT EXISTS search_documents (
        id text PRIMARY KEY,
        title text NOT NULL,
        shown jsonb NOT NULL,
        vector tsvector NOT NULL,
        facets text[] NOT NULL,
        spell text[] NOT NULL,
        year integer NOT NULL,
        date_key integer NOT NULL,
        title_key text COLLATE "C" NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_documents_vector ON search_documents USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_documents_facets ON search_documents USING gin (facets)",
    """CREATE TABLE IF NOT EXISTS search_words (
        word text COLLATE "C" PRIMARY KEY,
        df integer NOT NULL)""",
    f"COMMENT ON TABLE search_documents IS '{SCHEMA_VERSION}'",
]

_VECTOR = " || ".join(
    f"setweight(to_tsvector('{config}', :title_{lang}), 'A') || "
    f"setweight(to_tsvector('{config}', :body_{lang}), 'B')"
    for lang, config in CONFIGURATIONS.items()
) + " || setweight(array_to_tsvector(CAST(:concepts AS text[])), 'C')"

_UPSERT = text(f"""
    INSERT INTO search_documents (id, title, shown, vector, facets, spell, year, date_key,
                                  title_key)
    VALUES (:id, :title, CAST(:shown AS jsonb), {_VECTOR}, :facets, :spell, :year, :date_key,
            :title_key)
    ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, shown = EXCLUDED.shown,
        vector = EXCLUDED.vector, facets = EXCLUDED.facets, spell = EXCLUDED.spell,
        year = EXCLUDED.year, date_key = EXCLUDED.date_key, title_key = EXCLUDED.title_key""")


def _lexeme(value: str) -> str:
    """A tsquery literal for one lexeme, taken as it is."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class _Sql:
    """SQL text and its bound parameters, built together."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def bind(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def word(self, word: str) -> str:
        bound = self.bind(word)
        return "(" + " || ".join(f"plainto_tsquery('{c}', {bound})"
                                 for c in CONFIGURATIONS.values()) + ")"

    def unit(self, unit: Unit) -> str:
        alternatives = [self.word(unit.word)] if unit.word else []
        alternatives += [f"CAST({self.bind(_lexeme('@' + c))} AS tsquery)"
                         for c in sorted(unit.concepts)]
        if unit.parts:
            alternatives.append("(" + " && ".join(self.unit(p) for p in unit.parts) + ")")
        alternatives += [f"CAST({self.bind(_lexeme(t))} AS tsquery)" for t in unit.terms]
        return "(" + " || ".join(alternatives) + ")"


class PostgresIndex(SearchEngine):
    """Search tables beside the registry's; every write is one transaction, writers take turns."""

    def __init__(self, engine: Engine | str, extra_fields: Iterable[SearchField] = (),
                 concepts: Iterable[Concepts] = ()) -> None:
        super().__init__(extra_fields, concepts)
        self._owns_engine = isinstance(engine, str)
        self.engine = create_engine(engine, poolclass=NullPool) if isinstance(engine, str) \
            else engine
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
            version = conn.scalar(text(
                "SELECT obj_description(to_regclass('search_documents'), 'pg_class')"))
            if version not in (None, SCHEMA_VERSION):
                conn.execute(text("DROP TABLE IF EXISTS search_documents, search_words"))
            if version != SCHEMA_VERSION:
                for statement in _TABLES:
                    conn.execute(text(statement))

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writer_turn(self) -> Iterator[Connection]:
        """A transaction holding the one-writer turn; other writers wait until it ends."""
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
            yield conn

    def _count_words(self, conn: Connection, ids: list[str], added: Counter) -> None:
        """Keep ``search_words`` (word → practices using it) right for replaced/removed ids."""
        delta = Counter(added)
        for (spell,) in conn.execute(text(
                "SELECT spell FROM search_documents WHERE id = ANY(:ids)"), {"ids": ids}):
            delta.subtract(spell)
        changed = sorted(w for w, n in delta.items() if n)
        if not changed:
            return
        conn.execute(text("""
            INSERT INTO search_words (word, df)
            SELECT * FROM unnest(CAST(:words AS text[]), CAST(:deltas AS integer[]))
            ON CONFLICT (word) DO UPDATE SET df = search_words.df + EXCLUDED.df"""),
            {"words": changed, "deltas": [delta[w] for w in changed]})
        conn.execute(text("DELETE FROM search_words WHERE df <= 0 AND word = ANY(:words)"),
                     {"words": changed})

    def _write(self, docs: list[IndexedDocument]) -> None:
        rows = []
        for doc in docs:
            row = {
                "id": doc.id, "title": doc.title,
                "shown": json.dumps({"texts": doc.texts, "title_count": doc.title_count},
                                    ensure_ascii=False),
                "concepts": ["@" + c for c in doc.concepts],
                "facets": [f"{name}={value}" for name, values in doc.facets.items()
                           for value in values],
                "spell": doc.spell, "year": doc.year or 0, "date_key": doc.date_key,
                "title_key": doc.title_key,
            }
            for lang in LANGUAGES:
                title, body = doc.texts_in(lang)
                row[f"title_{lang}"], row[f"body_{lang}"] = fold(title), fold(body)
            rows.append(row)
        with self.writer_turn() as conn:
            self._count_words(conn, [d.id for d in docs],
                              Counter(w for d in docs for w in d.spell))
            conn.execute(_UPSERT, rows)

    def _delete(self, ids: list[str]) -> None:
        with self.writer_turn() as conn:
            self._count_words(conn, ids, Counter())
            conn.execute(text("DELETE FROM search_documents WHERE id = ANY(:ids)"),
                         {"ids": ids})

    def _clear(self) -> None:
        with self.writer_turn() as conn:
            conn.execute(text("TRUNCATE search_documents, search_words"))

    # -- reading ---------------------------------------------------------------------------

    def _where(self, request: Request, sql: _Sql) -> tuple[str, str | None]:
        """The WHERE clause and the tsquery expression (None for an empty query)."""
        parsed = request.parsed
        conditions = []
        tsquery = None
        if parsed.units:
            joiner = " && " if parsed.match_all else " || "
            tsquery = "(" + joiner.join(sql.unit(u) for u in parsed.units) + ")"
            conditions.append(f"vector @@ {tsquery}")
        for name, values in request.filters.items():
            conditions.append(f"facets && CAST({sql.bind([f'{name}={v}' for v in values])} "
                              "AS text[])")
        if request.years:
            low, high = request.years
            if low is not None:
                conditions.append(f"year >= {sql.bind(low)}")
            if high is not None:
                conditions.append(f"year BETWEEN 1 AND {sql.bind(high)}")
        if parsed.exclude:
            conditions.append(f"id <> ALL({sql.bind(list(parsed.exclude))})")
        return " AND ".join(conditions) or "TRUE", tsquery

    def _search(self, request: Request) -> Found:
        sql = _Sql()
        where, tsquery = self._where(request, sql)
        if request.sort == "relevance" and tsquery:
            score, order = f"ts_rank(vector, {tsquery}, 1)", "score DESC, id"
        elif request.sort == "title":
            score, order = "0", "title_key, id"
        else:
            score, order = "0", "date_key = 0, date_key DESC, id"
        params = {**sql.params, "limit": request.limit, "offset": request.offset}
        with self.engine.connect() as conn:
            total = conn.scalar(text(f"SELECT count(*) FROM search_documents WHERE {where}"),
                                params)
            rows = conn.execute(text(
                f"SELECT id, {score} AS score FROM search_documents WHERE {where} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"), params).all()
            facets: dict[str, dict[str, int]] = {name: {} for name in request.facets}
            if request.facets and total:
                for value, count in conn.execute(text(
                        f"SELECT f, count(*) FROM search_documents, unnest(facets) AS f "
                        f"WHERE {where} AND split_part(f, '=', 1) = ANY(:names) GROUP BY f"),
                        {**params, "names": list(request.facets)}):
                    name, _, value = value.partition("=")
                    facets[name][value] = count
        return Found(total, [(r.id, float(r.score)) for r in rows], facets)

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        if not ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT id, title, shown FROM search_documents WHERE id = ANY(:ids)"),
                {"ids": ids})
            return {r.id: Stored(r.title, [tuple(t) for t in r.shown["texts"]],
                                 r.shown["title_count"]) for r in rows}

    def _vocabulary(self, first_letter: str) -> list[tuple[str, int]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT word, df FROM search_words WHERE word LIKE :prefix"),
                {"prefix": first_letter + "%"})]

    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t: conn.scalar(text(
                "SELECT count(*) FROM search_documents WHERE vector @@ CAST(:q AS tsquery)"),
                {"q": _lexeme(t)}) for t in terms}

    def _size(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM search_documents"))

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()
