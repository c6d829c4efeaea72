"""Settings, read from environment variables with defaults that work out of the box."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

#: Upper bound of one source document; larger files are rejected before they are read whole.
DEFAULT_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: MiB of responses each process keeps in its page cache.
DEFAULT_PAGE_CACHE_MB = 32


@dataclass(frozen=True)
class Config:
    """Where the registry keeps its data and which plugins it loads.

    ``REGISTRY_INSTANCE_DIR``   folder for the default SQLite file and index (``./instance``)
    ``REGISTRY_DATABASE_URL``   SQLAlchemy URL; ``postgresql+psycopg://...`` for PostgreSQL
    ``REGISTRY_INDEX_DIR``      search index folder (``<instance>/index``)
    ``REGISTRY_SEARCH_BACKEND`` ``auto`` (default: ``postgresql`` on PostgreSQL, else
                                ``whoosh``), ``whoosh``, ``tantivy`` or ``postgresql``
    ``REGISTRY_BLOCK_PLUGINS``  comma-separated plugin names not to load
    ``REGISTRY_MAX_DOCUMENT_BYTES``  largest accepted source document (5 MiB)
    ``REGISTRY_IMPORT_WORKERS`` processes preparing documents in bulk imports (cores, max 4)
    ``REGISTRY_PAGE_CACHE``     MiB of whole responses each process keeps for anonymous readers
                                (32; ``0`` for none): ``registry/cache.py``. Processes that
                                write must share the instance folder (its change stamp)
    ``REGISTRY_SECRET_KEY``     signs the session cookies: set a long random value in production
    ``REGISTRY_RATELIMIT_STORAGE``  where sign-in attempts are counted (``memory://``, per
                                process; ``redis://...`` to share the count between processes)
    """

    instance_dir: Path = field(default_factory=lambda: Path("instance"))
    database_url: str | None = None
    index_dir: Path | None = None
    search_backend: str = "auto"
    blocked_plugins: frozenset[str] = frozenset()
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    import_workers: int = field(default_factory=lambda: min(os.cpu_count() or 1, 4))
    secret_key: str = "dev-only-not-secret"
    page_cache_mb: int = DEFAULT_PAGE_CACHE_MB
    ratelimit_storage: str = "memory://"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.instance_dir / 'registry.db').resolve()}"

    @property
    def search_dir(self) -> Path:
        return self.index_dir or self.instance_dir / "index"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        blocked = {n.strip() for n in env.get("REGISTRY_BLOCK_PLUGINS", "").split(",") if n.strip()}
        return cls(
            instance_dir=Path(env.get("REGISTRY_INSTANCE_DIR", "instance")),
            database_url=env.get("REGISTRY_DATABASE_URL") or None,
            index_dir=Path(env["REGISTRY_INDEX_DIR"]) if env.get("REGISTRY_INDEX_DIR") else None,
            search_backend=env.get("REGISTRY_SEARCH_BACKEND", "auto"),
            blocked_plugins=frozenset(blocked),
            import_workers=int(env.get("REGISTRY_IMPORT_WORKERS", min(os.cpu_count() or 1, 4))),
            max_document_bytes=int(
                env.get("REGISTRY_MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES)
            ),
            secret_key=env.get("REGISTRY_SECRET_KEY", "dev-only-not-secret"),
            page_cache_mb=int(env.get("REGISTRY_PAGE_CACHE", DEFAULT_PAGE_CACHE_MB)),
            ratelimit_storage=env.get("REGISTRY_RATELIMIT_STORAGE", "memory://"),
        )
