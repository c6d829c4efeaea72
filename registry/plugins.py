"""The plugin manager: one per app, built-in and outside plugins loaded the same way."""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Iterable
from typing import Any

import pluggy

from registry import hookspecs

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "registry"


def build_plugin_manager(
    blocked: Iterable[str] = (), extra_plugins: Iterable[Any] = ()
) -> pluggy.PluginManager:
    """Load every ``registry`` entry point except the blocked ones, then check the hooks.

    ``extra_plugins`` are registered after the entry points (tests and embedding apps use it).
    A plugin implementing a hook that does not exist fails here, at start-up, not later.
    """
    pm = pluggy.PluginManager("registry")
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm


def describe_plugins(pm: pluggy.PluginManager) -> list[dict]:
    """Name, version, package and hooks of every loaded plugin, for ``registry plugins``."""
    dists = {plugin: dist for plugin, dist in pm.list_plugin_distinfo()}
    described = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        dist = dists.get(plugin)
        described.append(
            {
                "name": name,
                "package": dist.metadata["name"] if dist else None,
                "version": dist.version if dist else None,
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or ()),
            }
        )
    return sorted(described, key=lambda p: p["name"])


def installed_entry_points() -> list[str]:
    """Names of the plugins installed in the ``registry`` group, loaded or blocked."""
    return sorted(ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
