"""The embedded default search backend, on whoosh (the maintained ``whoosh3`` fork)."""

from __future__ import annotations

from pathlib import Path

from whoosh import fields, index, qparser
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.query import And, Every, Or, Term
from whoosh.support.charset import accent_map
from whoosh.writing import CLEAR

from registry.search import Hit, SearchField, SearchResults, document_for

#: Folds accents so "educacion" finds "educación"; language-neutral until per-language analysis.
FOLDING_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

#: Seconds a writer waits for another process's lock before giving up.
WRITER_TIMEOUT = 60.0

FILTER_FIELDS = ("language", "country", "format", "practice_type", "status", "tag")


def _keyword() -> fields.KEYWORD:
    return fields.KEYWORD(commas=True, lowercase=False)


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=FOLDING_ANALYZER, field_boost=3.0),
        text=fields.TEXT(analyzer=FOLDING_ANALYZER),
        **{name: _keyword() for name in FILTER_FIELDS},
    )


class WhooshIndex:
    """One on-disk index; whoosh's lock file lets one writer in at a time, others wait.

    ``extra_fields`` come from plugins (``registry_search_fields``): each is indexed as a
    filterable keyword field; an index made before a plugin was installed gains its field.
    """

    def __init__(self, directory: Path, extra_fields: list[SearchField] = ()) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.extra_fields = list(extra_fields)
        if index.exists_in(directory):
            self._ix = index.open_dir(directory)
        else:
            self._ix = index.create_in(directory, _schema())
        missing = [f.name for f in self.extra_fields if f.name not in self._ix.schema]
        if missing:
            writer = self._ix.writer(timeout=WRITER_TIMEOUT)
            for name in missing:
                writer.add_field(name, _keyword())
            writer.commit()

    def index(self, records: list[dict]) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        for record in records:
            doc = document_for(record, self.extra_fields)
            writer.update_document(**{k: ",".join(v) if isinstance(v, list) else v
                                      for k, v in doc.items()})
        writer.commit()

    def delete(self, ids: list[str]) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        for practice_id in ids:
            writer.delete_by_term("id", practice_id)
        writer.commit()

    def clear(self) -> None:
        writer = self._ix.writer(timeout=WRITER_TIMEOUT)
        writer.commit(mergetype=CLEAR)

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
