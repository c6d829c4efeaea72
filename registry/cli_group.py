"""The click group of the command families (``registry award``, ``registry account``)."""

from __future__ import annotations

import click

from registry.errors import RegistryError


class ServiceGroup(click.Group):
    """A command group whose service errors become one clear line and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegistryError as exc:
            raise click.ClickException(exc.message) from exc
