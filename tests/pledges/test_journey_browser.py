"""A real browser takes a pledge from draft to publication the way city staff and a moderator
would: log in, draft, submit, get changes requested, edit, resubmit, get approved; the pledge then
shows on the city's profile and in the API, while staff of another city never see the draft."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from networks.models import City
from pledges.models import CityStaff, Pledge
from tests.accounts.factories import UserFactory
from tests.pledges.factories import LONG_DESCRIPTION

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "journey-pass-2026"


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_a_pledge_from_draft_to_publication(live_server, page) -> None:
    call_command("load_seed", verbosity=0)
    call_command("demo_accounts", password=PASSWORD, verbosity=0)
    berlin = City.objects.get(slug="berlin")
    CityStaff.objects.create(
        city=berlin, user=UserFactory(username="berlin-staff", password=PASSWORD)
    )
    base = live_server.url

    # City staff drafts a pledge; a too-short description is refused on submit, input kept.
    log_in(page, base, "demo-staff")
    assert page.get_by_role("heading", name="My city").is_visible()
    page.get_by_role("link", name="New pledge").click()
    page.get_by_role("textbox", name="Title").fill("Barcelona welcome desk for newcomers")
    page.get_by_role("textbox", name="Description").fill("Too short for the UN form.")
    page.get_by_label(re.compile(r"^GCM 15:")).check()
    page.locator("summary", has_text="SDG").click()  # the SDGs are folded away at first
    page.get_by_label(re.compile(r"^SDG 11:")).check()
    page.get_by_role("button", name="Submit for review").click()
    assert "at least" not in page.url
    errors = page.locator("#id_description-errors").inner_text()
    assert "300" in errors
    assert (
        page.get_by_role("textbox", name="Title").input_value()
        == "Barcelona welcome desk for newcomers"
    )
    assert page.get_by_label(re.compile(r"^GCM 15:")).is_checked()
    assert not Pledge.objects.filter(title__startswith="Barcelona welcome desk").exists()

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/pledges/\d+/$"))
    pledge = Pledge.objects.get(title="Barcelona welcome desk for newcomers")
    assert pledge.moderation_state == "draft"
    assert "Only your city's staff can see this draft" in page.locator("main").inner_text()
    draft_url = page.url

    # Staff of another city can neither see the draft nor edit it.
    log_out(page)
    log_in(page, base, "berlin-staff")
    assert page.goto(draft_url).status == 404
    assert page.goto(draft_url + "edit/").status == 404
    log_out(page)

    # Back as Barcelona: complete the description and submit.
    log_in(page, base, "demo-staff")
    page.goto(draft_url)
    page.get_by_role("link", name="Edit or submit").click()
    page.get_by_role("textbox", name="Description").fill(LONG_DESCRIPTION)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(draft_url)
    assert "Awaiting review" in page.locator("main").inner_text()
    assert [m.to for m in mail.outbox] == [["demo-moderator@example.org"]]
    log_out(page)

    # The moderator asks for changes, with a comment that reaches the staff by e-mail.
    log_in(page, base, "demo-moderator")
    page.goto(base + "/moderation/")
    page.get_by_role("table").get_by_role("link", name="Barcelona welcome desk").click()
    page.get_by_label("Request changes").check()
    page.get_by_role("textbox", name="Comment to the city").fill(
        "Please name the partner organisations."
    )
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(base + "/moderation/")
    assert "Nothing to review" in page.locator("main").inner_text()
    decision_mail = mail.outbox[-1]
    assert decision_mail.to == ["demo-staff@example.org"]
    assert "Please name the partner organisations." in decision_mail.body
    log_out(page)

    # Staff sees what awaits them, edits and resubmits.
    log_in(page, base, "demo-staff")
    awaiting = page.locator("section", has=page.get_by_role("heading", name="Awaiting your action"))
    assert "Please name the partner organisations." in awaiting.inner_text()
    awaiting.get_by_role("link", name="Barcelona welcome desk for newcomers").click()
    page.get_by_role("textbox", name="Description").fill(
        LONG_DESCRIPTION + " Partners: migrant associations."
    )
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(draft_url)
    log_out(page)

    # The moderator approves; the history shows every step.
    log_in(page, base, "demo-moderator")
    page.goto(base + "/moderation/")
    page.get_by_role("table").get_by_role("link", name="Barcelona welcome desk").click()
    page.get_by_label("Approve and publish").check()
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(base + "/moderation/")
    page.goto(draft_url)
    history = page.locator(".moderation-history").inner_text()
    assert history.count("demo-moderator") == 2
    assert history.count("demo-staff") == 2
    log_out(page)

    # Anyone now finds it on the city's profile and in the API.
    page.goto(base + "/cities/barcelona/")
    assert page.get_by_role(
        "link", name="Barcelona welcome desk for newcomers", exact=True
    ).is_visible()
    assert "Moderation history" not in page.locator("main").inner_text()
    api = page.request.get(base + "/api/v1/pledges/?city=barcelona").json()
    assert "Barcelona welcome desk for newcomers" in [p["title"] for p in api["results"]]
    assert "demo-staff" not in str(api)
