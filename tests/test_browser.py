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


def test_researcher_filters_cities_opens_a_profile_and_reads_it_in_german(
    live_server, page
) -> None:
    call_command("load_seed", verbosity=0)
    page.goto(live_server.url + "/cities/")
    page.get_by_label("World region").select_option(label="Europe")
    page.get_by_label("Member of network").select_option(label="Solidarity Cities")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/cities/?*")
    assert "region=europe" in page.url
    assert "network=solidarity-cities" in page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() == 6  # the six cities the solidarity-cities article names
    assert page.get_by_role("status").first.inner_text().startswith("6 results")
    page.locator("main table").get_by_role("link", name="Berlin", exact=True).click()
    assert page.locator("h1").inner_text() == "Berlin"
    assert page.locator("svg.world-map .point--emphasis").count() == 1

    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Switch language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Berlin"
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Städte").is_visible()
    assert nav.get_by_role("link", name="Erklärungen").is_visible()
    assert page.get_by_role("heading", name="Unterzeichnete Erklärungen").is_visible()
    # the choice sticks: the listing now speaks German too, filters still in the URL
    page.go_back()
    page.goto(live_server.url + "/cities/?region=europe")
    assert page.get_by_role("button", name="Filter anwenden").is_visible()


def test_pages_fit_a_phone_screen_under_the_strict_csp(live_server, page) -> None:
    call_command("load_seed", verbosity=0)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    pages = ["/", "/cities/", "/cities/berlin/", "/networks/solidarity-cities/", "/timeline/"]
    pages += ["/declarations/gaziantep-declaration/", "/search/?q=K%C3%B6ln", "/admin/login/"]
    for path in pages:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    assert violations == []


def test_partner_reads_the_api_docs_offline_under_the_strict_csp(live_server, page) -> None:
    """Swagger UI comes from the vendored sidecar and renders every resource; no request
    leaves this server and the strict policy blocks nothing."""
    call_command("load_seed", verbosity=0)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    foreign: list[str] = []
    page.on(
        "request",
        lambda req: None if req.url.startswith(live_server.url) else foreign.append(req.url),
    )
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    for resource in ["cities", "declarations", "pledges", "objectives"]:
        assert any(tag.strip().startswith(resource) for tag in tags), tags
    page.locator("#operations-declarations-declarations_list").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='year']").fill("2018")
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert "bristol-declaration-2018" in page.locator(".live-responses-table tbody").inner_text()
    assert foreign == []
    assert violations == [], "\n".join(violations)
