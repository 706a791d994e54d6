"""A real browser walks the seeded site the way a researcher would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from networks.dates import format_partial_date

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_researcher_reaches_a_declaration_and_its_source(live_server, page) -> None:
    call_command("load_seed", verbosity=0)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "City diplomacy in migration"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    page.get_by_role("link", name="Gaziantep Declaration").click()
    assert page.locator("h1").inner_text() == "Gaziantep Declaration"
    facts = page.locator("dl.facts").inner_text()
    # day precision, as the source gives it, in the interface language's date format
    with translation.override("en"):
        assert format_partial_date(dt.date(2019, 11, 27), "day") in facts
    page.get_by_role("link", name="Eine neue Rolle für Städte", exact=False).first.click()
    assert "Migrationsgovernance" in page.locator("h1").inner_text()


def test_keyboard_user_can_skip_to_content(live_server, page) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/#main", timeout=5000)  # fails the test if the skip link goes nowhere
