"""Every page costs the same number of queries whether its records have 1 related row or 20.

Run with ``-s`` to see the counts (they are printed for the closing notes of issues).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import Objective, ProgressReport
from tests.declarations.factories import DeclarationFactory, EventFactory, SignatureFactory
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx)


def build(n: int) -> dict[str, str]:
    """A city, network, declaration, event and pledge, each with n related rows of every kind."""
    source = SourceFactory()
    city = CityFactory(latitude=50.9, longitude=6.9, source=source)
    network = NetworkFactory(founded_year=2016)
    event = EventFactory(start_date=dt.date(2018, 12, 8), start_date_precision="day", city=city)
    declaration = DeclarationFactory(
        issuer=network, event=event, date=dt.date(2019, 11, 27), date_precision="day"
    )
    for i in range(n):
        year = dt.date(2010 + i, 1, 1)
        peer = CityFactory(latitude=40 + i % 10, longitude=i, source=SourceFactory())
        own = MembershipFactory(
            city=city, joined_on=year, joined_on_precision="year", source=source
        )
        last_member = MembershipFactory(
            network=network, city=peer, joined_on=year, joined_on_precision="year"
        )
        MembershipFactory(city=peer, network=own.network)  # makes the peer a peer
        last_sign = SignatureFactory(declaration=declaration, city=peer, source=SourceFactory())
        SignatureFactory(
            city=city, declaration=DeclarationFactory(date=year, date_precision="year")
        )
        event.organisers.add(NetworkFactory())
        DeclarationFactory(event=event, issuer=NetworkFactory(), date=year, date_precision="year")
        PledgeFactory(city=city, event=event, made_on=year, made_on_precision="year")
        EventFactory(city=city, start_date=year, start_date_precision="year")
    pledge = PledgeFactory(city=city, event=event)
    pledge.objectives.set(Objective.objects.all()[:n])
    pledge.partner_cities.set(CityFactory.create_batch(n))
    for i in range(n):
        ProgressReport.objects.create(
            pledge=pledge, reported_on=f"2023-0{1 + i % 9}-01", status="planning", narrative="x"
        )
    return {
        "home": "/",
        "cities": "/cities/",
        "cities-filtered": f"/cities/?network={network.slug}&has_pledges=yes&sort=-networks",
        "cities-csv": "/cities/cities.csv",
        "city": city.get_absolute_url(),
        "networks": "/networks/",
        "network": network.get_absolute_url(),
        "declarations": "/declarations/",
        "declaration": declaration.get_absolute_url(),
        "events": "/events/",
        "event": event.get_absolute_url(),
        "pledges": "/pledges/",
        "pledges-filtered": "/pledges/?compact=GCM&status=planning",
        "pledge": pledge.get_absolute_url(),
        "timeline": "/timeline/",
        "timeline-filtered": f"/timeline/?network={network.slug}&region=europe&year_from=2000",
        "search": "/search/?q=city",
        "sitemap": "/sitemap.xml",
        "sitemap-cities": "/sitemap-cities.xml",
        "sitemap-pledges": "/sitemap-pledges.xml",
        "network-membership": f"{network.get_absolute_url()}?membership={last_member.pk}",
        "declaration-signature": f"{declaration.get_absolute_url()}?signature={last_sign.pk}",
        # the API: lists with and without filters, details with nested rows, CSV
        "api-cities": "/api/v1/cities/",
        "api-cities-filtered": f"/api/v1/cities/?country=DE&network={network.slug}&ordering=-networks",
        "api-cities-csv": "/api/v1/cities/?format=csv",
        "api-cities-page-2": "/api/v1/cities/?page_size=2&count=true",
        "api-city": f"/api/v1/cities/{city.slug}/",
        "api-networks": "/api/v1/networks/",
        "api-network": f"/api/v1/networks/{network.slug}/",
        "api-memberships": f"/api/v1/memberships/?network={network.slug}",
        "api-membership": f"/api/v1/memberships/{own.pk}/",
        "api-events": "/api/v1/events/",
        "api-event": f"/api/v1/events/{event.slug}/",
        "api-declarations": "/api/v1/declarations/",
        "api-declarations-filtered": f"/api/v1/declarations/?year=2019&issuer={network.slug}",
        "api-declarations-csv": "/api/v1/declarations/?format=csv",
        "api-declaration": f"/api/v1/declarations/{declaration.slug}/",
        "api-signatures": "/api/v1/signatures/",
        "api-pledges": "/api/v1/pledges/",
        "api-pledges-filtered": "/api/v1/pledges/?compact=GCM&status=planning&ordering=title",
        "api-pledges-csv": "/api/v1/pledges/?format=csv",
        "api-pledge": f"/api/v1/pledges/{pledge.pk}/",
        "api-frameworks": "/api/v1/frameworks/",
        "api-framework": "/api/v1/frameworks/GCM/",
        "api-objectives": "/api/v1/objectives/?framework=GCM",
    }


API_PAGES = [
    "api-cities",
    "api-cities-filtered",
    "api-cities-csv",
    "api-cities-page-2",
    "api-city",
    "api-networks",
    "api-network",
    "api-memberships",
    "api-membership",
    "api-events",
    "api-event",
    "api-declarations",
    "api-declarations-filtered",
    "api-declarations-csv",
    "api-declaration",
    "api-signatures",
    "api-pledges",
    "api-pledges-filtered",
    "api-pledges-csv",
    "api-pledge",
    "api-frameworks",
    "api-framework",
    "api-objectives",
]

PAGES = [
    "home",
    "cities",
    "cities-filtered",
    "cities-csv",
    "city",
    "networks",
    "network",
    "declarations",
    "declaration",
    "events",
    "event",
    "pledges",
    "pledges-filtered",
    "pledge",
    "timeline",
    "timeline-filtered",
    "search",
    "sitemap",
    "sitemap-cities",
    "sitemap-pledges",
    "network-membership",
    "declaration-signature",
    *API_PAGES,
]


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_data(client, page: str) -> None:
    small = queries_for(client, build(1)[page])
    large = queries_for(client, build(20)[page])
    print(f"\n{page}: {small} queries")
    assert large == small
