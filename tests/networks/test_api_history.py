"""/api/v1/<resource>/<key>/history/: dated versions with the public fields that changed."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import ModerationState
from tests.accounts.factories import UserFactory
from tests.networks.factories import CityFactory, NetworkFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_city_history_names_changed_fields_and_related_records_by_key(client) -> None:
    city = CityFactory(slug="naples", name="Naples", country="IT")
    city.aliases = "Neapel"
    city.source = SourceFactory(key="solidarity-cities-article")
    city.save()
    body = client.get("/api/v1/cities/naples/history/").json()
    newest, created = body["results"]
    assert created["kind"] == "created"
    assert newest["kind"] == "changed"
    changes = {c["field"]: (c["old"], c["new"]) for c in newest["changes"]}
    assert changes == {
        "aliases": ("", "Neapel"),
        "source": (None, "solidarity-cities-article"),  # the source's key, not its id
    }
    assert newest["date"] >= created["date"]


def test_history_never_names_the_editor(client) -> None:
    network = NetworkFactory(slug="eurocities")
    network._history_user = UserFactory(username="curator-anna")
    network.description = "Network of major European cities."
    network.save()
    text = client.get("/api/v1/networks/eurocities/history/").content.decode()
    assert "curator-anna" not in text
    assert "Network of major European cities." in text


def test_pledge_history_shows_published_versions_only(client) -> None:
    pledge = PledgeFactory(title="Draft wording", moderation_state=ModerationState.DRAFT)
    pledge.title = "Second draft wording"
    pledge.save()
    assert client.get(f"/api/v1/pledges/{pledge.pk}/history/").status_code == 404
    pledge.title = "Published wording"
    pledge.moderation_state = ModerationState.PUBLISHED
    pledge.save()
    pledge.title = "Corrected wording"
    pledge.save()
    response = client.get(f"/api/v1/pledges/{pledge.pk}/history/")
    text = response.content.decode()
    assert "Draft wording" not in text
    assert "Second draft wording" not in text
    assert "moderation_state" not in text
    newest = response.json()["results"][0]
    assert newest["changes"] == [
        {"field": "title", "old": "Published wording", "new": "Corrected wording"}
    ]


def test_history_of_an_unknown_record_is_404_and_params_are_strict(client) -> None:
    assert client.get("/api/v1/cities/atlantis/history/").status_code == 404
    CityFactory(slug="genoa")
    response = client.get("/api/v1/cities/genoa/history/?since=2020")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]


@pytest.mark.parametrize("resource", ["cities", "pledges"])
def test_history_costs_the_same_queries_for_1_and_20_versions(client, resource) -> None:
    def queries(versions: int) -> int:
        if resource == "cities":
            record = CityFactory()
            url = f"/api/v1/cities/{record.slug}/history/"
        else:
            record = PledgeFactory()
            url = f"/api/v1/pledges/{record.pk}/history/"
        for i in range(versions - 1):
            record.source = SourceFactory()
            record.source_locator = f"p. {i}"
            record.save()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(response.json()["results"]) == versions
        return len(ctx)

    assert queries(1) + 1 >= queries(20)  # the source names cost one query once any exist
    assert queries(2) == queries(20)


def test_history_values_are_json(client) -> None:
    CityFactory(slug="lyon", latitude=45.76, longitude=4.83)
    body = client.get("/api/v1/cities/lyon/history/").json()
    created = {c["field"]: c["new"] for c in body["results"][0]["changes"]}
    assert json.loads(json.dumps(created))["latitude"] == "45.76000"
