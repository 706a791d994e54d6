"""The public pledge listing and the moderation queue read one page of rows, however many
pledges there are; what they show is what offset paging would show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from pledges.models import ModerationState, Pledge
from pledges.selectors import pledge_list
from tests.declarations.factories import EventFactory
from tests.networks.factories import CityFactory
from tests.pledges.factories import PledgeFactory, moderator

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<tr><td><a href="/pledges/(\d+)/">')


def shown(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(pk) for pk in LINK.findall(response.content.decode())]


@pytest.fixture
def many():
    city = CityFactory()
    for i in range(70):
        made = dt.date(2018 + i % 3, 1, 1) if i % 4 else None  # ties and undated pledges
        PledgeFactory(
            city=city,
            title=f"Pledge {i % 9}",
            made_on=made,
            made_on_precision="year" if made else "",
        )
    PledgeFactory.create_batch(3, city=city, moderation_state=ModerationState.DRAFT)


@pytest.mark.parametrize("sort", ["", "title", "-title", "made", "-made"])
def test_every_page_shows_the_rows_of_the_listing_order(client, many, sort: str) -> None:
    query = f"sort={sort}&" if sort else ""
    pages = [shown(client, f"/pledges/?{query}page={n}") for n in (1, 2)]
    assert [len(p) for p in pages] == [50, 20]
    qs = pledge_list()
    if sort:
        field = {"title": "title", "made": "made_on"}[sort.lstrip("-")]
        qs = qs.order_by(("-" if sort.startswith("-") else "") + field, "title", "pk")
    assert pages[0] + pages[1] == list(qs.values_list("pk", flat=True))


def test_the_event_filter_offers_only_events_with_published_pledges(client) -> None:
    with_pledge = EventFactory(name="Has a pledge")
    with_draft = EventFactory(name="Only a draft")
    EventFactory(name="Nothing at all")
    PledgeFactory(event=with_pledge)
    PledgeFactory(event=with_pledge)  # listed once
    PledgeFactory(event=with_draft, moderation_state=ModerationState.DRAFT)
    body = client.get("/pledges/").content.decode()
    options = re.findall(r'<option value="summit-\d+"[^>]*>([^<]+)</option>', body)
    assert options == ["Has a pledge"]
    # every event is still accepted as a filter value (an empty result, not an error)
    assert client.get(f"/pledges/?event={with_draft.slug}").status_code == 200


def test_the_moderation_queue_is_paginated_oldest_first() -> None:
    PledgeFactory.create_batch(55, moderation_state=ModerationState.SUBMITTED)
    client = Client()
    client.force_login(moderator())
    first = client.get("/moderation/").content.decode()
    second = client.get("/moderation/?page=2").content.decode()
    link = re.compile(r'<a href="/moderation/(\d+)/">')
    ids = [int(pk) for pk in link.findall(first) + link.findall(second)]
    assert len(link.findall(first)) == 50
    assert ids == list(
        Pledge.objects.filter(moderation_state=ModerationState.SUBMITTED)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)
    )
    assert "55 pledges await review." in first
    assert "Page 1 of 2" in first
