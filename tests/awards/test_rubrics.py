"""Rubrics as data: validation errors name the field, plugins provide rubrics, labels fall back."""

from __future__ import annotations

import copy

import pluggy
import pytest

from plugins.rubrics import guangzhou_award, habitat_award, oru_award
from registry.hookspecs import hookimpl
from registry.plugins import build_plugin_manager, describe_plugins
from registry.rubrics import (
    Rubric,
    RubricInvalid,
    collect_rubrics,
    label,
    load_rubric,
    localized,
    rubric_from_yaml,
    score_problem,
)

from .extra_rubric_plugin import family_award

RUBRIC_PLUGINS = {
    "oru_award": oru_award,
    "habitat_award": habitat_award,
    "guangzhou_award": guangzhou_award,
}
SHIPPED = {
    "oru-regional-good-practices": (
        "sum_of_jurors",
        ["impact", "innovation", "sustainability", "transferability", "participation"],
    ),
    "un-habitat-dubai-best-practices": (
        "mean",
        ["impact", "partnership", "sustainability", "leadership_empowerment",
         "gender_inclusion", "innovation_transferability"],
    ),
    "guangzhou-urban-innovation": (
        "trimmed_mean",
        ["innovativeness", "effectiveness", "transferability", "significance"],
    ),
}
LANGUAGES = ("en", "es", "fr")

VALID = {
    "id": "test-award",
    "title": {"en": "Test award", "fr": "Prix test"},
    "scale": {"min": 0, "max": 10, "step": 1},
    "aggregate": "mean",
    "criteria": [
        {"id": "impact", "weight": 2, "label": {"en": "Impact", "es": "Impacto"}},
        {"id": "innovation", "label": {"en": "Innovation"}},
    ],
}


def rubric_manager(*extra: object) -> pluggy.PluginManager:
    """The three rubric plugins: loaded from their entry points where installed, registered
    by hand under the same names where not, then any ``extra`` plugins."""
    pm = build_plugin_manager()
    for name, module in RUBRIC_PLUGINS.items():
        if not pm.is_registered(module):
            pm.register(module, name=name)
    for plugin in extra:
        pm.register(plugin)
    return pm


def changed(path: str, value: object) -> dict:
    """VALID with one field (dotted path, list indexes as numbers) set or, for ..., removed."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target: object = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key = int(last) if isinstance(target, list) else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


# -- validation ----------------------------------------------------------------------------


def test_a_valid_rubric_loads_with_defaults_filled_in():
    rubric = load_rubric(VALID, "test")
    assert isinstance(rubric, Rubric)
    assert rubric.origin == "test"
    assert [c.id for c in rubric.criteria] == ["impact", "innovation"]
    impact, innovation = rubric.criteria
    assert (impact.weight, impact.max_points, impact.allow_na) == (2, 10, False)
    assert innovation.weight == 1
    assert rubric.max_total == 30
    assert rubric.as_dict()["criteria"][0]["id"] == "impact"
    assert rubric.criterion("innovation") is innovation
    with pytest.raises(KeyError, match="impact, innovation"):
        rubric.criterion("nope")


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("title", ..., "title", "Missing data"),
        ("title", {"fr": "Prix"}, "title", "'en'"),
        ("id", "ORU Award", "id", "lower-case"),
        ("scale.max", 0, "scale.max", "greater than min"),
        ("scale.step", 0, "scale.step", "greater than 0"),
        ("scale.step", 3, "scale.step", "whole number of steps"),
        ("aggregate", "average", "aggregate", "Must be one of"),
        ("aggregate", "trimmed_mean", "trim", "trimmed_mean needs"),
        ("trim", 0.2, "trim", "only applies to trimmed_mean"),
        ("criteria", [], "criteria", "Shorter than minimum length 1"),
        ("criteria.0.weight", 0, "criteria.0.weight", "greater than 0"),
        ("criteria.0.weight", "heavy", "criteria.0.weight", "Not a valid number"),
        ("criteria.1.label", {"es": "Innovación"}, "criteria.1.label", "'en'"),
        ("criteria.1.id", "impact", "criteria.1.id", "already the id of criteria.0"),
        ("criteria.0.id", "juror", "criteria.0.id", "reserved"),
        ("criteria.0.max_points", 7.5, "criteria.0.max_points", "not on the scale's steps"),
        ("criteria.0.max_points", 0, "criteria.0.max_points", "greater than the scale's min"),
        ("criteria.0.wieght", 2, "criteria.0.wieght", "Unknown field"),
        ("source", {"title": "Rules", "url": "not a url"}, "source.url", "Not a valid URL"),
        ("allow_na", "perhaps", "allow_na", "Not a valid boolean"),
    ],
)
def test_validation_errors_name_the_field_path(path, value, field, reason):
    with pytest.raises(RubricInvalid) as caught:
        load_rubric(changed(path, value), "plugin 'test_plugin'")
    error = caught.value
    assert field in error.fields, error.fields
    assert reason in " ".join(error.fields[field])
    assert field in error.message and "plugin 'test_plugin'" in error.message
    assert error.code == "rubric_invalid"


def test_trimmed_mean_with_its_trim_share_is_valid():
    rubric = load_rubric(changed("aggregate", "trimmed_mean") | {"trim": 0.25}, "test")
    assert (rubric.aggregate, rubric.trim) == ("trimmed_mean", 0.25)


def test_a_rubric_that_is_not_a_mapping_is_rejected():
    with pytest.raises(RubricInvalid, match="must be a mapping of fields, got list"):
        load_rubric(["id", "x"], "plugin 'p'")  # type: ignore[arg-type]


def test_yaml_rubrics_load_and_bad_yaml_says_where():
    rubric = rubric_from_yaml(
        "id: yaml-award\ntitle: {en: Y}\nscale: {min: 1, max: 5, step: 1}\n"
        "aggregate: median\ncriteria:\n  - {id: impact, label: {en: Impact}}\n",
        "award.yml",
    )
    assert (rubric.scale.min, rubric.aggregate, rubric.origin) == (1, "median", "award.yml")
    with pytest.raises(RubricInvalid, match="award.yml: not valid YAML"):
        rubric_from_yaml("id: [unclosed\n", "award.yml")


def test_score_problem_names_scale_and_step():
    rubric = load_rubric(changed("criteria.0.max_points", 6), "test")
    impact, innovation = rubric.criteria
    assert score_problem(6, rubric, impact) is None
    assert score_problem(7, rubric, impact) == "7 is outside the scale 0..6."
    assert score_problem(7, rubric, innovation) is None
    assert score_problem(2.5, rubric, innovation) == "2.5 is not on the scale's steps of 1 from 0."
    assert score_problem(float("nan"), rubric, innovation) == "nan is not a number."


# -- labels --------------------------------------------------------------------------------


def test_labels_fall_back_to_english():
    rubric = load_rubric(VALID, "test")
    impact, innovation = rubric.criteria
    assert label(impact, "es") == "Impacto"
    assert label(impact, "es-MX") == "Impacto"
    assert label(innovation, "es") == "Innovation"
    assert label(rubric, "fr") == "Prix test"
    assert label(rubric, "de") == "Test award"
    assert localized({"fr": "seulement"}, "es") == "seulement"
    assert localized({}, "es") == ""


# -- plugins -------------------------------------------------------------------------------


def test_the_three_rubric_plugins_load_through_a_plugin_manager():
    pm = rubric_manager()
    described = {p["name"]: p for p in describe_plugins(pm)}
    for name in RUBRIC_PLUGINS:
        assert described[name]["hooks"] == ["registry_rubrics"]
    rubrics = collect_rubrics(pm)
    assert set(rubrics) == set(SHIPPED)
    for rubric_id, (aggregate, criteria) in SHIPPED.items():
        rubric = rubrics[rubric_id]
        assert rubric.aggregate == aggregate
        assert [c.id for c in rubric.criteria] == criteria
        assert (rubric.scale.min, rubric.scale.max, rubric.scale.step) == (0, 10, 1)
        assert rubric.origin.startswith("plugin ")
        for text in (rubric.title, rubric.description, rubric.note):
            assert all(text.get(lang) for lang in LANGUAGES), (rubric_id, text)
        for criterion in rubric.criteria:
            assert all(criterion.label.get(lang) for lang in LANGUAGES), criterion.id
            assert all(criterion.description.get(lang) for lang in LANGUAGES), criterion.id
        assert rubric.source is not None and rubric.source.title


def test_public_criteria_cite_their_source_and_the_oru_rubric_says_it_is_a_stand_in():
    rubrics = collect_rubrics(rubric_manager())
    oru = rubrics["oru-regional-good-practices"]
    assert oru.stand_in
    assert "does not publish" in oru.note["en"] and "stand-in" in oru.note["en"]
    assert "does not publish" in oru.source.title
    habitat = rubrics["un-habitat-dubai-best-practices"]
    guangzhou = rubrics["guangzhou-urban-innovation"]
    assert not habitat.stand_in and not guangzhou.stand_in
    assert habitat.source.url.startswith("http") and "Criteria" in habitat.source.title
    assert "guangzhouaward.org" in guangzhou.source.url
    assert guangzhou.trim == 0.2


def test_the_hook_returns_raw_rubric_data_that_collect_validates():
    pm = rubric_manager()
    batches = pm.hook.registry_rubrics()
    ids = {data["id"] for batch in batches for data in batch}
    assert ids == set(SHIPPED)


def test_a_fourth_rubric_comes_from_a_separate_package_without_touching_the_core():
    rubrics = collect_rubrics(rubric_manager(family_award))
    assert set(rubrics) == {*SHIPPED, "inclusive-cities-family-award"}
    family = rubrics["inclusive-cities-family-award"]
    outcomes, fit, cost = family.criteria
    assert (outcomes.weight, fit.max_points, cost.allow_na, fit.allow_na) == (2, 5, True, False)
    assert family.aggregate == "median" and family.scale.step == 0.5
    assert label(cost, "fr") == "Coût par famille"
    assert "family_award" in family.origin


class DuplicatePlugin:
    """Claims the Guangzhou rubric's id."""

    @hookimpl
    def registry_rubrics(self) -> list[dict]:
        return [dict(VALID, id="guangzhou-urban-innovation")]


class NotAListPlugin:
    @hookimpl
    def registry_rubrics(self) -> dict:
        return VALID


class InvalidRubricPlugin:
    @hookimpl
    def registry_rubrics(self) -> list[dict]:
        return [changed("scale.step", -1)]


def test_a_duplicate_rubric_id_names_both_plugins():
    pm = rubric_manager()
    pm.register(DuplicatePlugin(), name="copycat_plugin")
    with pytest.raises(RubricInvalid) as caught:
        collect_rubrics(pm)
    assert caught.value.message == (
        "rubric id 'guangzhou-urban-innovation' is provided twice: by plugin 'guangzhou_award' "
        "and by plugin 'copycat_plugin'; block one of them or rename a rubric."
    )


def test_a_plugin_returning_something_else_than_a_list_is_named():
    pm = build_plugin_manager()
    pm.register(NotAListPlugin(), name="broken_plugin")
    with pytest.raises(RubricInvalid, match=r"plugin 'broken_plugin': registry_rubrics\(\) must "
                                            r"return a list of rubrics, got dict"):
        collect_rubrics(pm)


class RaisingPlugin:
    @hookimpl
    def registry_rubrics(self) -> list[dict]:
        raise OSError("rubric file not found")


def test_a_plugin_that_raises_is_named():
    pm = build_plugin_manager()
    pm.register(RaisingPlugin(), name="raising_plugin")
    with pytest.raises(RubricInvalid, match="plugin 'raising_plugin': registry_rubrics\\(\\) "
                                            "raised OSError: rubric file not found"):
        collect_rubrics(pm)


def test_an_invalid_plugin_rubric_names_plugin_rubric_and_field():
    pm = build_plugin_manager()
    pm.register(InvalidRubricPlugin(), name="sloppy_plugin")
    with pytest.raises(RubricInvalid) as caught:
        collect_rubrics(pm)
    assert "rubric 'test-award' from plugin 'sloppy_plugin' is invalid" in caught.value.message
    assert "scale.step" in caught.value.fields
