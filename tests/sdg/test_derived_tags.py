"""Tags, derived by a plugin or declared in a record, are loaded like ``Tag(many=True).load``
whatever they hold."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

from registry.schema import GoodPractice, Tag, load_tags

MARSHMALLOW = Tag(many=True)


class PlainGoodPractice(GoodPractice):
    """The contract with its tags loaded by marshmallow alone."""

    tags = fields.List(fields.Nested(Tag), load_default=list)


RECORD = {"language": "es", "title": {"es": "Conecta"},
          "provenance": {"format": "test", "source_id": "t"}}


def record_outcome(schema: GoodPractice, tags: object) -> tuple[str, str]:
    return outcome(lambda value: schema.load({**RECORD, "tags": value}), tags)


def outcome(load, tags: object) -> tuple[str, str]:
    """The loaded tags as JSON (key order included), or the validation messages."""
    try:
        return "ok", json.dumps(load(tags))
    except ValidationError as exc:
        return "invalid", json.dumps(exc.messages, sort_keys=True)
    except TypeError as exc:
        return "type error", str(exc)


EXAMPLES = [
    [],
    [{"scheme": "sdg_goal", "code": "5"}],
    [{"scheme": "sdg_target", "code": "5.2", "label": "End violence", "derived": True,
      "method": "sdg", "confidence": 0.81, "evidence": ["violencia de género"]}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": 1, "evidence": []}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": 0}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": 1.5}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": math.nan}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": True}],
    [{"scheme": "sdg_goal", "code": "1", "confidence": "0.5"}],
    [{"scheme": "sdg_goal", "code": "1", "label": None, "method": None, "evidence": None}],
    [{"scheme": "sdg_goal", "code": "1", "derived": None}],
    [{"scheme": "sdg_goal", "code": "1", "derived": "yes"}],
    [{"scheme": "sdg_goal", "code": 1}],
    [{"scheme": "nope", "code": "1"}],
    [{"scheme": "sdg_goal"}],
    [{"scheme": "sdg_goal", "code": "1", "extra": "x"}],
    [{"scheme": "sdg_goal", "code": "1", "evidence": ("a", "b")}],
    [{"scheme": "sdg_goal", "code": "1", "evidence": ["a", 2]}],
    [{"scheme": "sdg_goal", "code": "1"}, "not a tag"],
    ({"scheme": "sdg_goal", "code": "1"},),
    "not a list",
    None,
]


@pytest.mark.parametrize("tags", EXAMPLES)
def test_load_tags_is_marshmallow_load(tags: object) -> None:
    assert outcome(load_tags, tags) == outcome(MARSHMALLOW.load, tags)


@pytest.mark.parametrize("tags", EXAMPLES)
def test_a_records_tags_load_as_marshmallow_loads_them(tags: object) -> None:
    assert record_outcome(GoodPractice(), tags) == record_outcome(PlainGoodPractice(), tags)


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.floats(-0.5, 1.5),
                   st.sampled_from(["sdg_goal", "sdg_target", "keyword", "x", ""]),
                   st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3))
KEYS = st.sampled_from(["scheme", "code", "label", "derived", "method", "confidence",
                        "evidence", "other"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=8), max_size=3))
def test_load_tags_matches_marshmallow_on_any_dicts(tags: list[dict]) -> None:
    assert outcome(load_tags, tags) == outcome(MARSHMALLOW.load, tags)
    assert record_outcome(GoodPractice(), tags) == record_outcome(PlainGoodPractice(), tags)


def test_loaded_tags_are_new_lists() -> None:
    evidence = ["a"]
    loaded, = load_tags([{"scheme": "sdg_goal", "code": "1", "evidence": evidence}])
    assert loaded["evidence"] == evidence and loaded["evidence"] is not evidence
