"""Suite-wide policy: tests needing PostgreSQL or ../shared skip visibly where those are missing,
and CITYDIPLO_REQUIRE_ALL=1 (set by CI) turns every skip into a failure."""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

REQUIRE_ALL = os.environ.get("CITYDIPLO_REQUIRE_ALL") == "1"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CHROMIUM = os.environ.get("CITYDIPLO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _environment_requirements(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/citydiplo"
        )
    if request.node.get_closest_marker("shared") and not (SHARED / "data").is_dir():
        pytest.skip(f"needs the curation extracts in {SHARED}")


@pytest.fixture(autouse=True)
def _migration_data(request: pytest.FixtureRequest) -> None:
    """A transactional test ends by emptying every table, the rows migrations wrote included
    (the UN frameworks and their objectives, the Moderators group). pytest-django runs those
    tests last, so only they can meet the emptied tables: each gets the rows back first."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from pledges.access import moderators_group
    from pledges.models import Objective

    if not Objective.objects.exists():
        importlib.import_module("pledges.migrations.0002_frameworks").load(apps, None)
    moderators_group()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CITYDIPLO_REQUIRE_ALL=1 forbids skips: {reason}"


@pytest.fixture
def page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser is downloaded at run time).

    Function-scoped on purpose: the browser starts after the test database is ready and stops
    before it is flushed, because Playwright's sync API runs an event loop in this thread and
    Django refuses database work inside one. While the page is open the test's own database calls
    are allowed explicitly. A screenshot per test is kept in test-artifacts/ (not committed).
    """
    if not shutil.which(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        try:
            yield page
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            browser.close()
            # The test's own queries ran while Playwright's loop was set, on a connection the
            # database teardown does not see: close it, or dropping the test database fails.
            connections.close_all()
