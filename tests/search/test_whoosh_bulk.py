"""Whoosh's faster writing path gives the index ``update_document`` gives, term by term."""

from __future__ import annotations

from pathlib import Path

from registry.search.whoosh_backend import POSTINGS_PER_BLOCK, WhooshIndex, _fields

WORDS = ("familia", "families", "niños", "violencia", "género", "pobreza", "crianza",
         "femmes", "logement", "écoles", "jóvenes", "día", "día")


def record(n: int, edit: str = "") -> dict:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(5 + n % 9)]
    return {
        "id": f"gp-{n:04d}", "language": ("es", "en", "fr")[n % 3],
        "title": {("es", "en", "fr")[n % 3]: f"Programa {words[0]} {n} {edit}".strip()},
        "description": {"es": " ".join(words * (1 + n % 3))},
        "start_date": f"{2000 + n % 20}-0{1 + n % 9}",
        "jurisdiction": {"country": ("MX", "CO", "FR")[n % 3], "level": "municipality"},
        "target_groups": [{"code": "children", "label": "Niños y niñas"}],
        "tags": [{"scheme": "sdg_goal", "code": str(1 + n % 17), "derived": bool(n % 2)}],
        "kpis": [{"name": "hogares atendidos"}] if n % 2 else [],
        "provenance": {"format": "venice_form", "source_id": str(n)},
    }


def dump(index: WhooshIndex) -> dict:
    """Every term's postings (practice id, weight, value) and statistics, stored fields,
    lengths, columns."""
    out: dict = {}
    with index._ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        for name in ("id", "title", "text", "concepts", "spell"):
            for term in reader.lexicon(name):
                matcher = reader.postings(name, term)
                postings = []
                while matcher.is_active():
                    postings.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                info = reader.term_info(name, term)
                stats = (info.weight(), info.doc_frequency(), info.min_length(),
                         info.max_length(), info.max_weight())
                out[f"{name}:{term!r}"] = (sorted(postings), stats)
        out["docs"] = sorted(
            (fields["id"], repr(fields["shown"]),
             *(reader.doc_field_length(docnum, name) for name in ("title", "text", "concepts")),
             reader.column_reader("meta")[docnum])
            for docnum, fields in reader.iter_docs())
        out["count"] = (reader.doc_count(), reader.doc_count_all())
    return out


def update_documents_as_whoosh_does(index: WhooshIndex, records: list[dict]) -> None:
    with index.writer_turn():
        writer = index._ix.writer(limitmb=256)
        for doc in index._documents(records):
            fields = _fields(doc)
            writer.update_document(**{name: " ".join(value) if isinstance(value, list) else value
                                      for name, value in fields.items()})
        writer.commit()


def test_index_and_bulk_write_what_update_document_writes(tmp_path: Path) -> None:
    first = [record(n) for n in range(40)]
    second = [record(n, "revised") for n in range(0, 40, 3)] + [record(n) for n in range(40, 50)]
    reference = WhooshIndex(tmp_path / "reference")
    fast = WhooshIndex(tmp_path / "fast")
    bulk = WhooshIndex(tmp_path / "bulk")
    for batch in (first, second):
        update_documents_as_whoosh_does(reference, batch)
        fast.index(batch)
        with bulk.bulk() as add:
            for start in range(0, len(batch), 7):
                add(batch[start:start + 7])
    expected = dump(reference)
    assert expected["count"] == (50, 64)  # the revised ones replaced, not added twice
    assert dump(fast) == expected
    assert dump(bulk) == expected
    for query in ("familia", "violencia género", "niños", ""):
        assert bulk.query(query, per_page=50, facets=bulk.facet_names) \
            == reference.query(query, per_page=50, facets=reference.facet_names)
    for index in (reference, fast, bulk):
        index.close()


def test_bulk_with_nothing_added_commits_nothing(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    generation = index._ix.latest_generation()
    with index.bulk() as add:
        add([])
    assert index._ix.latest_generation() == generation
    index.close()


def test_postings_longer_than_a_block_read_back_whole(tmp_path: Path) -> None:
    """More practices than ``POSTINGS_PER_BLOCK`` share words: their postings span blocks,
    and searching them finds what whoosh's own writer (128 postings a block) gives."""
    records = [record(n) for n in range(POSTINGS_PER_BLOCK + 80)]
    reference = WhooshIndex(tmp_path / "reference")
    bulk = WhooshIndex(tmp_path / "bulk")
    update_documents_as_whoosh_does(reference, records)
    with bulk.bulk() as add:
        for start in range(0, len(records), 64):
            add(records[start:start + 64])
    assert dump(bulk) == dump(reference)
    assert bulk.query("programa", per_page=1).total == len(records)  # every title has it
    for query in ("programa", "familia niños", "violencia"):
        assert bulk.query(query, per_page=20, facets=bulk.facet_names) \
            == reference.query(query, per_page=20, facets=reference.facet_names)
    for index in (reference, bulk):
        index.close()
