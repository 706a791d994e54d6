"""Pledges, frameworks and objectives over the API; unpublished pledges exist nowhere in it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pledges.models import ModerationState, Objective, ProgressReport
from tests.accounts.factories import UserFactory
from tests.declarations.factories import EventFactory
from tests.networks.factories import CityFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [s for s in ModerationState.values if s != ModerationState.PUBLISHED]


def test_pledges_filter_by_objective_and_status(client) -> None:
    gcm_15 = Objective.objects.get(framework="GCM", number=15)
    fulfilled = PledgeFactory(title="Access to services", status="fulfilled")
    fulfilled.objectives.add(gcm_15)
    planning = PledgeFactory(title="Planned", status="planning")
    planning.objectives.add(gcm_15)
    PledgeFactory(title="Unmapped", status="fulfilled")
    response = client.get(f"/api/v1/pledges/?objective={gcm_15.pk}&status=fulfilled")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["title"] == "Access to services"
    assert row["objectives"] == [
        {
            "id": gcm_15.pk,
            "framework": "GCM",
            "number": 15,
            "title": gcm_15.title,
            "api_url": f"http://testserver/api/v1/objectives/{gcm_15.pk}/",
        }
    ]
    compact = client.get("/api/v1/pledges/?compact=GCM").json()["results"]
    assert {r["title"] for r in compact} == {"Access to services", "Planned"}


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_pledges_appear_nowhere(client, state: str) -> None:
    city = CityFactory(slug="barcelona", country="ES")
    event = EventFactory(slug="grf-2019")
    hidden = PledgeFactory(
        city=city, event=event, title="Secret draft title", moderation_state=state
    )
    hidden.objectives.add(Objective.objects.get(framework="GCM", number=1))
    PledgeFactory(city=city, title="Public pledge")
    assert client.get(f"/api/v1/pledges/{hidden.pk}/").status_code == 404
    texts = []
    for url in [
        "/api/v1/pledges/",
        "/api/v1/pledges/?format=csv",
        "/api/v1/pledges/?city=barcelona&count=true",
        "/api/v1/pledges/?search=Secret",
        "/api/v1/cities/barcelona/",
        "/api/v1/cities/?format=csv",
        "/api/v1/events/grf-2019/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        texts.append(body.decode())
    assert not any("Secret draft title" in text for text in texts)
    assert json.loads(texts[2])["count"] == 1
    city_row = client.get("/api/v1/cities/barcelona/").json()
    assert city_row["n_pledges"] == 1
    assert [p["title"] for p in city_row["pledges"]] == ["Public pledge"]


def test_no_private_field_in_pledge_responses(client) -> None:
    pledge = PledgeFactory(submitted_by=UserFactory(username="staff-member"))
    detail = client.get(f"/api/v1/pledges/{pledge.pk}/").json()
    listed = client.get("/api/v1/pledges/").json()["results"][0]
    for row in (detail, listed):
        assert not {"submitted_by", "transitions", "created_at", "updated_at"} & set(row)
        assert "staff-member" not in json.dumps(row)
    # The detail names the state (the write API answers with it); for the public it is always
    # "published". The list rows do not carry it.
    assert detail["moderation_state"] == "published"
    assert "moderation_state" not in listed


def test_pledge_detail_with_partners_and_reports(client) -> None:
    pledge = PledgeFactory(
        made_on=dt.date(2019, 12, 17), made_on_precision="day", event=EventFactory(slug="grf")
    )
    pledge.partner_cities.add(CityFactory(slug="milan", country="IT"))
    ProgressReport.objects.create(
        pledge=pledge, reported_on=dt.date(2021, 1, 1), status="in_progress", narrative="Begun."
    )
    ProgressReport.objects.create(
        pledge=pledge, reported_on=dt.date(2023, 12, 1), status="fulfilled", narrative="Done."
    )
    body = client.get(f"/api/v1/pledges/{pledge.pk}/").json()
    assert body["event"]["slug"] == "grf"
    assert [c["slug"] for c in body["partner_cities"]] == ["milan"]
    assert [r["status"] for r in body["progress_reports"]] == ["fulfilled", "in_progress"]
    assert body["made_on"] == "2019-12-17"
    assert body["uuid"] == str(pledge.uuid)


def test_frameworks_and_objectives(client) -> None:
    codes = [row["code"] for row in client.get("/api/v1/frameworks/").json()["results"]]
    assert codes == ["GCM", "GCR", "SDG"]
    gcm = client.get("/api/v1/frameworks/GCM/").json()
    assert len(gcm["objectives"]) == 23
    assert gcm["objectives"][0]["number"] == 1
    rows = client.get("/api/v1/objectives/?framework=GCR").json()["results"]
    assert [row["number"] for row in rows] == [1, 2, 3, 4]
    assert rows[0]["framework_url"] == "http://testserver/api/v1/frameworks/GCR/"
    walked = []
    url = "/api/v1/objectives/?page_size=10"
    while url:
        body = client.get(url).json()
        walked += [(row["framework"], row["number"]) for row in body["results"]]
        url = body["next"]
    assert len(walked) == len(set(walked)) == 23 + 4 + 17
    assert client.get("/api/v1/frameworks/XYZ/").status_code == 404
    assert client.get("/api/v1/frameworks/gcm/").status_code == 404
