"""The index follows the registry: imports, edits and deletes show in hits and facet counts."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def facets(registry) -> tuple[int, dict[str, dict[str, int]]]:
    index = registry.search
    results = index.query("", facets=index.facet_names, per_page=1)
    return results.total, {name: {v.value: v.count for v in values}
                           for name, values in results.facets.items()}


def test_facet_counts_follow_imports_edits_and_deletes(empty_registry, seed_paths):
    registry = empty_registry
    registry.imports.import_paths(seed_paths.values())
    total, counts = facets(registry)
    assert total == 5
    assert counts["country"] == {"MX": 4, "CO": 1}
    assert counts["format"] == {"relaf_newsletter": 2, "venice_form": 1, "sdg_action": 1,
                                "oru_fogar": 1}
    assert counts["award"] == {"ORU Fogar Regional Good Practices Award": 1}
    assert counts["vd_tag"] == {"V.D.03": 1, "V.D.08": 1, "V.D.10": 1}

    registry.imports.import_paths([DATA / "venice_queretaro_single_mothers.txt"])
    total, counts = facets(registry)
    assert total == 6 and counts["country"] == {"MX": 5, "CO": 1}
    assert counts["vd_tag"] == {"V.D.03": 1, "V.D.08": 2, "V.D.10": 2}

    jalisco = registry.search.query("Jalisco femmes").hits[0].id
    record = registry.practices.get(jalisco)
    record["jurisdiction"].update(country="CO", subdivision=None, name="Antioquia")
    record["tags"].append({"scheme": "venice_declaration", "code": "V.D.10",
                           "label": "Vulnerable Families"})
    record["awards"] = []
    record["title"] = {"fr": "Femmes qui avancent vers l'autonomie économique"}
    registry.practices.update(jalisco, record, expected_version=1)
    total, counts = facets(registry)
    assert total == 6 and counts["country"] == {"MX": 4, "CO": 2}
    assert counts["vd_tag"]["V.D.10"] == 3 and counts["award"] == {}
    assert registry.search.query("autonomie économique").hits[0].id == jalisco
    assert registry.search.query("", filters={"country": ["CO"]}, per_page=10).total == 2

    registry.practices.delete(jalisco)
    total, counts = facets(registry)
    assert total == 5 and counts["country"] == {"MX": 4, "CO": 1}
    assert counts["vd_tag"]["V.D.10"] == 2
    assert jalisco not in [h.id for h in registry.search.query("autonomie économique").hits]

    registry.imports.import_paths(seed_paths.values())  # Jalisco comes back, the rest unchanged
    total, counts = facets(registry)
    assert total == 6 and counts["country"] == {"MX": 5, "CO": 1}
    assert counts["award"] == {"ORU Fogar Regional Good Practices Award": 1}


def test_clear_and_reindex_give_back_the_same_answers(empty_registry, seed_paths):
    registry = empty_registry
    registry.imports.import_paths(seed_paths.values())
    before = registry.search.query("familia", facets=["country"])
    registry.search.clear()
    assert registry.search.query("").total == 0
    registry.search.index(list(registry.practices.iter_all()))
    after = registry.search.query("familia", facets=["country"])
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.facets == before.facets


def test_a_deleted_practice_is_no_longer_suggested_or_similar(empty_registry, seed_paths):
    registry = empty_registry
    registry.imports.import_paths(seed_paths.values())
    jalisco = registry.search.query("Jalisco").hits[0].id
    assert registry.search.query("Jalsico").suggestion == "Jalisco"
    registry.practices.delete(jalisco)
    assert registry.search.query("Jalsico").suggestion is None
    assert all(jalisco not in [h.id for h in registry.search.similar(other)]
               for other in [r["id"] for r in registry.practices.iter_all()])
