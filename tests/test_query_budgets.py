"""Pages cost the same number of queries whether a record has one related row or many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import Objective, ProgressReport
from tests.declarations.factories import DeclarationFactory, EventFactory, SignatureFactory
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def build(n: int) -> dict[str, str]:
    """A city, network, declaration, event and pledge, each with n related rows."""
    city, network = CityFactory(), NetworkFactory()
    event = EventFactory()
    declaration = DeclarationFactory(issuer=network, event=event)
    for _ in range(n):
        MembershipFactory(city=city)
        MembershipFactory(network=network)
        SignatureFactory(declaration=declaration)
        event.organisers.add(NetworkFactory())
        DeclarationFactory(event=event, issuer=NetworkFactory())
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
        "city": city.get_absolute_url(),
        "networks": "/networks/",
        "network": network.get_absolute_url(),
        "declarations": "/declarations/",
        "declaration": declaration.get_absolute_url(),
        "events": "/events/",
        "event": event.get_absolute_url(),
        "pledges": "/pledges/",
        "pledge": pledge.get_absolute_url(),
    }


PAGES = "home cities city networks network declarations declaration events event pledges pledge"


@pytest.mark.parametrize("page", PAGES.split())
def test_query_count_does_not_grow_with_data(client, page: str) -> None:
    small = queries_for(client, build(1)[page])
    large = queries_for(client, build(8)[page])
    assert large == small
