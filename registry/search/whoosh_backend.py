"""The embedded default search backend, on whoosh (the maintained ``whoosh3`` fork)."""

from __future__ import annotations

from pathlib import Path

from whoosh import fields, index, qparser
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.query import And, Every, Or, Term
from whoosh.support.charset import accent_map

from registry.search import Hit, SearchResults, document_for

#: Folds accents so "educacion" finds "educación"; language-neutral until per-language analysis.
FOLDING_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

#: Seconds a writer waits for another process's lock before giving up.
WRITER_TIMEOUT = 60.0

FILTER_FIELDS = ("language", "country", "format", "practice_type", "status", "tag")


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=FOLDING_ANALYZER, field_boost=3.0),
        text=fields.TEXT(analyzer=FOLDING_ANALYZER),
        **{name: fields.KEYWORD(commas=True, lowercase=False) for name in FILTER_FIELDS},
    )


class WhooshIndex:
    """One on-disk index; whoosh's lock file lets one writer in at a time, others wait."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if index.exists_in(directory):
            self._ix = index.open_dir(directory)
        else:
            self._ix = index.create_in(directory, _schema())

    def index(self, records: list[dict]) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        for record in records:
            doc = document_for(record)
            doc["tag"] = ",".join(doc["tag"])
            writer.update_document(**doc)
        writer.commit()

    def delete(self, ids: list[str]) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        for practice_id in ids:
            writer.delete_by_term("id", practice_id)
        writer.commit()

    def clear(self) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        writer.commit(mergetype=index.writing.CLEAR)

    def query(
        self, text: str, *, filters: dict[str, list[str]] | None = None,
        page: int = 1, per_page: int = 20,
    ) -> SearchResults:
        parser = qparser.MultifieldParser(["title", "text"], self._ix.schema, group=qparser.OrGroup)
        query = parser.parse(text) if text.strip() else Every()
        restrict = [Or([Term(name, v) for v in values])
                    for name, values in (filters or {}).items() if values]
        with self._ix.searcher() as searcher:
            found = searcher.search_page(
                query, page, pagelen=per_page, filter=And(restrict) if restrict else None
            )
            hits = [Hit(h["id"], h["title"], float(h.score or 0)) for h in found]
            return SearchResults(text, len(found), page, per_page, hits)
