"""schemathesis against /api/openapi.json: generated requests never cause a server error.

Bounded: a fixed number of examples per operation, derandomised so a CI run is repeatable.
Each operation is tried anonymously and with an admin's API token (so the protected
endpoints really process the generated bodies rather than stopping at 401).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from registry.app import create_app
from registry.config import Config
from registry.permissions import SYSTEM

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    app = create_app(Config(instance_dir=tmp_path_factory.mktemp("fuzz")))
    registry = app.extensions["registry"]
    registry.init()
    registry.imports.import_paths(sorted(SEEDS.glob("*.txt")))
    admin = registry.accounts.create(SYSTEM, email="admin@example.org", name="Admin",
                                     password="correct horse battery", role="admin")
    secret, _ = registry.accounts.create_token(admin, "fuzz")
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", app), secret
    registry.close()


@pytest.mark.parametrize("caller", ["anonymous", "admin"])
def test_no_generated_request_causes_a_server_error(api_schema, caller):
    api_schema, secret = api_schema
    headers = {"Authorization": f"Bearer {secret}"} if caller == "admin" else {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
