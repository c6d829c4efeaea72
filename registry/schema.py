"""Record contract v1 (``schema: "good-practice/1"``) as marshmallow 4 schemas.

These schemas are the one definition of the contract: services validate with them, the API
documents itself with them, and ``schemas/good-practice-1.json`` is generated from them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pycountry
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    pre_load,
    validate,
    validates_schema,
)

SCHEMA_ID = "good-practice/1"

PRACTICE_TYPES = (
    "policy", "programme", "project", "service", "technical_cooperation", "event", "other",
)
STATUSES = ("planned", "ongoing", "completed", "unknown")
JURISDICTION_LEVELS = ("country", "region", "municipality", "other")
BENEFICIARY_KINDS = ("planned", "reached")
KPI_KINDS = ("input", "activity", "output", "outcome", "impact")
RESOURCE_TYPES = ("financing", "in_kind", "staff")
TAG_SCHEMES = ("venice_declaration", "sdg_goal", "sdg_target", "keyword")

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _check_partial_date(value: str) -> None:
    if not _PARTIAL_DATE.match(value):
        raise ValidationError(f"{value!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD).")
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a real date: {exc}.") from exc


def _check_country(value: str) -> None:
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code.")


def _check_subdivision(value: str) -> None:
    if pycountry.subdivisions.get(code=value) is None:
        raise ValidationError(f"{value!r} is not an ISO 3166-2 subdivision code.")


def _check_currency(value: str) -> None:
    if pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code.")


def PartialDate(**kwargs: Any) -> fields.String:  # noqa: N802 - reads like a field class
    """An ISO 8601 date, partial where the source is: ``2024``, ``2024-01``, ``2024-01-31``."""
    return fields.String(
        validate=_check_partial_date,
        allow_none=True,
        load_default=None,
        metadata={"pattern": _PARTIAL_DATE.pattern, "description": "partial ISO 8601 date"},
        **kwargs,
    )


def LocalizedText(**kwargs: Any) -> fields.Dict:  # noqa: N802
    """``{language code: text}``, e.g. ``{"es": "Conecta con tu familia"}``."""
    return fields.Dict(
        keys=fields.String(validate=validate.Regexp(_LANGUAGE, error="not a language code")),
        values=fields.String(),
        metadata={"description": "{language code: text}"},
        **kwargs,
    )


def _check_not_empty(value: dict) -> None:
    if not any(text and text.strip() for text in value.values()):
        raise ValidationError("needs a text in at least one language.")


class Quantity(fields.Number):
    """A JSON number that stays an integer when it is whole (21366, not 21366.0)."""

    num_type = float

    def _format_num(self, value: Any) -> int | float:
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise self.make_error("invalid", input=value)
        return int(number) if number.is_integer() else number


def _optional_string(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, load_default=None, **kwargs)


def _nested_list(schema: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(schema), load_default=list)


class ContractSchema(Schema):
    """Base of the contract's schemas: ``null`` for a field with a default means "not given"."""

    @pre_load
    def _null_means_default(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items()
                if value is not None or key not in self.fields
                or self.fields[key].allow_none or self.fields[key].load_default is missing}


class Population(ContractSchema):
    value = fields.Integer(required=True, validate=validate.Range(min=0))
    year = fields.Integer(allow_none=True, load_default=None)


class Jurisdiction(ContractSchema):
    name = _optional_string()
    level = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(JURISDICTION_LEVELS)
    )
    country = _optional_string(validate=_check_country)
    subdivision = _optional_string(validate=_check_subdivision)
    population = fields.Nested(Population, allow_none=True, load_default=None)


class LeadEntity(ContractSchema):
    name = _optional_string()
    type = _optional_string()
    website = _optional_string()


class Contact(ContractSchema):
    name = _optional_string()
    position = _optional_string()
    email = _optional_string()
    phone = _optional_string()
    public = fields.Boolean(load_default=False, metadata={"description": "published only if true"})


class TargetGroup(ContractSchema):
    code = _optional_string()
    label = fields.String(required=True)


class Beneficiary(ContractSchema):
    value = Quantity(required=True, validate=validate.Range(min=0))
    unit = _optional_string()
    kind = fields.String(load_default="reached", validate=validate.OneOf(BENEFICIARY_KINDS))
    period_start = PartialDate()
    period_end = PartialDate()
    description = _optional_string()


class Stakeholder(ContractSchema):
    name = fields.String(required=True)
    role = _optional_string()
    contribution = _optional_string()


class Observation(ContractSchema):
    period_start = PartialDate()
    period_end = PartialDate()
    value = Quantity(required=True)
    cumulative = fields.Boolean(load_default=False)


class Kpi(ContractSchema):
    id = _optional_string()
    name = fields.String(required=True)
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(KPI_KINDS))
    unit = _optional_string()
    frequency = _optional_string()
    direction = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(("higher", "lower"))
    )
    observations = _nested_list(Observation)


class Resource(ContractSchema):
    type = fields.String(required=True, validate=validate.OneOf(RESOURCE_TYPES))
    amount = fields.Decimal(as_string=True, allow_none=True, load_default=None, allow_nan=False)
    currency = _optional_string(validate=_check_currency)
    period_start = PartialDate()
    period_end = PartialDate()
    headcount = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0))
    description = _optional_string()

    @validates_schema
    def _amount_has_currency(self, data: dict, **_: Any) -> None:
        if data.get("amount") is not None and not data.get("currency"):
            raise ValidationError("an amount needs its ISO 4217 currency", "currency")


class Event(ContractSchema):
    date = PartialDate()
    title = fields.String(required=True)
    place = _optional_string()


class Evaluation(ContractSchema):
    type = _optional_string()
    summary = _optional_string()
    date = PartialDate()
    url = _optional_string()


class Tag(ContractSchema):
    scheme = fields.String(required=True, validate=validate.OneOf(TAG_SCHEMES))
    code = fields.String(required=True)
    label = _optional_string()
    derived = fields.Boolean(
        load_default=False, metadata={"description": "inferred by a plugin, not declared"}
    )
    method = _optional_string(metadata={"description": "plugin and version that derived it"})
    confidence = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(min=0, max=1)
    )
    evidence = fields.List(fields.String(), load_default=list)


_TAGS = Tag(many=True)
_TAG_FIELDS = frozenset(Tag._declared_fields)


def load_tags(tags: object) -> list[dict]:
    """``Tag(many=True).load(tags)``: the same dicts, or the same ``ValidationError``.

    Plugins derive tags for every imported record, so the common case, plain dicts whose
    values already have the field types, is checked directly; anything else (a missing or
    unknown key, a null, a string where a number goes, a value out of range) goes through
    marshmallow, which decides.
    """
    if type(tags) is list:
        checked = [_plain_tag(tag) for tag in tags]
        if None not in checked:
            return checked
    return _TAGS.load(tags)


def _plain_tag(tag: object) -> dict | None:
    """A tag loaded as ``Tag`` loads it, or None when marshmallow must look at it."""
    if type(tag) is not dict or not tag.keys() <= _TAG_FIELDS:
        return None
    scheme, code = tag.get("scheme"), tag.get("code")
    label, method = tag.get("label"), tag.get("method")
    derived, confidence = tag.get("derived", False), tag.get("confidence")
    evidence = tag.get("evidence", [])
    if (type(scheme) is not str or scheme not in TAG_SCHEMES or type(code) is not str
            or not (label is None or type(label) is str)
            or not (method is None or type(method) is str)
            or type(derived) is not bool
            or not (confidence is None or (type(confidence) in (int, float)
                                           and 0 <= confidence <= 1))
            or type(evidence) is not list
            or not all(type(word) is str for word in evidence)):
        return None
    return {"scheme": scheme, "code": code, "label": label, "derived": derived,
            "method": method, "confidence": None if confidence is None else float(confidence),
            "evidence": list(evidence)}


class _TagList(fields.List):
    """The record's tags: loaded like ``load_tags`` loads derived ones, so that the tags an
    importer declares (twenty and more in a Venice form) skip marshmallow's per-field steps
    when they are plain dicts. Anything else gets ``List(Nested(Tag))``'s load and errors."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list:
        if type(value) is list:
            checked = [_plain_tag(tag) for tag in value]
            if None not in checked:
                return checked
        return super()._deserialize(value, attr, data, **kwargs)


class Award(ContractSchema):
    award = fields.String(required=True)
    edition = _optional_string()
    year = fields.Integer(allow_none=True, load_default=None)
    registration_no = _optional_string()
    total_score = Quantity(allow_none=True, load_default=None)
    outcome = _optional_string()


class Link(ContractSchema):
    url = fields.String(required=True)
    kind = _optional_string()


class Provenance(ContractSchema):
    format = fields.String(required=True)
    source_id = fields.String(required=True)
    language = _optional_string()
    sha256 = _optional_string()
    parser_version = _optional_string()
    imported_at = _optional_string(metadata={"format": "date-time"})
    raw = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


class GoodPractice(ContractSchema):
    """One good practice: the JSON that import, show and the API speak."""

    schema = fields.String(load_default=SCHEMA_ID, validate=validate.Equal(SCHEMA_ID))
    id = _optional_string(metadata={"description": "stable id, assigned by the registry"})
    revision = fields.Integer(
        dump_only=True, metadata={"description": "current revision number (optimistic lock)"}
    )
    language = fields.String(required=True, validate=validate.Regexp(_LANGUAGE))
    title = LocalizedText(required=True, validate=_check_not_empty)
    summary = LocalizedText(allow_none=True, load_default=None)
    description = LocalizedText(allow_none=True, load_default=None)
    aims = fields.List(LocalizedText(), load_default=list)
    practice_type = fields.String(load_default="other", validate=validate.OneOf(PRACTICE_TYPES))
    status = fields.String(load_default="unknown", validate=validate.OneOf(STATUSES))
    start_date = PartialDate()
    end_date = PartialDate()
    period_text = _optional_string()
    jurisdiction = fields.Nested(Jurisdiction, load_default=lambda: Jurisdiction().load({}))
    lead_entity = fields.Nested(LeadEntity, load_default=lambda: LeadEntity().load({}))
    implementing_unit = _optional_string()
    contacts = _nested_list(Contact)
    target_groups = _nested_list(TargetGroup)
    target_groups_text = _optional_string()
    beneficiaries = _nested_list(Beneficiary)
    stakeholders = _nested_list(Stakeholder)
    kpis = _nested_list(Kpi)
    resources = _nested_list(Resource)
    events = _nested_list(Event)
    evaluations = _nested_list(Evaluation)
    future_goals = fields.List(LocalizedText(), load_default=list)
    tags = _TagList(fields.Nested(Tag), load_default=list)
    awards = _nested_list(Award)
    links = _nested_list(Link)
    provenance = fields.Nested(Provenance, required=True)

    @validates_schema
    def _dates_in_order(self, data: dict, **_: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start[: len(end)]:
            raise ValidationError(f"end_date {end} is before start_date {start}", "end_date")


RECORD_FIELDS: tuple[str, ...] = tuple(GoodPractice._declared_fields)

_CONTRACT = GoodPractice()
_AMOUNT = Resource._declared_fields["amount"]


def load_record(record: dict) -> dict:
    """``GoodPractice().dump(GoodPractice().load(record))``: the record as the contract reads
    it, in its JSON form, or the ``ValidationError``.

    Every imported record goes through this. What ``load`` gives is already that JSON form
    but for amounts, which it reads as ``Decimal``: those alone are dumped, rather than the
    whole record a second time (``tests/core/test_schema.py`` checks that no other field
    type needs dumping).
    """
    loaded = _CONTRACT.load(record)
    for resource in loaded["resources"]:
        if resource["amount"] is not None:
            resource["amount"] = _AMOUNT.serialize("amount", resource)
    return loaded

#: Fields a user expects filled in; ``missing_fields`` reports the ones that are empty.
EXPECTED_FIELDS = (
    "title", "description", "aims", "start_date", "end_date", "jurisdiction.country",
    "lead_entity.name", "target_groups", "beneficiaries", "stakeholders", "kpis", "resources",
)


def flatten_errors(messages: dict | list | str, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into ``{"kpis.0.observations.1.value": [reasons]}``."""
    if isinstance(messages, str):
        return {prefix or "_record": [messages]}
    if isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            return {prefix or "_record": list(messages)}
        out: dict[str, list[str]] = {}
        for item in messages:
            out.update(flatten_errors(item, prefix))
        return out
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = str(key) if key != "_schema" else ""
        child = f"{prefix}.{path}" if prefix and path else (path or prefix)
        for name, reasons in flatten_errors(value, child).items():
            flat.setdefault(name, []).extend(reasons)
    return flat


def missing_fields(record: dict) -> list[str]:
    """The expected fields this record leaves empty, for ``registry show`` and the preview."""
    missing = []
    for path in EXPECTED_FIELDS:
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value in (None, "", [], {}):
            missing.append(path)
    return missing


def json_schema() -> dict:
    """The contract as JSON Schema (2020-12), generated through apispec's marshmallow converter."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec("good-practice", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    spec.components.schema("GoodPractice", schema=GoodPractice)
    components = spec.to_dict()["components"]["schemas"]
    root = components.pop("GoodPractice")
    text = _rewrite_refs({**root, "$defs": components})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://good-practice-registry.org/schemas/good-practice-1.json",
        "title": "Good practice record, contract v1",
        **text,
    }


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _rewrite_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


if __name__ == "__main__":  # python -m registry.schema > schemas/good-practice-1.json
    import json
    import sys

    json.dump(json_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
