"""Suite-wide policy: tests needing PostgreSQL or ../shared skip visibly where those are missing,
and CITYDIPLO_REQUIRE_ALL=1 (set by CI) turns every skip into a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

REQUIRE_ALL = os.environ.get("CITYDIPLO_REQUIRE_ALL") == "1"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(autouse=True)
def _environment_requirements(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/citydiplo"
        )
    if request.node.get_closest_marker("shared") and not (SHARED / "data").is_dir():
        pytest.skip(f"needs the curation extracts in {SHARED}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CITYDIPLO_REQUIRE_ALL=1 forbids skips: {reason}"
