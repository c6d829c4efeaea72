"""The pluggy side of the SDG plugin: derived SDG tags for every record before it is saved."""

from __future__ import annotations

from plugins.sdg.mapper import map_record
from registry.hookspecs import hookimpl


@hookimpl
def registry_enrich_record(record: dict) -> list[dict]:
    """SDG goal and target tags inferred from the record's text and its declared V.D. codes.

    The core marks them ``derived`` and keeps them apart from the SDGs a submitter declared.
    """
    return map_record(record)
