"""The record contract: the checked-in JSON Schema is current, errors name path and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from registry.schema import GoodPractice, flatten_errors, json_schema, missing_fields

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "good-practice-1.json"
MINIMAL = {"language": "es", "title": {"es": "Conecta con tu familia"},
           "provenance": {"format": "venice_form", "source_id": "x"}}


def test_checked_in_json_schema_is_current():
    on_disk = json.loads(SCHEMA_FILE.read_text())
    assert on_disk == json_schema(), (
        "schemas/good-practice-1.json is stale: run `make schema` and commit the result")


def test_json_schema_describes_the_fixed_fields():
    schema = json_schema()
    assert schema["properties"]["schema"]["enum"] == ["good-practice/1"]
    for name in ("id", "language", "title", "jurisdiction", "kpis", "resources", "provenance"):
        assert name in schema["properties"]
    assert set(schema["$defs"]["Kpi"]["properties"]) >= {
        "id", "name", "kind", "unit", "frequency", "direction", "observations"}


def test_minimal_record_gets_defaults():
    record = GoodPractice().dump(GoodPractice().load(MINIMAL))
    assert record["schema"] == "good-practice/1"
    assert record["status"] == "unknown"
    assert record["kpis"] == [] and record["start_date"] is None


@pytest.mark.parametrize(("patch", "path", "reason"), [
    ({"kpis": [{"name": "k", "observations": [{"value": "12,x"}]}]},
     "kpis.0.observations.0.value", "Not a valid number"),
    ({"start_date": "2024-13"}, "start_date", "not a real date"),
    ({"jurisdiction": {"country": "XX"}}, "jurisdiction.country", "ISO 3166-1"),
    ({"resources": [{"type": "financing", "amount": "10", "currency": "ABC"}]},
     "resources.0.currency", "ISO 4217"),
    ({"resources": [{"type": "financing", "amount": "10"}]},
     "resources.0.currency", "needs its ISO 4217 currency"),
    ({"title": {"es": "  "}}, "title", "at least one language"),
    ({"start_date": "2024-05", "end_date": "2023"}, "end_date", "before start_date"),
    ({"practice_type": "poem"}, "practice_type", "Must be one of"),
])
def test_validation_errors_name_the_field_path_and_reason(patch, path, reason):
    with pytest.raises(ValidationError) as caught:
        GoodPractice().load({**MINIMAL, **patch})
    flat = flatten_errors(caught.value.messages)
    assert path in flat, flat
    assert any(reason in message for message in flat[path]), flat


def test_missing_fields_lists_empty_expected_fields():
    record = GoodPractice().dump(GoodPractice().load(MINIMAL))
    missing = missing_fields(record)
    assert "description" in missing and "jurisdiction.country" in missing
    assert "title" not in missing
