"""Award rubrics as data: loaded from a plugin's ``registry_rubrics()`` hook or from YAML.

A rubric says what jurors score (criteria with labels in several languages, weights and
points), on which scale, whether "not applicable" is allowed, and how the jurors' totals
combine into an entry's score. It is validated here once, at start-up, so that a broken
rubric fails with the path of the bad field instead of surfacing mid-edition.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pluggy
import yaml
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from registry.errors import RegistryError
from registry.schema import LocalizedText, flatten_errors

AGGREGATES = ("sum_of_jurors", "mean", "median", "trimmed_mean")
FALLBACK_LANGUAGE = "en"
#: Column names of the score CSV; a criterion may not take them.
RESERVED_CRITERION_IDS = ("entry", "juror")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_STEP_TOLERANCE = 1e-9


class RubricInvalid(RegistryError):
    """A rubric breaks the rubric contract; ``fields`` maps field paths to reasons."""

    code = "rubric_invalid"


@dataclass(frozen=True)
class Scale:
    """The points a juror may give: ``min``, ``min + step``, ... up to ``max``."""

    min: float
    max: float
    step: float


@dataclass(frozen=True)
class Criterion:
    """One scored criterion. ``max_points`` is its top score (the scale's max unless set)."""

    id: str
    label: dict[str, str]
    description: dict[str, str]
    weight: float
    max_points: float
    allow_na: bool


@dataclass(frozen=True)
class RubricSource:
    """Where the criteria are published, so a reader can check them."""

    title: str
    url: str | None


@dataclass(frozen=True)
class Rubric:
    """A validated rubric; ``origin`` names the plugin (or file) that provided it."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    scale: Scale
    allow_na: bool
    aggregate: str
    trim: float | None
    criteria: tuple[Criterion, ...]
    source: RubricSource | None
    note: dict[str, str]
    stand_in: bool
    origin: str

    @property
    def max_total(self) -> float:
        """The best weighted total one juror can give an entry."""
        return sum(c.weight * c.max_points for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; ``KeyError`` names the known ones."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        known = ", ".join(c.id for c in self.criteria)
        raise KeyError(f"rubric {self.id!r} has no criterion {criterion_id!r} (known: {known})")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and for freezing the rubric with an edition's results."""
        return dataclasses.asdict(self)


def _needs_fallback_language(text: dict) -> None:
    if not (text.get(FALLBACK_LANGUAGE) or "").strip():
        raise ValidationError(
            f"needs a text in {FALLBACK_LANGUAGE!r}, the language every label falls back to."
        )


def on_step(value: float | np.ndarray, start: float, step: float) -> np.bool_ | np.ndarray:
    """Whether ``value`` (a number or a numpy array) is a whole number of steps from ``start``,
    up to float noise: 0.1 + 0.2 counts as 0.3 on a scale of tenths."""
    units = (np.asarray(value) - start) / step
    return np.abs(units - np.round(units)) <= _STEP_TOLERANCE * np.maximum(1.0, np.abs(units))


def _identifier(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            _ID, error="use lower-case letters, digits, '-' and '_' (starting with a letter "
            "or digit)."
        ),
        **kwargs,
    )


class _ScaleSchema(Schema):
    min = fields.Float(required=True)
    max = fields.Float(required=True)
    step = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))

    @validates_schema
    def _consistent(self, data: dict, **_: Any) -> None:
        if data["max"] <= data["min"]:
            raise ValidationError(
                f"max ({data['max']:g}) must be greater than min ({data['min']:g}).", "max"
            )
        if not on_step(data["max"], data["min"], data["step"]):
            raise ValidationError(
                f"max - min ({data['max'] - data['min']:g}) is not a whole number of steps "
                f"of {data['step']:g}.",
                "step",
            )

    @post_load
    def _make(self, data: dict, **_: Any) -> Scale:
        return Scale(**data)


class _CriterionSchema(Schema):
    id = _identifier(required=True)
    label = LocalizedText(required=True, validate=_needs_fallback_language)
    description = LocalizedText(load_default=dict)
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False))
    max_points = fields.Float(allow_none=True, load_default=None)
    allow_na = fields.Boolean(allow_none=True, load_default=None)


class _SourceSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1))
    url = fields.Url(allow_none=True, load_default=None)


class _RubricSchema(Schema):
    id = _identifier(required=True)
    title = LocalizedText(required=True, validate=_needs_fallback_language)
    description = LocalizedText(load_default=dict)
    scale = fields.Nested(_ScaleSchema, required=True)
    allow_na = fields.Boolean(load_default=False)
    aggregate = fields.String(required=True, validate=validate.OneOf(AGGREGATES))
    trim = fields.Float(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=0.5, min_inclusive=False, max_inclusive=False),
    )
    criteria = fields.List(
        fields.Nested(_CriterionSchema), required=True, validate=validate.Length(min=1)
    )
    source = fields.Nested(_SourceSchema, allow_none=True, load_default=None)
    note = LocalizedText(load_default=dict)
    stand_in = fields.Boolean(load_default=False)

    @validates_schema
    def _consistent(self, data: dict, **_: Any) -> None:
        errors: dict[str, Any] = {}
        if data["aggregate"] == "trimmed_mean" and data["trim"] is None:
            errors["trim"] = ["trimmed_mean needs the share cut from each end, e.g. trim: 0.2."]
        if data["aggregate"] != "trimmed_mean" and data["trim"] is not None:
            errors["trim"] = [f"trim only applies to trimmed_mean, not {data['aggregate']}."]
        scale: Scale = data["scale"]
        seen: dict[str, int] = {}
        for index, criterion in enumerate(data["criteria"]):
            problems: dict[str, list[str]] = {}
            if criterion["id"] in RESERVED_CRITERION_IDS:
                problems["id"] = [f"{criterion['id']!r} is reserved for the score CSV columns."]
            elif criterion["id"] in seen:
                problems["id"] = [
                    f"{criterion['id']!r} is already the id of criteria.{seen[criterion['id']]}."
                ]
            seen.setdefault(criterion["id"], index)
            top = criterion["max_points"]
            if top is not None and top <= scale.min:
                problems["max_points"] = [f"must be greater than the scale's min ({scale.min:g})."]
            elif top is not None and not on_step(top, scale.min, scale.step):
                problems["max_points"] = [
                    f"{top:g} is not on the scale's steps of {scale.step:g} from {scale.min:g}."
                ]
            if problems:
                errors.setdefault("criteria", {})[index] = problems
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make(self, data: dict, **_: Any) -> dict:
        scale: Scale = data["scale"]
        data["criteria"] = tuple(
            Criterion(
                id=c["id"],
                label=c["label"],
                description=c["description"],
                weight=c["weight"],
                max_points=scale.max if c["max_points"] is None else c["max_points"],
                allow_na=data["allow_na"] if c["allow_na"] is None else c["allow_na"],
            )
            for c in data["criteria"]
        )
        if data["source"] is not None:
            data["source"] = RubricSource(**data["source"])
        return data


def load_rubric(data: Mapping[str, Any], origin: str) -> Rubric:
    """Validate one rubric definition; ``origin`` (plugin or file) is named in any error."""
    if not isinstance(data, Mapping):
        raise RubricInvalid(
            f"{origin}: a rubric must be a mapping of fields, got {type(data).__name__}."
        )
    try:
        loaded = _RubricSchema().load(dict(data))
    except ValidationError as exc:
        problems = flatten_errors(exc.messages)
        name = data.get("id") if isinstance(data.get("id"), str) else "(no id)"
        detail = "; ".join(f"{path}: {' '.join(reasons)}" for path, reasons in problems.items())
        raise RubricInvalid(
            f"rubric {name!r} from {origin} is invalid: {detail}", fields=problems
        ) from exc
    return Rubric(origin=origin, **loaded)


def rubric_from_yaml(text: str, origin: str) -> Rubric:
    """Parse and validate a rubric written in YAML (the format rubric plugins ship)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricInvalid(f"{origin}: not valid YAML: {exc}") from exc
    return load_rubric(data, origin)


def collect_rubrics(pm: pluggy.PluginManager) -> dict[str, Rubric]:
    """Every rubric the plugins provide, validated, by id.

    Each plugin is called on its own so that any failure names the plugin responsible. Unlike
    metrics, a broken or duplicated rubric stops start-up instead of being skipped: a rubric
    decides how an award is scored, and one silently missing or replaced by another plugin's
    would change published results. Block the faulty plugin to start without it.
    """
    rubrics: dict[str, Rubric] = {}
    for impl in pm.hook.registry_rubrics.get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        origin = f"plugin {impl.plugin_name!r}"
        try:
            provided = impl.function()
        except Exception as exc:
            raise RubricInvalid(
                f"{origin}: registry_rubrics() raised {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(provided, list | tuple):
            raise RubricInvalid(
                f"{origin}: registry_rubrics() must return a list of rubrics, "
                f"got {type(provided).__name__}."
            )
        for data in provided:
            rubric = load_rubric(data, origin)
            if rubric.id in rubrics:
                raise RubricInvalid(
                    f"rubric id {rubric.id!r} is provided twice: by {rubrics[rubric.id].origin} "
                    f"and by {origin}; block one of them or rename a rubric.",
                    fields={"id": [f"duplicate rubric id {rubric.id!r}"]},
                )
            rubrics[rubric.id] = rubric
    return rubrics


def localized(text: Mapping[str, str], lang: str) -> str:
    """The text in ``lang`` (``fr-CA`` tries ``fr``), else English, else any language."""
    for code in (lang, lang.split("-")[0], FALLBACK_LANGUAGE):
        if text.get(code):
            return text[code]
    return next((value for value in text.values() if value), "")


def label(item: Rubric | Criterion, lang: str) -> str:
    """What a juror reads for a rubric (its title) or a criterion, in their language."""
    return localized(item.title if isinstance(item, Rubric) else item.label, lang)


def score_problem(value: float, rubric: Rubric, criterion: Criterion) -> str | None:
    """Why ``value`` cannot be a juror's score for ``criterion`` (``None`` if it can)."""
    if not math.isfinite(value):
        return f"{value!r} is not a number."
    low, top = rubric.scale.min, criterion.max_points
    if value < low or value > top:
        return f"{value:g} is outside the scale {low:g}..{top:g}."
    if not on_step(value, low, rubric.scale.step):
        return f"{value:g} is not on the scale's steps of {rubric.scale.step:g} from {low:g}."
    return None
