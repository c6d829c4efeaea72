"""UN-Habitat / Dubai International Award for Best Practices: its published criteria."""

from __future__ import annotations

from plugins.rubrics import load_yaml
from registry.hookspecs import hookimpl


@hookimpl
def registry_rubrics() -> list[dict]:
    """The Best Practices criteria; the YAML cites where UN-Habitat publishes them."""
    return [load_yaml("habitat_award.yml")]
