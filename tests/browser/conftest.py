"""Browser tests: the real app on a free loopback port, driven by Debian's Chromium.

Playwright's own browser download is not used (no internet here): the tests launch
/usr/bin/chromium, which ``make test`` installs (its ``chromium`` target). Screenshots of the
main pages are written to test-artifacts/screenshots/ and listed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from registry.app import create_app
from registry.config import Config
from registry.services import Registry

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("REGISTRY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "the browser tests need Debian's Chromium at {path}; `make test` installs it "
    "(its `chromium` target: apt-get install chromium) and the playwright package "
    "(pip install -e '.[test]')"
)

_written: list[Path] = []


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app over a fresh instance with the five seeds (tests add awards and accounts
    through ``app.extensions["registry"]``)."""
    config = Config(instance_dir=tmp_path_factory.mktemp("browser") / "instance")
    registry = Registry.from_config(config)
    registry.init()
    results = registry.imports.import_paths(SEEDS)
    registry.close()
    assert [r.status for r in results] == ["imported"] * len(SEEDS), results
    app = create_app(config)
    try:
        yield app
    finally:
        app.extensions["registry"].close()


@pytest.fixture(scope="session")
def site_accounts(live_app: Flask) -> dict[str, str]:
    """One account per role of ``tests.conftest.ROLE_ACCOUNTS`` in the live registry (password
    ``tests.conftest.PASSWORD``): role key -> email."""
    from registry.permissions import SYSTEM
    from tests.conftest import PASSWORD, ROLE_ACCOUNTS

    accounts = live_app.extensions["registry"].accounts
    return {key: accounts.create(SYSTEM, name=key.replace("_", " ").title(), password=PASSWORD,
                                 **fields).email
            for key, fields in ROLE_ACCOUNTS.items()}


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served from a thread on a free loopback port; its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Chromium through Playwright; a missing browser or package fails, never skips."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        pytest.fail(INSTALL_HINT.format(path=CHROMIUM), pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"{INSTALL_HINT.format(path=CHROMIUM)} ({exc})", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, live_server: str):
    """A function opening a page in a fresh context (its own cookies and language)."""
    contexts = []

    def open_page(locale: str = "en-US"):
        context = browser.new_context(
            base_url=live_server, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as test-artifacts/screenshots/NAME.png."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _written.append(path)
        return path

    return take


def pytest_terminal_summary(terminalreporter) -> None:
    """List the screenshots this run wrote, so CI keeps them in the log."""
    if not _written:
        return
    terminalreporter.section("browser screenshots")
    for path in _written:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        terminalreporter.write_line(f"{shown} ({path.stat().st_size} bytes)")


def sign_in(page, email: str) -> None:
    """Sign in through the login form as a person would (password ``tests.conftest.PASSWORD``)."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
