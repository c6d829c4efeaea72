"""ORU Fogar-style Regional Good Practices Award: the registry's documented stand-in rubric.

ORU Fogar does not publish its criteria; the YAML says so in ``note`` and ``stand_in``.
"""

from __future__ import annotations

from plugins.rubrics import load_yaml
from registry.hookspecs import hookimpl


@hookimpl
def registry_rubrics() -> list[dict]:
    """The stand-in rubric, so historic ORU totals can be re-scored on a known scale."""
    return [load_yaml("oru_award.yml")]
