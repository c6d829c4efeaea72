"""Every hook of the registry, in one flat module (project name ``registry``).

Plugins implement these with ``@registry.hookimpl``. Each hook is exercised by a test.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("registry")
hookimpl = pluggy.HookimplMarker("registry")


# -- register_* hooks: called at start-up, each returns a list ------------------------------


@hookspec
def registry_importers() -> list[Any]:
    """Importer objects with ``name``, ``version``, ``sniff(text)`` and ``parse(text, source)``."""


@hookspec
def registry_rubrics() -> list[dict]:
    """Award rubric definitions as dicts (id, title, scale, allow_na, aggregate, criteria,
    source, note), validated by ``registry.rubrics.collect_rubrics`` at start-up."""


@hookspec
def registry_metrics() -> list[Any]:
    """Metrics for comparisons (``registry.metrics.Metric``): id, labels, unit, direction, inputs,
    ``compute(record, context) -> MetricValue``."""


@hookspec
def registry_search_fields() -> list[dict]:
    """Extra indexed fields, each a filter and a counted facet: ``{name, label, extract}``."""


@hookspec
def registry_search_concepts() -> dict:
    """Concepts for cross-lingual search, ``{concept: {language: [terms]}}``, for the thesaurus."""


# -- record lifecycle ----------------------------------------------------------------------


@hookspec
def registry_validate_record(record: dict) -> list[str]:
    """Problems with a record about to be saved; an empty list means it is fine."""


@hookspec
def registry_enrich_record(record: dict) -> list[dict] | None:
    """Derived tags for a validated record (each marked ``derived``), added before it is saved."""


@hookspec
def registry_record_saved(record: dict, revision: int) -> None:
    """A record was committed as ``revision``; index it, notify, and so on."""
