"""Fixtures: a throwaway registry on SQLite and on PostgreSQL, the seeds, the CLI runner.

PostgreSQL is required, not optional: the storage tests run on both databases. The server
is expected at REGISTRY_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
one throwaway database is created per run and dropped after it.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner
from sqlalchemy import make_url, text

from registry.app import create_app
from registry.config import Config
from registry.services import Registry

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
ADMIN_URL = os.environ.get(
    "REGISTRY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START_HINT = ("start it with: pg_ctlcluster --skip-systemctl-redirect "
              "$(ls /etc/postgresql) main start")

SEED_FILES = {
    "venice_form": SEEDS / "000_da2e544ee9705e55.txt",
    "sdg_action": SEEDS / "001_3f301ab74576aebb.txt",
    "relaf_2016": SEEDS / "002_ae17b905110f0238.txt",
    "oru_fogar": SEEDS / "003_67b093e0aae3cc66.txt",
    "relaf_2017": SEEDS / "004_4bf2e4c1c356877e.txt",
}


CATALOGS = ROOT / "registry" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The interface catalogs, compiled as `make install` does when a .mo is missing or stale."""
    for po in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        with mo.open("wb") as target:
            write_mo(target, catalog)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this run, dropped at the end."""
    name = f"registry_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(_libpq(ADMIN_URL), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is required for the storage tests ({exc}); {START_HINT}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs once per database; PostgreSQL tables are emptied after each."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Config:
    return Config(instance_dir=tmp_path / "instance", database_url=database_url)


@pytest.fixture
def registry(config: Config) -> Iterator[Registry]:
    reg = Registry.from_config(config)
    reg.init()
    yield reg
    reg.close()


@pytest.fixture
def app(config: Config):
    application = create_app(config)
    application.extensions["registry"].init()
    yield application
    application.extensions["registry"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli_env(config: Config, monkeypatch: pytest.MonkeyPatch) -> Config:
    """Point the ``registry`` command at the test's database and instance folder."""
    monkeypatch.setenv("REGISTRY_INSTANCE_DIR", str(config.instance_dir))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", config.db_url)
    return config


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seed_paths() -> dict[str, Path]:
    return dict(SEED_FILES)


# -- accounts ---------------------------------------------------------------------------------

PASSWORD = "correct horse battery"
#: One account per role; submitters and moderators of two networks to check they stay apart.
ROLE_ACCOUNTS = {
    "submitter": dict(email="submitter@relaf.example", role="submitter", network="relaf"),
    "moderator": dict(email="moderator@relaf.example", role="moderator", network="relaf"),
    "other_moderator": dict(email="moderator@oru.example", role="moderator", network="oru"),
    "juror": dict(email="juror@example.org", role="juror"),
    "chair": dict(email="chair@example.org", role="chair"),
    "admin": dict(email="admin@example.org", role="admin"),
}


@pytest.fixture
def accounts(app) -> dict:
    """The accounts of ``ROLE_ACCOUNTS`` in the app's registry, by role key → Identity."""
    from registry.permissions import SYSTEM

    service = app.extensions["registry"].accounts
    return {key: service.create(SYSTEM, name=key.replace("_", " ").title(), password=PASSWORD,
                                **fields)
            for key, fields in ROLE_ACCOUNTS.items()}


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|type="hidden" name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on a page, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the login form (CSRF token and all); returns the response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def api_token(app, identity, name: str = "tests") -> dict:
    """``Authorization`` headers with a fresh API token of this account."""
    secret, _ = app.extensions["registry"].accounts.create_token(identity, name)
    return {"Authorization": f"Bearer {secret}"}
