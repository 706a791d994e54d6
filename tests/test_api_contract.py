"""Contract fuzzing: schemathesis reads the project's own OpenAPI schema from a live server on
127.0.0.1 and sends it generated requests, valid and invalid, over real HTTP.

Every check runs except ``positive_data_acceptance``: the schema cannot list every slug, and a
filter naming a record that does not exist is refused (400, naming the parameter) so that a
typo never passes for an empty result. Runs on PostgreSQL, the production database (the
SQLite leg of CI deselects it); the full report is kept in test-artifacts/.

The fuzzer acts as city staff of Barcelona (a token in ``Authorization``), so the writes run for
real: the schema's request examples create pledges, fuzzed bodies must be refused with 400, and
the stateful phase follows each new pledge's ``Location`` to read, change, submit and report on
it. ``ignored_auth`` sends the same requests without the token and expects 401. All four phases
run: examples, coverage, fuzzing, stateful. What writes do for other roles (403/404, the
Idempotency-Key) is tested in tests/pledges/test_api_write.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.tokens import api_token_create
from networks.models import City
from tests.pledges.factories import staff_of

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = os.environ.get("CITYDIPLO_FUZZ_EXAMPLES", "12")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_api_honours_its_openapi_contract(live_server) -> None:
    call_command("load_seed", verbosity=0)
    _token, key = api_token_create(
        name="Contract fuzzer", user=staff_of(City.objects.get(slug="barcelona"))
    )
    ARTIFACTS.mkdir(exist_ok=True)
    command = [
        str(ST),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        "20261122",
        "--header",
        f"Authorization: Token {key}",
        # One worker: CPython 3.11 keeps ast.parse's recursion counter in interpreter-wide
        # state, and two workers describing Hypothesis lambdas at once occasionally corrupt it
        # ("SystemError: AST constructor recursion depth mismatch", seen once in CI).
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        check=False,
    )
    report = result.stdout + result.stderr
    (ARTIFACTS / "schemathesis.txt").write_text(report)
    summary = report[report.rfind("SUMMARY") :] if "SUMMARY" in report else report[-3000:]
    print(summary)
    assert result.returncode == 0, report[-6000:]
    assert "5xx" not in summary
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in summary, f"the {phase} phase did not run:\n{summary}"
    assert "Authentication failed" not in summary
