"""Engine, sessions and schema upgrades (Alembic) for one database URL."""

from __future__ import annotations

from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class Database:
    """One engine and session factory; ``upgrade()`` brings the schema to the latest revision."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, json_serializer=json_text,
                                            json_deserializer=orjson.loads)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def upgrade(self, target: str = "head") -> None:
        """Create or migrate the tables (``registry init`` and start-up of ``make run``)."""
        self._migrate(command.upgrade, target)

    def downgrade(self, target: str) -> None:
        """Take the schema (and the data migrations) back to an earlier revision."""
        self._migrate(command.downgrade, target)

    def _migrate(self, step, target: str) -> None:
        with self.engine.begin() as connection:
            cfg = AlembicConfig()
            cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
            cfg.attributes["connection"] = connection
            step(cfg, target)

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("practices")

    def dispose(self) -> None:
        self.engine.dispose()


def json_text(value: object) -> str:
    """JSON columns (records, results) written with orjson: a stored record is serialised for
    every imported document, and orjson does it several times faster than ``json``."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on; WAL so readers are not blocked by the one writer.

    ``synchronous=NORMAL`` is safe with WAL (no corruption; a power cut may lose the last
    commits) and makes each commit cheap, which bulk imports of one transaction per
    document need.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
