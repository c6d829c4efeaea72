"""The interface catalogs compiled before the page tests, as `make install` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[2] / "registry" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """A .mo missing or older than its .po is compiled again (pytest run without make)."""
    for po in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        with mo.open("wb") as target:
            write_mo(target, catalog)
