"""What an importer plugin is: the protocol the core calls and the source it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from registry.schema import RECORD_FIELDS

#: The keys every record returned by ``parse`` has: the contract less what the core assigns.
PARSED_RECORD_FIELDS = frozenset(RECORD_FIELDS) - {"schema", "id", "revision"}


@dataclass(frozen=True)
class Source:
    """The document being parsed: its file name (for messages) and content hash."""

    name: str
    sha256: str


@runtime_checkable
class Importer(Protocol):
    """An importer turns one source document into contract-v1 record dicts.

    ``parse`` returns records without ``schema``, ``id`` and the provenance fields the core
    fills (``sha256``, ``imported_at``); it sets ``provenance.format``, ``source_id``,
    ``language``, ``parser_version`` and ``raw``. It raises ``DocumentRejected`` naming the
    field when a required field is missing.
    """

    name: str
    version: str

    def sniff(self, text: str) -> float:
        """Confidence in [0, 1] that ``text`` is in this importer's format."""
        ...

    def parse(self, text: str, source: Source) -> list[dict]:
        """The records in ``text``."""
        ...
