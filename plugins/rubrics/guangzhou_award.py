"""Guangzhou International Award for Urban Innovation: its published assessment criteria."""

from __future__ import annotations

from plugins.rubrics import load_yaml
from registry.hookspecs import hookimpl


@hookimpl
def registry_rubrics() -> list[dict]:
    """The Guangzhou Award criteria; the YAML cites the award's Rules and Procedures."""
    return [load_yaml("guangzhou_award.yml")]
