"""Search through the surfaces the lead owns: the concepts hook and the search page."""

from __future__ import annotations

from registry.config import Config
from registry.hookspecs import hookimpl
from registry.services import Registry


class GrandparentCarers:
    """A plugin that teaches search a concept the thesaurus lacks."""

    @hookimpl
    def registry_search_concepts(self):
        return {"grandparent_carers": {
            "en": ["grandparents raising grandchildren"],
            "es": ["abuelas que crían a sus nietos", "abuelas cuidadoras"],
            "fr": ["grands-parents qui élèvent leurs petits-enfants"],
            "pt": ["avós que criam os netos"],
        }}


def test_a_plugin_concept_crosses_languages(tmp_path, seed_paths):
    registry = Registry.from_config(Config(instance_dir=tmp_path),
                                    extra_plugins=(GrandparentCarers(),))
    registry.init()
    record = registry.imports.import_document(seed_paths["sdg_action"]).records[0]
    record["description"] = {"es": "Apoyo económico a las abuelas cuidadoras de Medellín."}
    registry.practices.update(record["id"], record, expected_version=1)
    found = registry.search.query("grandparents raising grandchildren")
    assert [h.id for h in found.hits] == [record["id"]]
    assert found.concepts == ["grandparent_carers"]
    registry.close()


def test_the_search_page_has_snippets_facet_links_and_a_suggestion(app, client, seed_paths):
    app.extensions["registry"].imports.import_paths(seed_paths.values())
    page = client.get("/?q=apoyo+a+familias+monoparentales").get_data(as_text=True)
    assert "Conecta con tu familia" in page and "<mark>single mothers</mark>" in page
    assert 'href="/?q=apoyo+a+familias+monoparentales&amp;country=CO"' in page
    narrowed = client.get("/?q=apoyo+a+familias+monoparentales&country=CO").get_data(
        as_text=True)
    assert "Acompañamiento familiar" in narrowed and "Conecta con tu familia" not in narrowed
    assert 'class="chosen"' in narrowed
    typo = client.get("/?q=fostr+care").get_data(as_text=True)
    assert "Did you mean" in typo and "foster care" in typo
