"""Property-based run over the OpenAPI schema (schemathesis): no 5xx, and every response has a
documented status, content type and a body that matches its schema."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from tests.web_support import live_server  # noqa: E402


@pytest.fixture(scope="module")
def base_url():
    with live_server() as (base, _app):
        yield base


CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]


def test_api_conforms_to_its_schema(base_url):
    # (schemathesis' own pytest plugin does not load under this pytest: cases are drawn with
    # Hypothesis directly from each operation's strategy.)
    from hypothesis import given

    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14  # 10 compute endpoints; health, stats, library, optimizers
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=60)

        run()
