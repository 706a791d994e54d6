"""The write API for pledges: city staff create, change, submit and report on their own city's
pledges over /api/v1/ with the rules of ``pledges.services``, and an ``Idempotency-Key`` makes a
retried POST take effect once.

Who gets what: anonymous writes are 401; a partner token without a user, or a user who may see
the pledge but not change it, 403; a pledge the client may not see is 404, exactly like one that
does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.idempotency import IDEMPOTENCY_KEY_TTL
from accounts.models import IdempotencyRecord
from accounts.tokens import api_token_create
from pledges import api as pledges_api
from pledges.models import ModerationState, Objective, Pledge, PledgeTransition, ProgressReport
from tests.accounts.factories import UserFactory
from tests.declarations.factories import EventFactory
from tests.helpers import assert_db_rejects
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory, moderator, staff_of

pytestmark = pytest.mark.django_db

PLEDGES = "/api/v1/pledges/"


def api(user: Any = None) -> APIClient:
    """A client sending ``Authorization: Token <key>`` for a token issued to ``user`` (a partner
    token without a user when ``user`` is None)."""
    _token, key = api_token_create(name="Script", user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post(client: APIClient, url: str, body: Any = None, key: str | None = None, **extra: Any):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, body, format="json", **extra)


def counts() -> tuple[int, int, int, int]:
    return (
        Pledge.objects.count(),
        PledgeTransition.objects.count(),
        ProgressReport.objects.count(),
        IdempotencyRecord.objects.count(),
    )


@pytest.fixture
def barcelona():
    return CityFactory(name="Barcelona", slug="barcelona", country="ES")


@pytest.fixture
def lyon():
    return CityFactory(name="Lyon", slug="lyon", country="FR")


@pytest.fixture
def staff(barcelona):
    return staff_of(barcelona, username="ada")


@pytest.fixture
def client(staff) -> APIClient:
    return api(staff)


@pytest.fixture
def gcm() -> list[int]:
    """Objective ids (the GCM's, as the frameworks migration seeds them)."""
    return list(
        Objective.objects.filter(framework="GCM").order_by("number").values_list("pk", flat=True)
    )


def full_body(gcm: list[int], **overrides: Any) -> dict[str, Any]:
    body = {
        "city": "barcelona",
        "title": "A welcome centre for newcomers",
        "description": LONG_DESCRIPTION,
        "pledge_type": "programme",
        "objectives": gcm[:2],
        "partner_cities": [CityFactory(slug="milan", country="IT").slug],
        "partner_networks": [NetworkFactory(slug="eurocities").slug],
        "event": EventFactory(slug="grf-2023").slug,
        "planned_start": "2024-01-01",
        "planned_end": "2026-12-31",
        "evidence_url": "https://example.org/welcome-centre",
    }
    body.update(overrides)
    return body


# --- create -------------------------------------------------------------------------------------


def test_create_saves_a_draft_and_answers_with_its_detail(client, staff) -> None:
    response = post(client, PLEDGES, {"city": "barcelona", "title": "Welcome centre"})
    assert response.status_code == 201, response.content
    body = response.json()
    pledge = Pledge.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/pledges/{pledge.pk}/"
    assert body["api_url"] == response["Location"]
    assert body["moderation_state"] == "draft"
    assert body["city"]["slug"] == "barcelona"
    assert (body["title"], body["objectives"], body["progress_reports"]) == (
        "Welcome centre",
        [],
        [],
    )
    assert not {"submitted_by", "transitions"} & set(body)
    assert (pledge.moderation_state, pledge.submitted_by) == (ModerationState.DRAFT, staff)
    # The detail is the author's; the list and the public stay published-only.
    assert client.get(response["Location"]).json() == body
    assert client.get(PLEDGES).json()["results"] == []
    missing = APIClient().get(f"{PLEDGES}{pledge.pk + 1000}/")
    hidden = APIClient().get(response["Location"])
    assert (hidden.status_code, hidden.json()) == (404, missing.json())
    assert client.get(f"{response['Location']}history/").status_code == 404


def test_create_and_submit_with_every_field(client, gcm) -> None:
    response = post(client, PLEDGES, full_body(gcm, submit=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["moderation_state"] == "submitted"
    assert [o["id"] for o in body["objectives"]] == gcm[:2]
    assert [c["slug"] for c in body["partner_cities"]] == ["milan"]
    assert [n["slug"] for n in body["partner_networks"]] == ["eurocities"]
    assert body["event"]["slug"] == "grf-2023"
    assert (body["planned_start"], body["planned_end"]) == ("2024-01-01", "2026-12-31")
    assert body["evidence_url"] == "https://example.org/welcome-centre"
    assert body["pledge_type"] == "programme"
    pledge = Pledge.objects.get()
    assert pledge.moderation_state == ModerationState.SUBMITTED
    [step] = PledgeTransition.objects.filter(pledge=pledge)
    assert (step.from_state, step.to_state) == ("draft", "submitted")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": "Too short.", "submit": True}, "description", "300 to 3,000"),
        ({"objectives": [], "submit": True}, "objectives", "at least one"),
        ({"city": "lyon"}, "city", "staff of"),
        ({"city": "nowhere"}, "city", "No city with the slug “nowhere”"),
        ({"partner_cities": ["barcelona"]}, "partner_cities", "own partner"),
        ({"partner_cities": ["milan", "atlantis"]}, "partner_cities", "“atlantis”"),
        ({"partner_networks": ["no-such-network"]}, "partner_networks", "No network"),
        ({"objectives": [999999]}, "objectives", "“999999”"),
        ({"objectives": ["1"]}, "objectives", "0: A valid integer is required."),
        ({"event": "no-such-event"}, "event", "No event"),
        ({"planned_end": "2023-01-01"}, "planned_end", "before the start"),
        ({"planned_start": "next week"}, "planned_start", "wrong format"),
        ({"planned_end": {}}, "planned_end", "Use one of these formats instead: YYYY-MM-DD."),
        ({"objectives": "1"}, "objectives", "Expected a list of items"),
        ({"event": ["grf-2023"]}, "event", "Not a valid string."),
        ({"title": 5}, "title", "Not a valid string."),
        ({"title": ""}, "title", "blank"),
        ({"title": "x" * 201}, "title", "200 characters"),
        ({"description": "x" * 5001}, "description", "5000 characters"),
        ({"pledge_type": "pledge"}, "pledge_type", "not a valid choice"),
        ({"evidence_url": "not a url"}, "evidence_url", "valid URL"),
        ({"submit": "yes"}, "submit", "Must be a valid boolean."),
        ({"titel": "Typo"}, "titel", "Unknown field. Accepted here: city, description"),
    ],
)
def test_invalid_body_is_400_naming_the_field_and_keeps_nothing(
    client, lyon, gcm, change: dict, field: str, message: str
) -> None:
    body = full_body(gcm, **change)
    before = counts()
    response = post(client, PLEDGES, body, key=f"attempt-{field}")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["detail"] == "Invalid data."
    assert field in answer["errors"], answer
    assert any(message in text for text in answer["errors"][field]), answer
    assert all(isinstance(text, str) for texts in answer["errors"].values() for text in texts)
    assert counts() == before  # no pledge, no transition, no idempotency record


def test_missing_fields_and_bodies_that_are_not_objects(client) -> None:
    errors = post(client, PLEDGES, {}).json()["errors"]
    assert set(errors) == {"city", "title"}
    for body in ([], "a pledge", 5):
        response = post(client, PLEDGES, body)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["non_field_errors"]
    broken = client.post(PLEDGES, "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "JSON parse error" in broken.json()["detail"]
    assert Pledge.objects.count() == 0


def test_query_parameters_stay_strict_on_writes(client) -> None:
    response = post(client, f"{PLEDGES}?colour=red", {"city": "barcelona", "title": "T"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid query parameters."
    assert list(response.json()["errors"]) == ["colour"]
    assert post(client, f"{PLEDGES}?format=csv", {"city": "barcelona"}).status_code == 400
    assert Pledge.objects.count() == 0


# --- change and submit --------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(client, staff, barcelona, gcm) -> None:
    pledge = PledgeFactory(
        city=barcelona,
        title="Old title",
        description="Kept as it is.",
        moderation_state=ModerationState.DRAFT,
        submitted_by=staff,
    )
    response = client.patch(f"{PLEDGES}{pledge.pk}/", {"title": "New title"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    assert response.json()["description"] == "Kept as it is."
    assert "Location" not in response
    pledge.refresh_from_db()
    assert (pledge.title, pledge.description) == ("New title", "Kept as it is.")
    # The same PATCH can complete it and send it to the moderators.
    response = client.patch(
        f"{PLEDGES}{pledge.pk}/",
        {"description": LONG_DESCRIPTION, "objectives": gcm[:1], "submit": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["moderation_state"] == "submitted"
    # Once submitted it is the moderators': no more changes.
    response = client.patch(f"{PLEDGES}{pledge.pk}/", {"title": "Too late"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This pledge is submitted and can no longer be changed."}
    # ... even a body that is itself invalid gets the 403, not a 400.
    assert client.patch(f"{PLEDGES}{pledge.pk}/", {"title": 5}, format="json").status_code == 403
    pledge.refresh_from_db()
    assert pledge.title == "New title"


def test_patch_errors_keep_the_draft_as_it_was(client, staff, barcelona) -> None:
    pledge = PledgeFactory(
        city=barcelona, title="Draft", moderation_state="draft", submitted_by=staff
    )
    response = client.patch(
        f"{PLEDGES}{pledge.pk}/", {"title": "Changed", "submit": True}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"description", "objectives"}
    pledge.refresh_from_db()
    assert (pledge.title, pledge.moderation_state) == ("Draft", "draft")


def test_submit_endpoint(client, staff, barcelona, gcm) -> None:
    incomplete = PledgeFactory(city=barcelona, moderation_state="draft", submitted_by=staff)
    response = post(client, f"{PLEDGES}{incomplete.pk}/submit/")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"description", "objectives"}
    pledge = PledgeFactory(
        city=barcelona,
        description=LONG_DESCRIPTION,
        moderation_state="changes_requested",
        submitted_by=staff,
    )
    pledge.objectives.set(gcm[:1])
    assert post(client, f"{PLEDGES}{pledge.pk}/submit/", {"now": True}).status_code == 400
    response = post(client, f"{PLEDGES}{pledge.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["moderation_state"] == "submitted"
    assert "Location" not in response
    again = post(client, f"{PLEDGES}{pledge.pk}/submit/")
    assert again.status_code == 403
    assert PledgeTransition.objects.filter(pledge=pledge).count() == 1


def test_put_and_delete_are_not_offered(client, barcelona) -> None:
    pledge = PledgeFactory(city=barcelona, moderation_state="draft")
    assert client.put(f"{PLEDGES}{pledge.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"{PLEDGES}{pledge.pk}/").status_code == 405
    assert client.get(f"{PLEDGES}{pledge.pk}/submit/").status_code == 405
    assert client.get(f"{PLEDGES}{pledge.pk}/progress-reports/").status_code == 405
    assert APIClient().delete(f"{PLEDGES}{pledge.pk}/").status_code == 405  # 405 before 401
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_writes_to_addresses_that_name_no_endpoint_are_json_404s(staff) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    for url in (f"{PLEDGES}abc/", f"{PLEDGES}%C2%84/submit/", "/api/v1/no-such-thing/"):
        response = post(client, url, {})
        assert response.status_code == 404, url  # not the CSRF failure page
        assert response["Content-Type"] == "application/json"


# --- who may --------------------------------------------------------------------------------------


def test_anonymous_writes_are_401_with_www_authenticate(barcelona) -> None:
    pledge = PledgeFactory(city=barcelona)
    anonymous = APIClient()
    for response in (
        post(anonymous, PLEDGES, {"city": "barcelona", "title": "T"}),
        anonymous.patch(f"{PLEDGES}{pledge.pk}/", {"title": "T"}, format="json"),
        post(anonymous, f"{PLEDGES}{pledge.pk}/submit/"),
        post(anonymous, f"{PLEDGES}{pledge.pk}/progress-reports/", {}),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert Pledge.objects.count() == 1


def test_partner_token_without_a_user_reads_only(barcelona) -> None:
    pledge = PledgeFactory(city=barcelona)
    partner = api(None)
    assert partner.get(f"{PLEDGES}{pledge.pk}/").status_code == 200
    for response in (
        post(partner, PLEDGES, {"city": "barcelona", "title": "T"}),
        partner.patch(f"{PLEDGES}{pledge.pk}/", {"title": "T"}, format="json"),
        post(partner, f"{PLEDGES}{pledge.pk}/progress-reports/", {}),
    ):
        assert response.status_code == 403
        assert "Partner tokens without a user can only read" in response.json()["detail"]
    assert Pledge.objects.count() == 1


def test_users_who_are_no_city_staff_cannot_create(barcelona) -> None:
    response = post(api(UserFactory()), PLEDGES, {"city": "barcelona", "title": "T"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only city staff can enter pledges."}
    assert Pledge.objects.count() == 0


def test_staff_of_another_city(barcelona, lyon, staff) -> None:
    other = api(staff_of(lyon, username="lea"))
    draft = PledgeFactory(city=barcelona, moderation_state="draft", submitted_by=staff)
    published = PledgeFactory(city=barcelona)
    missing = other.get(f"{PLEDGES}{draft.pk + 1000}/").json()
    # The other city's draft does not exist for them...
    for response in (
        other.get(f"{PLEDGES}{draft.pk}/"),
        other.patch(f"{PLEDGES}{draft.pk}/", {"title": "Mine now"}, format="json"),
        post(other, f"{PLEDGES}{draft.pk}/submit/"),
        post(other, f"{PLEDGES}{draft.pk}/progress-reports/", {}),
    ):
        assert (response.status_code, response.json()) == (404, missing)
    # ... a published pledge of another city is visible, and not theirs to change,
    response = other.patch(f"{PLEDGES}{published.pk}/", {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff of the pledge's city can change it."}
    # ... and entering one for a city they are not staff of is the service's 400 on "city".
    response = post(other, PLEDGES, {"city": "barcelona", "title": "T"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "city": ["You can only pledge for a city you are staff of."]
    }
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.title != "Mine now"
    assert published.title != "Mine now"


def test_moderators_see_submitted_pledges_but_do_not_edit_them(barcelona, staff) -> None:
    client = api(moderator(username="mo"))
    draft = PledgeFactory(city=barcelona, moderation_state="draft", submitted_by=staff)
    submitted = PledgeFactory(city=barcelona, moderation_state="submitted", submitted_by=staff)
    assert client.get(f"{PLEDGES}{draft.pk}/").status_code == 404
    body = client.get(f"{PLEDGES}{submitted.pk}/").json()
    assert body["moderation_state"] == "submitted"
    assert not {"submitted_by", "transitions", "comment"} & set(body)
    response = client.patch(f"{PLEDGES}{submitted.pk}/", {"title": "T"}, format="json")
    assert response.status_code == 403
    assert client.get(PLEDGES).json()["results"] == []  # the list stays published-only


def test_session_writes_need_the_csrf_token(barcelona, staff) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    response = post(client, PLEDGES, {"city": "barcelona", "title": "T"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Pledge.objects.count() == 0
    secret = "a1" * 16
    client.cookies["csrftoken"] = secret
    response = post(client, PLEDGES, {"city": "barcelona", "title": "T"}, HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content
    assert Pledge.objects.get().submitted_by == staff


# --- progress reports -----------------------------------------------------------------------------


def test_progress_report_on_a_published_pledge_sets_its_status(client, barcelona) -> None:
    pledge = PledgeFactory(city=barcelona, status="planning")
    review = EventFactory(slug="grf-2023", name="Global Refugee Forum 2023")
    url = f"{PLEDGES}{pledge.pk}/progress-reports/"
    body = {
        "reported_on": "2024-06-30",
        "status": "in_progress",
        "narrative": "The centre opened in May.",
        "evidence_url": "https://example.org/report",
        "review": "grf-2023",
    }
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert {k: answer[k] for k in ("reported_on", "status", "narrative", "evidence_url")} == {
        k: body[k] for k in ("reported_on", "status", "narrative", "evidence_url")
    }
    assert answer["review"]["slug"] == "grf-2023"
    pledge.refresh_from_db()
    assert pledge.status == "in_progress"
    report = ProgressReport.objects.get()
    assert (report.review, report.pledge) == (review, pledge)
    detail = APIClient().get(f"{PLEDGES}{pledge.pk}/").json()
    assert detail["status"] == "in_progress"
    assert detail["progress_reports"] == [answer]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reported_on": str(timezone.localdate() + dt.timedelta(days=2))}, "reported_on"),
        ({"status": "abandoned"}, "status"),
        ({"narrative": ""}, "narrative"),
        ({"review": "no-such-event"}, "review"),
        ({"pledge": 1}, "pledge"),
    ],
)
def test_invalid_progress_reports_are_400(client, barcelona, change: dict, field: str) -> None:
    pledge = PledgeFactory(city=barcelona, status="planning")
    body = {"reported_on": "2024-06-30", "status": "fulfilled", "narrative": "Done.", **change}
    response = post(client, f"{PLEDGES}{pledge.pk}/progress-reports/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    pledge.refresh_from_db()
    assert (pledge.status, ProgressReport.objects.count()) == ("planning", 0)


def test_progress_reports_only_on_published_pledges_of_ones_city(
    client, staff, barcelona, lyon
) -> None:
    body = {"reported_on": "2024-06-30", "status": "fulfilled", "narrative": "Done."}
    draft = PledgeFactory(city=barcelona, moderation_state="draft", submitted_by=staff)
    response = post(client, f"{PLEDGES}{draft.pk}/progress-reports/", body)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only staff of the pledge's city report on it, once it is published."
    }
    elsewhere = PledgeFactory(city=lyon)
    assert post(client, f"{PLEDGES}{elsewhere.pk}/progress-reports/", body).status_code == 403
    assert ProgressReport.objects.count() == 0


# --- idempotency ----------------------------------------------------------------------------------


def test_same_key_twice_creates_one_pledge_and_replays_the_answer(client) -> None:
    body = {"city": "barcelona", "title": "Welcome centre"}
    first = post(client, PLEDGES, body, key="5f0c6a4e-retry-me")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    pledge = Pledge.objects.get()
    # The pledge changes meanwhile; the replay is the answer as first given, and touches nothing.
    client.patch(f"{PLEDGES}{pledge.pk}/", {"title": "Renamed"}, format="json")
    again = post(client, PLEDGES, body, key="5f0c6a4e-retry-me")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert Pledge.objects.get().title == "Renamed"
    # Key order and spacing of the JSON do not make another request; the draft's quoted form
    # of the header names the same key.
    reordered = client.post(
        PLEDGES,
        '{ "title": "Welcome centre",  "city": "barcelona" }',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY='"5f0c6a4e-retry-me"',
    )
    assert (reordered.status_code, reordered.content) == (201, first.content)
    assert Pledge.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.method, record.path, record.response_status) == (
        "5f0c6a4e-retry-me",
        "POST",
        PLEDGES,
        201,
    )


def test_same_key_for_another_request_is_422(client, barcelona, staff) -> None:
    assert post(client, PLEDGES, {"city": "barcelona", "title": "A"}, key="k-1").status_code == 201
    response = post(client, PLEDGES, {"city": "barcelona", "title": "B"}, key="k-1")
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    draft = PledgeFactory(city=barcelona, moderation_state="draft", submitted_by=staff)
    other_path = post(
        client, f"{PLEDGES}{draft.pk}/submit/", {"city": "barcelona", "title": "A"}, key="k-1"
    )
    assert other_path.status_code == 422
    assert Pledge.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_keys_belong_to_their_user(client, barcelona) -> None:
    colleague = api(staff_of(barcelona, username="bo"))
    body = {"city": "barcelona", "title": "Same words"}
    mine = post(client, PLEDGES, body, key="shared-key")
    theirs = post(colleague, PLEDGES, body, key="shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Pledge.objects.count() == 2


def test_a_failed_attempt_leaves_the_key_unused(client) -> None:
    """Only successes are stored: after a 400 the corrected request runs under the same key."""
    failed = post(client, PLEDGES, {"city": "barcelona", "title": ""}, key="try-again")
    assert failed.status_code == 400
    assert IdempotencyRecord.objects.count() == 0
    fixed = post(client, PLEDGES, {"city": "barcelona", "title": "Fixed"}, key="try-again")
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed
    replayed = post(client, PLEDGES, {"city": "barcelona", "title": "Fixed"}, key="try-again")
    assert (replayed.status_code, replayed["Idempotent-Replayed"]) == (201, "true")
    # A 403 or 404 is not stored either.
    assert post(client, f"{PLEDGES}999999/submit/", key="later").status_code == 404
    assert IdempotencyRecord.objects.filter(key="later").count() == 0
    assert Pledge.objects.count() == 1


def test_submit_and_reports_are_idempotent_too(client, staff, barcelona, gcm) -> None:
    draft = PledgeFactory(
        city=barcelona, description=LONG_DESCRIPTION, moderation_state="draft", submitted_by=staff
    )
    draft.objectives.set(gcm[:1])
    first = post(client, f"{PLEDGES}{draft.pk}/submit/", key="submit-1")
    again = post(client, f"{PLEDGES}{draft.pk}/submit/", key="submit-1")
    assert (first.status_code, again.status_code) == (200, 200)  # not the 403 of a resubmission
    assert again.content == first.content
    assert PledgeTransition.objects.filter(pledge=draft).count() == 1
    published = PledgeFactory(city=barcelona)
    url = f"{PLEDGES}{published.pk}/progress-reports/"
    body = {"reported_on": "2024-06-30", "status": "fulfilled", "narrative": "Done."}
    assert post(client, url, body, key="report-1").status_code == 201
    assert post(client, url, body, key="report-1")["Idempotent-Replayed"] == "true"
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize("header", ["", " ", "x" * 256, "two words", "clé", '""'])
def test_invalid_keys_are_400_naming_the_header(client, header: str) -> None:
    response = post(client, PLEDGES, {"city": "barcelona", "title": "T"}, key=header)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid Idempotency-Key header."
    assert list(body["errors"]) == ["Idempotency-Key"]
    assert Pledge.objects.count() == 0


def test_the_longest_key_is_accepted(client) -> None:
    key = "~" * 255
    assert post(client, PLEDGES, {"city": "barcelona", "title": "T"}, key=key).status_code == 201
    assert IdempotencyRecord.objects.get().key == key


def test_keys_expire_after_a_day(client) -> None:
    body = {"city": "barcelona", "title": "T"}
    assert post(client, PLEDGES, body, key="old-key").status_code == 201
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - IDEMPOTENCY_KEY_TTL - dt.timedelta(minutes=1)
    )
    again = post(client, PLEDGES, body, key="old-key")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Pledge.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_purge_command_deletes_only_expired_records(client) -> None:
    for key in ("fresh", "stale"):
        post(client, PLEDGES, {"city": "barcelona", "title": key}, key=key)
    IdempotencyRecord.objects.filter(key="stale").update(
        created_at=timezone.now() - IDEMPOTENCY_KEY_TTL - dt.timedelta(seconds=1),
        completed_at=timezone.now(),
    )
    call_command("purge_idempotency_keys", verbosity=0)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_a_key_still_without_answer_is_409(client, staff) -> None:
    """Only reachable when a request's record committed before its answer (no ATOMIC_REQUESTS),
    or for an instant on databases that do not make the INSERT wait."""
    IdempotencyRecord.objects.create(
        user=staff, key="busy", method="POST", path=PLEDGES, fingerprint="0" * 64
    )
    response = post(client, PLEDGES, {"city": "barcelona", "title": "T"}, key="busy")
    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]
    assert Pledge.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"key": ""},
        {"key": "has space"},  # (a longer key than 255 does not fit the column at all)
        {"method": "GET"},
        {"path": "api/v1/pledges/"},
        {"fingerprint": "not-a-sha256"},
        {"response_status": 201},  # an answer without completion time
        {"response_status": 400, "completed_at": timezone.now()},  # errors are never stored
        {"response_body": "{}"},  # a body without a status
    ],
)
def test_database_guards_idempotency_records(staff, fields: dict) -> None:
    row = {
        "user": staff,
        "key": "k",
        "method": "POST",
        "path": PLEDGES,
        "fingerprint": "a" * 64,
        **fields,
    }
    assert_db_rejects(IdempotencyRecord.objects.create, **row)


def test_database_keeps_one_record_per_user_and_key(staff) -> None:
    row = {"user": staff, "key": "k", "method": "POST", "path": PLEDGES, "fingerprint": "a" * 64}
    IdempotencyRecord.objects.create(**row)
    assert_db_rejects(IdempotencyRecord.objects.create, **row)
    IdempotencyRecord.objects.create(**{**row, "user": UserFactory()})


def test_writes_count_against_the_same_throttle(client, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "partner": "3/min"},
    }
    cache.clear()
    try:
        assert client.get(PLEDGES).status_code == 200
        body = {"city": "barcelona", "title": "T"}
        assert post(client, PLEDGES, body, key="t-1").status_code == 201
        assert post(client, PLEDGES, body, key="t-2").status_code == 201
        throttled = post(client, PLEDGES, body, key="t-3")
        assert throttled.status_code == 429
        assert client.get(PLEDGES).status_code == 429
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["t-2", "t-1"]
    finally:
        cache.clear()


# --- costs ----------------------------------------------------------------------------------------


def test_create_costs_the_same_queries_whatever_the_number_of_relations(client, gcm) -> None:
    client.get(PLEDGES)  # the token's "last used" is written once a minute: do it now

    def cost(n: int) -> int:
        body = {
            "city": "barcelona",
            "title": f"{n} of each",
            "description": LONG_DESCRIPTION,
            "objectives": gcm[:n],
            "partner_cities": [CityFactory().slug for _ in range(n)],
            "partner_networks": [NetworkFactory().slug for _ in range(n)],
            "event": EventFactory().slug,
            "submit": True,
        }
        with CaptureQueriesContext(connection) as ctx:
            response = post(client, PLEDGES, body, key=f"budget-{n}")
        assert response.status_code == 201, response.content
        assert len(response.json()["objectives"]) == n
        return len(ctx)

    small, large = cost(1), cost(20)
    print(f"\nPOST /api/v1/pledges/ (submit, with Idempotency-Key): {small} queries")
    assert large == small


# --- concurrency (PostgreSQL) -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_pledge(live_server, monkeypatch) -> None:
    """Two requests with one key at the same moment: the second waits on the key's row until the
    first has committed, then replays its answer."""
    city = CityFactory(slug="barcelona", country="ES")
    _token, key = api_token_create(name="Script", user=staff_of(city, username="ada"))
    create = pledges_api.services.pledge_create

    def slow_create(**kwargs: Any) -> Pledge:
        pledge = create(**kwargs)
        time.sleep(0.6)  # hold the transaction open: the duplicate must arrive meanwhile
        return pledge

    monkeypatch.setattr(pledges_api.services, "pledge_create", slow_create)
    body = json.dumps({"city": "barcelona", "title": "Sent twice"}).encode()
    start = threading.Barrier(2)
    results: list[tuple[int, dict[str, str], bytes, float]] = []

    def send() -> None:
        request = urllib.request.Request(
            f"{live_server.url}{PLEDGES}",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": "one-key-two-requests",
            },
        )
        start.wait()
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                answer = (response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            answer = (error.code, dict(error.headers), error.read())
        results.append((*answer, time.monotonic() - began))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(status for status, *_ in results) == [201, 201], results
    fresh = [r for r in results if "Idempotent-Replayed" not in r[1]]
    replayed = [r for r in results if r[1].get("Idempotent-Replayed") == "true"]
    assert len(fresh) == len(replayed) == 1, results
    assert replayed[0][2] == fresh[0][2]
    assert replayed[0][3] > 0.3  # it did wait for the first request
    assert Pledge.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
