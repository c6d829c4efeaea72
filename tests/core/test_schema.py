"""The record contract: the checked-in JSON Schema is current, errors name path and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError, fields

from registry.schema import (
    GoodPractice,
    Quantity,
    flatten_errors,
    json_schema,
    load_record,
    missing_fields,
)

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


DOCUMENTS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt")) + sorted(
    (Path(__file__).parents[1] / "data").rglob("*.txt"))


def test_load_record_is_dump_of_load(registry):
    """``load_record`` skips marshmallow's dump; on every seed and test document (amounts,
    Decimal, in several), and on a record with an amount in exponent form, it gives the same."""
    records = [record for path in DOCUMENTS
               for record in registry.imports.import_document(path, dry_run=True).records]
    records.append({**MINIMAL, "resources": [{"type": "financing", "amount": "1.2E+6",
                                              "currency": "USD"}]})
    assert any(r["amount"] for record in records for r in record.get("resources", []))
    for record in records:
        record = {k: v for k, v in record.items() if k != "revision"}
        assert load_record(record) == GoodPractice().dump(GoodPractice().load(record))


def test_only_amounts_need_dumping():
    """What ``load_record`` relies on: every other field loads to its JSON form already."""
    plain = (fields.String, fields.Integer, fields.Float, fields.Boolean, fields.Raw, Quantity)
    containers = (fields.List, fields.Dict, fields.Nested)

    def leaves(schema, path=""):
        for name, field in schema.fields.items():
            yield from walk(field, f"{path}{name}")

    def walk(field, path):
        if isinstance(field, fields.Nested):
            yield from leaves(field.schema, f"{path}.")
        elif isinstance(field, fields.List):
            yield from walk(field.inner, f"{path}[]")
        elif isinstance(field, fields.Dict):
            yield from walk(field.value_field or fields.Raw(), f"{path}{{}}")
        else:
            yield path, field

    needing_dump = [path for path, field in leaves(GoodPractice())
                    if not isinstance(field, plain) or isinstance(field, containers)]
    assert needing_dump == ["resources[].amount"]
