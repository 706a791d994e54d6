"""The permission matrix of the pledge workflow's pages: four kinds of visitor (anonymous, staff of
the pledge's city, staff of another city, moderator) against every page, in every state of the
pledge, each answer written out. A pledge a visitor may not see answers 404 (its existence does
not leak); one they may see but not touch answers 403; anonymous visitors are sent to log in.
Every form refuses a POST without its CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from pledges.models import ModerationState, Objective, Pledge, PledgeTransition, ProgressReport
from tests.networks.factories import CityFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory, moderator, staff_of

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "own", "other", "moderator")
STATES = ("draft", "submitted", "changes_requested", "published", "rejected")
LOGIN = "login"  # expected answer: a redirect to the login page


@pytest.fixture
def world() -> dict:
    city = CityFactory(name="Barcelona", slug="barcelona", country="ES")
    lyon = CityFactory(name="Lyon", slug="lyon", country="FR")
    users = {
        "own": staff_of(city, username="own"),
        "other": staff_of(lyon, username="other"),
        "moderator": moderator(username="moderator"),
    }
    pledges = {}
    for state in STATES:
        pledge = PledgeFactory(
            city=city,
            title=f"Secret {state} pledge",
            description=LONG_DESCRIPTION,
            moderation_state=state,
            submitted_by=users["own"],
        )
        if state == "changes_requested":
            PledgeTransition.objects.create(
                pledge=pledge,
                from_state="submitted",
                to_state=state,
                actor=users["moderator"],
                comment="Private moderator remark",
            )
        pledge.objectives.add(Objective.objects.get(framework="GCM", number=15))
        pledges[state] = pledge
    return {"city": city, "lyon": lyon, "users": users, "pledges": pledges}


def client_for(world: dict, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def outcome(response) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def row(*codes: int | str) -> dict[str, int | str]:
    return dict(zip(STATES, codes, strict=True))


# Per page: role -> answer in each state (draft, submitted, changes_requested, published, rejected).
PLEDGE_PAGES = {
    "/pledges/{pk}/": {
        "anonymous": row(404, 404, 404, 200, 404),
        "own": row(200, 200, 200, 200, 200),
        "other": row(404, 404, 404, 200, 404),
        "moderator": row(404, 200, 200, 200, 200),
    },
    "/pledges/{pk}/edit/": {
        "anonymous": row(*[LOGIN] * 5),
        "own": row(200, 403, 200, 403, 403),
        "other": row(404, 404, 404, 403, 404),
        "moderator": row(404, 403, 403, 403, 403),
    },
    "/pledges/{pk}/reports/new/": {
        "anonymous": row(*[LOGIN] * 5),
        "own": row(403, 403, 403, 200, 403),
        "other": row(404, 404, 404, 403, 404),
        "moderator": row(404, 403, 403, 403, 403),
    },
    "/pledges/{pk}/export/gcm/": {
        "anonymous": row(*[LOGIN] * 5),
        "own": row(200, 200, 200, 200, 200),
        "other": row(404, 404, 404, 403, 404),
        "moderator": row(404, 403, 403, 403, 403),
    },
    "/pledges/{pk}/export/grf/": {
        "anonymous": row(*[LOGIN] * 5),
        "own": row(200, 200, 200, 200, 200),
        "other": row(404, 404, 404, 403, 404),
        "moderator": row(404, 403, 403, 403, 403),
    },
    "/moderation/{pk}/": {
        "anonymous": row(*[LOGIN] * 5),
        "own": row(403, 403, 403, 403, 403),
        "other": row(403, 403, 403, 403, 403),
        "moderator": row(404, 200, 200, 200, 200),
    },
}

CASES = [
    (url, role, state, expected)
    for url, by_role in PLEDGE_PAGES.items()
    for role, by_state in by_role.items()
    for state, expected in by_state.items()
]


@pytest.mark.parametrize(("url", "role", "state", "expected"), CASES)
def test_pledge_pages(world, url: str, role: str, state: str, expected) -> None:
    pledge = world["pledges"][state]
    response = client_for(world, role).get(url.format(pk=pledge.pk))
    assert outcome(response) == expected
    if expected != 200 and role != "moderator":
        assert b"Secret" not in response.content


PAGES = {
    "/pledges/new/": {"anonymous": LOGIN, "own": 200, "other": 200, "moderator": 403},
    "/moderation/": {"anonymous": LOGIN, "own": 403, "other": 403, "moderator": 200},
    "/my-city/": {"anonymous": LOGIN, "own": 200, "other": 200, "moderator": 302},
}


@pytest.mark.parametrize(
    ("url", "role", "expected"),
    [(url, role, code) for url, by_role in PAGES.items() for role, code in by_role.items()],
)
def test_role_pages(world, url: str, role: str, expected) -> None:
    assert outcome(client_for(world, role).get(url)) == expected


def test_a_moderator_without_a_city_is_sent_to_the_queue(world) -> None:
    response = client_for(world, "moderator").get("/my-city/")
    assert response["Location"] == "/moderation/"


def test_the_dashboard_shows_only_ones_own_cities(world) -> None:
    own = client_for(world, "own").get("/my-city/").content.decode()
    other = client_for(world, "other").get("/my-city/").content.decode()
    assert "Secret draft pledge" in own
    assert "Secret" not in other


def test_the_queue_lists_submitted_pledges_only(world) -> None:
    page = client_for(world, "moderator").get("/moderation/").content.decode()
    assert "Secret submitted pledge" in page
    assert "Secret draft pledge" not in page


@pytest.mark.parametrize("role", ROLES)
def test_the_moderation_history_is_private(world, role: str) -> None:
    pledge = world["pledges"]["changes_requested"]
    pledge.moderation_state = ModerationState.PUBLISHED  # as if published later
    pledge.save()
    page = client_for(world, role).get(f"/pledges/{pledge.pk}/").content.decode()
    assert ("Private moderator remark" in page) is (role in ("own", "moderator"))


# --- writes -----------------------------------------------------------------------------------


def pledge_form_data(world: dict, **fields) -> dict:
    return {
        "city": world["city"].pk,
        "title": "Posted pledge",
        "description": LONG_DESCRIPTION,
        "action": "draft",
        **fields,
    }


@pytest.mark.parametrize(
    ("role", "expected", "created"),
    [("anonymous", LOGIN, 0), ("own", 302, 1), ("other", 400, 0), ("moderator", 403, 0)],
)
def test_posting_a_new_pledge(world, role: str, expected, created: int) -> None:
    response = client_for(world, role).post("/pledges/new/", pledge_form_data(world))
    assert outcome(response) == expected
    assert Pledge.objects.filter(title="Posted pledge").count() == created


EDIT_POSTS = {
    "anonymous": row(*[LOGIN] * 5),
    "own": row(302, 403, 302, 403, 403),
    "other": row(404, 404, 404, 403, 404),
    "moderator": row(404, 403, 403, 403, 403),
}


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [(role, state, code) for role, by in EDIT_POSTS.items() for state, code in by.items()],
)
def test_posting_an_edit(world, role: str, state: str, expected) -> None:
    pledge = world["pledges"][state]
    response = client_for(world, role).post(
        f"/pledges/{pledge.pk}/edit/", pledge_form_data(world, title="Edited title")
    )
    assert outcome(response) == expected
    pledge.refresh_from_db()
    assert (pledge.title == "Edited title") is (expected == 302)


DECISION_POSTS = {
    "anonymous": row(*[LOGIN] * 5),
    "own": row(403, 403, 403, 403, 403),
    "other": row(403, 403, 403, 403, 403),
    "moderator": row(404, 302, 409, 409, 409),
}


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [(role, state, code) for role, by in DECISION_POSTS.items() for state, code in by.items()],
)
def test_posting_a_decision(world, role: str, state: str, expected) -> None:
    pledge = world["pledges"][state]
    response = client_for(world, role).post(
        f"/moderation/{pledge.pk}/", {"decision": "approve", "comment": ""}
    )
    assert outcome(response) == expected
    published_now = PledgeTransition.objects.filter(pledge=pledge, to_state="published").exists()
    assert published_now is (expected == 302)


REPORT_POSTS = {
    "anonymous": row(*[LOGIN] * 5),
    "own": row(403, 403, 403, 302, 403),
    "other": row(404, 404, 404, 403, 404),
    "moderator": row(404, 403, 403, 403, 403),
}


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [(role, state, code) for role, by in REPORT_POSTS.items() for state, code in by.items()],
)
def test_posting_a_progress_report(world, role: str, state: str, expected) -> None:
    pledge = world["pledges"][state]
    response = client_for(world, role).post(
        f"/pledges/{pledge.pk}/reports/new/",
        {"reported_on": "2025-05-01", "status": "in_progress", "narrative": "Opened."},
    )
    assert outcome(response) == expected
    assert pledge.progress_reports.exists() is (expected == 302)


# --- CSRF on every form -----------------------------------------------------------------------

FORMS = [
    ("own", "/pledges/new/", None),
    ("own", "/pledges/{pk}/edit/", "draft"),
    ("own", "/pledges/{pk}/reports/new/", "published"),
    ("moderator", "/moderation/{pk}/", "submitted"),
]


@pytest.mark.parametrize(("role", "url", "state"), FORMS)
def test_every_form_refuses_a_post_without_its_csrf_token(world, role, url, state) -> None:
    pk = world["pledges"][state].pk if state else None
    before = (Pledge.objects.count(), PledgeTransition.objects.count())
    client = client_for(world, role, enforce_csrf_checks=True)
    response = client.post(url.format(pk=pk), {"action": "submit", "decision": "approve"})
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert (Pledge.objects.count(), PledgeTransition.objects.count()) == before


# --- the same matrix over the API (token authentication) --------------------------------------

API_ROLES = ("anonymous", "partner", "own", "other", "moderator")


def api_client(world: dict, role: str) -> APIClient:
    client = APIClient()
    if role == "partner":  # a read token with no user behind it
        _, key = api_token_create(name="Partner dashboard")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    elif role != "anonymous":
        _, key = api_token_create(name=f"{role} token", user=world["users"][role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


API_DETAIL = {
    "anonymous": row(404, 404, 404, 200, 404),
    "partner": row(404, 404, 404, 200, 404),
    "own": row(200, 200, 200, 200, 200),
    "other": row(404, 404, 404, 200, 404),
    "moderator": row(404, 200, 200, 200, 200),
}
# A partner's read token may write nothing: 403 whatever the pledge (so nothing leaks either).
API_PATCH = {
    "anonymous": row(*[401] * 5),
    "partner": row(*[403] * 5),
    "own": row(200, 403, 200, 403, 403),
    "other": row(404, 404, 404, 403, 404),
    "moderator": row(404, 403, 403, 403, 403),
}
API_SUBMIT = API_PATCH
API_REPORT = {
    "anonymous": row(*[401] * 5),
    "partner": row(*[403] * 5),
    "own": row(403, 403, 403, 201, 403),
    "other": row(404, 404, 404, 403, 404),
    "moderator": row(404, 403, 403, 403, 403),
}


def _api_cases(table: dict) -> list:
    return [(role, state, code) for role, by in table.items() for state, code in by.items()]


@pytest.mark.parametrize(("role", "state", "expected"), _api_cases(API_DETAIL))
def test_api_detail(world, role, state, expected) -> None:
    pledge = world["pledges"][state]
    response = api_client(world, role).get(f"/api/v1/pledges/{pledge.pk}/")
    assert response.status_code == expected
    if expected == 404:
        assert b"Secret" not in response.content


@pytest.mark.parametrize(("role", "state", "expected"), _api_cases(API_PATCH))
def test_api_patch(world, role, state, expected) -> None:
    pledge = world["pledges"][state]
    response = api_client(world, role).patch(
        f"/api/v1/pledges/{pledge.pk}/", {"title": "Patched title"}, format="json"
    )
    assert response.status_code == expected
    pledge.refresh_from_db()
    assert (pledge.title == "Patched title") is (expected == 200)


@pytest.mark.parametrize(("role", "state", "expected"), _api_cases(API_SUBMIT))
def test_api_submit(world, role, state, expected) -> None:
    pledge = world["pledges"][state]
    response = api_client(world, role).post(f"/api/v1/pledges/{pledge.pk}/submit/", format="json")
    assert response.status_code == expected
    pledge.refresh_from_db()
    assert (pledge.moderation_state == "submitted") is (expected == 200 or state == "submitted")


@pytest.mark.parametrize(("role", "state", "expected"), _api_cases(API_REPORT))
def test_api_progress_report(world, role, state, expected) -> None:
    pledge = world["pledges"][state]
    response = api_client(world, role).post(
        f"/api/v1/pledges/{pledge.pk}/progress-reports/",
        {"reported_on": "2025-05-01", "status": "in_progress", "narrative": "Opened."},
        format="json",
    )
    assert response.status_code == expected
    assert ProgressReport.objects.filter(pledge=pledge).exists() is (expected == 201)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("partner", 403), ("own", 201), ("other", 400), ("moderator", 403)],
)
def test_api_create(world, role, expected) -> None:
    body = {"city": "barcelona", "title": "Created over the API", "description": "Draft text."}
    response = api_client(world, role).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == expected
    assert Pledge.objects.filter(title="Created over the API").exists() is (expected == 201)
