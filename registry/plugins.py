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


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering each plugin's distribution and the plugins that failed."""

    def __init__(self) -> None:
        super().__init__("registry")
        self.add_hookspecs(hookspecs)
        self.distributions: dict[str, importlib.metadata.Distribution] = {}
        self.load_errors: dict[str, str] = {}

    def load_entry_points(self) -> None:
        """Register every ``registry`` entry point that is not blocked.

        A plugin that fails to import is reported by name (``load_errors`` and the log) and
        left out, so one broken package cannot take the registry down.
        """
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            name = entry_point.name
            if self.is_blocked(name) or self.has_plugin(name):
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's
                self.load_errors[name] = f"{type(exc).__name__}: {exc}"
                log.error("plugin %s failed to load: %s", name, self.load_errors[name])
                continue
            self.register(plugin, name=name)
            if entry_point.dist is not None:
                self.distributions[name] = entry_point.dist


def build_plugin_manager(
    blocked: Iterable[str] = (), extra_plugins: Iterable[Any] = ()
) -> PluginManager:
    """Load every ``registry`` entry point except the blocked ones, then check the hooks.

    ``extra_plugins`` are registered after the entry points (tests and embedding apps use it).
    A plugin implementing a hook that does not exist fails here, at start-up, not later.
    """
    pm = PluginManager()
    for name in blocked:
        pm.set_blocked(name)
    pm.load_entry_points()
    for plugin in extra_plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm


def describe_plugins(pm: PluginManager) -> list[dict]:
    """Name, package, version and hooks of every loaded plugin, for ``registry plugins``."""
    described = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        dist = pm.distributions.get(name)
        described.append({
            "name": name,
            "package": dist.metadata["name"] if dist else None,
            "version": dist.version if dist else None,
            "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or ()),
        })
    described.extend({"name": name, "package": None, "version": None, "hooks": [],
                      "error": error} for name, error in pm.load_errors.items())
    return sorted(described, key=lambda p: p["name"])


def call_each(
    pm: pluggy.PluginManager, hook_name: str, problems: list[str] | None = None, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call every implementation of a hook on its own, as ``(plugin name, result)`` pairs.

    Calling ``pm.hook.<name>()`` once would let the first plugin that raises hide the rest.
    A plugin that raises is reported by name (logged, and added to ``problems`` if given) and
    left out, so one broken plugin cannot break an import or a page; the caller still checks
    the shape of each result. Implementations run in registration order.
    """
    results = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        try:
            result = impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception as exc:  # noqa: BLE001 - reported, never fatal
            report_failure(impl.plugin_name, hook_name, f"raised {type(exc).__name__}: {exc}",
                           problems)
            continue
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


def report_failure(plugin: str, hook_name: str, problem: str,
                   problems: list[str] | None = None) -> str:
    """Log a plugin's failure as ``plugin NAME: HOOK() PROBLEM`` and collect it."""
    message = f"plugin {plugin}: {hook_name}() {problem}"
    log.warning(message)
    if problems is not None:
        problems.append(message)
    return message
