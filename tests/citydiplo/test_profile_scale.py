"""A city profile stays one page however many pledges the city made."""

from __future__ import annotations

import datetime as dt

import pytest

from citydiplo.views import PROFILE_PLEDGES
from tests.networks.factories import CityFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_profile_lists_the_newest_pledges_and_links_to_all(client) -> None:
    city = CityFactory()
    made = [dt.date(2010, 1, 1) + dt.timedelta(days=30 * i) for i in range(PROFILE_PLEDGES + 5)]
    pledges = [
        PledgeFactory(city=city, made_on=day, made_on_precision="day", title=f"Pledge {i:02d}")
        for i, day in enumerate(made)
    ]
    page = client.get(city.get_absolute_url()).content.decode()
    shown = [p for p in pledges if f">{p.title}</a>" in page]
    assert shown == pledges[-PROFILE_PLEDGES:]  # the newest ones
    assert f"All {len(pledges)} published pledges of {city.name}" in page
    assert f'href="/pledges/?city={city.slug}"' in page
    listing = client.get(f"/pledges/?city={city.slug}").content.decode()
    assert all(f">{p.title}</a>" in listing for p in pledges[-5:])


def test_profile_of_few_pledges_has_no_link(client) -> None:
    city = CityFactory()
    PledgeFactory.create_batch(3, city=city)
    page = client.get(city.get_absolute_url()).content.decode()
    assert "published pledges of" not in page


def test_api_detail_still_lists_every_pledge(client) -> None:
    city = CityFactory()
    PledgeFactory.create_batch(PROFILE_PLEDGES + 3, city=city)
    body = client.get(f"/api/v1/cities/{city.slug}/").json()
    assert len(body["pledges"]) == PROFILE_PLEDGES + 3


def test_city_listing_map_draws_points_up_to_the_cap(client, monkeypatch) -> None:
    from networks import selectors

    for i in range(4):
        CityFactory(latitude=40 + i, longitude=i)
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 4)
    page = client.get("/cities/").content.decode()
    assert "Points: 4 cities with coordinates on record." in page
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 3)
    page = client.get("/cities/").content.decode()
    assert "4 of them have coordinates on record: too many to draw as points" in page
    assert "Points:" not in page
