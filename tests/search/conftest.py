"""Search fixtures: registries on each backend, filled by importing real documents.

``corpus`` (one per backend and module) imports the five seeds and the documents of
``tests/search/data`` through the registry, as a user would, and is only read by its tests;
``empty_registry`` is a fresh registry per test, for tests that write.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text

from registry.config import Config
from registry.services import Registry

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
BACKENDS = ("whoosh", "tantivy", "postgresql")
DOCUMENTS = sorted((ROOT / "seeds").glob("*.txt")) + sorted(DATA.glob("*.txt"))
RELEVANCE = tomllib.loads((DATA / "relevance.toml").read_text())["query"]
ADMIN_URL = os.environ.get(
    "REGISTRY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Corpus:
    """A registry holding every document, and the practice ids each document became."""

    registry: Registry
    config: Config
    ids: dict[str, list[str]]

    def id_of(self, document: str) -> str:
        """The practice of a document named by its path from the project root (or file name)."""
        found = [ids for path, ids in self.ids.items() if path == document
                 or path.endswith("/" + document)]
        assert len(found) == 1 and len(found[0]) == 1, document
        return found[0][0]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per relevance judgement of ``data/relevance.toml`` for tests taking one."""
    if "judgement" in metafunc.fixturenames:
        metafunc.parametrize("judgement", RELEVANCE, ids=[j["text"] for j in RELEVANCE])


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def make_database() -> Iterator:
    """Creates throwaway PostgreSQL databases on demand; drops them all at the end."""
    made: list[str] = []
    admin = psycopg.connect(_libpq(ADMIN_URL), autocommit=True, connect_timeout=5)

    def create() -> str:
        name = f"registry_search_{uuid.uuid4().hex[:10]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    with admin:
        yield create
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backend_config(backend: str, folder: Path, database_url: str | None) -> Config:
    """A registry on SQLite for the embedded backends, on PostgreSQL for PostgreSQL's."""
    if backend != "postgresql":
        database_url = f"sqlite:///{folder / 'registry.db'}"
    return Config(instance_dir=folder / "instance", database_url=database_url,
                  search_backend=backend)


def import_documents(registry: Registry, paths: list[Path]) -> dict[str, list[str]]:
    ids = {}
    for path in paths:
        result = registry.imports.import_document(path)
        assert result.status in ("imported", "unchanged"), result.reason
        ids[str(path.relative_to(ROOT))] = result.practice_ids
    return ids


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           make_database) -> Iterator[Corpus]:
    folder = tmp_path_factory.mktemp(f"corpus-{request.param}")
    config = backend_config(request.param, folder,
                            make_database() if request.param == "postgresql" else None)
    registry = Registry.from_config(config)
    registry.init()
    yield Corpus(registry, config, import_documents(registry, DOCUMENTS))
    registry.search.close()
    registry.close()


@pytest.fixture(params=BACKENDS)
def empty_registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    """A new registry per test; on PostgreSQL its tables are dropped afterwards."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    registry = Registry.from_config(backend_config(request.param, tmp_path, url))
    registry.init()
    yield registry
    registry.search.close()
    registry.close()
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
