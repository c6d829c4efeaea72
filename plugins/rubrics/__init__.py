"""Award rubric plugins: each module returns its rubric, shipped as YAML beside it.

The YAML is returned as data; the core validates it when it collects rubrics, so a broken
file fails at start-up with the path of the bad field.
"""

from __future__ import annotations

from importlib import resources

import yaml


def load_yaml(filename: str) -> dict:
    """One rubric file of this package, parsed (not yet validated)."""
    return yaml.safe_load(resources.files(__name__).joinpath(filename).read_text("utf-8"))
