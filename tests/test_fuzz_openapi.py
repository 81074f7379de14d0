"""Property-based fuzzing of the app's own OpenAPI document (schemathesis), through the WSGI app, as five roles.

Every operation gets FUZZ_EXAMPLES generated requests per role (one test per role, so that pytest-xdist spreads
them) and per mode (data the document calls valid, and data it calls invalid); the test fails on any 5xx and
on any answer whose status, content type or body the document does not describe.
"""
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from .factories import PASSWORD

ROLES = ("handler", "reviewer", "head", "designer", "admin")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 5))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIPPED = {("POST", "/api/v1/auth/logout")}  # would end the token the other requests use
_GENERATED: dict[tuple, list] = {}  # (operation, mode) -> its generated cases, per process


def _token(client, role: str) -> str:
    return client.post("/api/v1/auth/login", json={"username": role, "password": PASSWORD}).get_json()["token"]


@pytest.mark.parametrize("role", ROLES)  # one test per role: pytest-xdist spreads them over its workers
def test_no_server_error_and_every_answer_as_documented(app, client, record_property, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    token = _token(client, role)
    sent, failures = Counter(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in GenerationMode:  # valid data, and data the document says is invalid
            _fuzz(operation, mode, token, role, sent, failures)
    record_property("fuzz_requests", sum(sent.values()))
    print(f"fuzz: {sum(sent.values())} requests, {len(failures)} failures")
    assert failures == [], "\n".join(failures[:40])


def _fuzz(operation, mode, token, role, sent, failures):
    headers = {"Authorization": f"Bearer {token}"}
    for case in _generated(operation, mode):
        response = case.call(headers=headers)
        sent[operation.label] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (collect all, then report)
            for one in getattr(failure, "exceptions", [failure]):
                text = " | ".join(line.strip() for line in str(one).splitlines() if line.strip())[:400]
                failures.append(f"{role} {case.method} {case.formatted_path} -> {response.status_code}: {text}")


def _generated(operation, mode) -> list:
    """The requests Hypothesis makes for an operation and mode. Derandomized, they are the same for every role,
    so each process generates them once (generating cost more than sending) and every role sends them all."""
    key = (operation.label, mode)
    if key not in _GENERATED:
        cases: list = []

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def collect(case):
            cases.append(case)
        collect()
        _GENERATED[key] = cases
    return _GENERATED[key]
