"""Property-based fuzzing of the OpenAPI schema (schemathesis): no generated request makes the server fail."""
from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from nqikg.api.app import create_app
from nqikg.api.settings import Settings

MAX_EXAMPLES = 20


@pytest.fixture(scope="module")
def api_schema(corpus_store, tmp_path_factory):
    store = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(corpus_store, store)   # a copy: fuzzed write operations must not touch the shared store
    app = create_app(Settings(store=store, bolt=False, write_token="fuzz-token", query_timeout=5))
    # /cypher needs the embedded Bolt server, which this fixture does not start (tests/test_cypher.py covers it)
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path="/cypher")


def test_no_server_errors(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call(headers={"Authorization": "Bearer wrong-token"})
            if response.status_code >= 500 or "Traceback" in response.text:
                failures.append(f"{case.method} {case.formatted_path} {case.query} -> "
                                f"{response.status_code}: {response.text[:200]}")
        fuzz()
    assert not failures, "\n".join(failures[:20])
