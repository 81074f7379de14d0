"""Property-based fuzzing of the app's own OpenAPI document (schemathesis), through the WSGI app, as five roles.

Every operation gets FUZZ_EXAMPLES generated requests per role (one test per role, so that pytest-xdist spreads
them) and per mode (data the document calls valid, and data it calls invalid); the test fails on any 5xx and
on any answer whose status, content type or body the document does not describe.

The requests are derandomized, so the same for every role, process and run: they are generated once and kept in
.fuzz-cache/ (keyed by the OpenAPI document, this module, FUZZ_EXAMPLES and the versions of schemathesis and
Hypothesis); every other test process of `make test` (both runs) reads them instead of generating them again.
"""
import fcntl
import hashlib
import io
import json
import os
import pickle
import sys
from collections import Counter
from importlib.metadata import version
from itertools import product
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from .factories import PASSWORD

ROLES = ("handler", "reviewer", "head", "designer", "admin")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 5))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIPPED = {("POST", "/api/v1/auth/logout")}  # would end the token the other requests use
CACHE = Path(__file__).resolve().parent.parent / ".fuzz-cache"
_GENERATED: dict[tuple, list] = {}  # (operation label, mode) -> its cases, per process


def _token(client, role: str) -> str:
    return client.post("/api/v1/auth/login", json={"username": role, "password": PASSWORD}).get_json()["token"]


@pytest.mark.parametrize("role", ROLES)  # one test per role: pytest-xdist spreads them over its workers
def test_no_server_error_and_every_answer_as_documented(app, client, record_property, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    token = _token(client, role)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if (operation.method.upper(), operation.path) not in SKIPPED]
    generated = _generated(schema, operations)
    sent, failures = Counter(), []
    for operation in operations:
        for mode in GenerationMode:  # valid data, and data the document says is invalid
            _fuzz(generated[operation.label, mode], token, role, sent, failures)
    record_property("fuzz_requests", sum(sent.values()))
    print(f"fuzz: {sum(sent.values())} requests, {len(failures)} failures")
    assert failures == [], "\n".join(failures[:40])


def _fuzz(cases, token, role, sent, failures):
    headers = {"Authorization": f"Bearer {token}"}
    for case in cases:
        response = case.call(headers=headers)
        sent[case.operation.label] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (collect all, then report)
            for one in getattr(failure, "exceptions", [failure]):
                text = " | ".join(line.strip() for line in str(one).splitlines() if line.strip())[:400]
                failures.append(f"{role} {case.method} {case.formatted_path} -> {response.status_code}: {text}")


def _generated(schema, operations) -> dict[tuple, list]:
    """Every operation's cases per mode: this process's, else the cache file's, else generated (under a file
    lock, so that one process of the two runs generates them while the others wait and then read them)."""
    if not _GENERATED:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"{_cache_key(schema)}.pickle"
        with open(CACHE / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():
                _GENERATED.update(_Unpickler(path.read_bytes(), operations).load())
            else:
                _GENERATED.update(_generate(operations))
                _store(path)
    return _GENERATED


def _cache_key(schema) -> str:
    parts = [json.dumps(schema.raw_schema, sort_keys=True, default=str), Path(__file__).read_text(encoding="utf-8"),
             str(EXAMPLES), version("schemathesis"), version("hypothesis"), sys.version]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _generate(operations) -> dict[tuple, list]:
    """The requests Hypothesis makes for each operation and mode. Derandomized, they are the same in every
    process (the seed is a digest of collect's source, indentation included: keep it as it is)."""
    generated = {}
    for operation, mode in product(operations, GenerationMode):
        cases: list = []

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def collect(case):
            cases.append(case)  # noqa: B023  (called at once, in this iteration)
        collect()
        generated[operation.label, mode] = cases
    return generated


class _Pickler(pickle.Pickler):
    """Pickles the cases without their operation (and its schema and app): only its label, which the reading
    process resolves to its own operation."""

    def persistent_id(self, obj):
        return obj.label if isinstance(obj, schemathesis.APIOperation) else None

    def reducer_override(self, obj):
        if isinstance(obj, Case):  # its slots as they are (its __setattr__ would track them as changed)
            return _case, ({name: getattr(obj, name) for name in Case.__slots__},)
        return NotImplemented


def _case(slots: dict) -> Case:
    """A case as generated. Its metadata holds hashes of its values to tell later changes; they are Python
    hashes, which differ between processes: taken again here (unchanged values would look changed)."""
    case = Case.__new__(Case)
    for name, value in slots.items():
        object.__setattr__(case, name, value)
    if case._meta is not None:
        for location in case._meta.components:
            case._meta._initial_hashes[location] = case._meta._last_validated_hashes[location] = \
                case._hash_container(case.get_container(location))
    return case


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, operations):
        super().__init__(io.BytesIO(data))
        self.operations = {operation.label: operation for operation in operations}

    def persistent_load(self, pid):
        return self.operations[pid]


def _store(path: Path) -> None:
    """Write the cache file whole (a temporary file renamed), dropping the files of other keys."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(_GENERATED)
    partial = path.with_suffix(".partial")
    partial.write_bytes(buffer.getvalue())
    for old in CACHE.glob("*.pickle"):
        old.unlink()
    partial.replace(path)

