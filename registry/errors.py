"""Errors that name what is wrong, where, and why; every surface maps them the same way."""

from __future__ import annotations

from pathlib import Path


class RegistryError(Exception):
    """Base of the errors a user can act on. ``code`` is stable for the API envelope."""

    code = "error"

    def __init__(self, message: str, *, fields: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class DocumentRejected(RegistryError):
    """A source document cannot be imported (empty, binary, unknown format, missing fields)."""

    code = "document_rejected"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, fields={field: [message]} if field else None)
        self.field = field
        self.path: Path | None = None  # the document, once the import service knows it


class RecordInvalid(RegistryError):
    """A record breaks the contract; ``fields`` maps field paths to reasons."""

    code = "record_invalid"


class NotFound(RegistryError):
    code = "not_found"


class InUse(RegistryError):
    """The thing is still referenced (e.g. a practice entered in an award) and must stay."""

    code = "in_use"


class StaleVersion(RegistryError):
    """An edit was based on an older version than the current one (optimistic locking)."""

    code = "stale_version"
    #: what changed since the version the edit was based on (JSON Patch operations)
    changes: list[dict] | None = None
