"""Query counts do not depend on how much data there is: every page and endpoint costs the same
number of queries over generated data at 1x and 10x (``generate_demo_data``'s volume, with its
skew: big networks, prolific cities, much-signed declarations).

``tests/test_query_budgets.py`` grows the related rows of one record; this grows everything.
Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from citydiplo.demo_data import generate
from declarations.models import Declaration, Event
from networks.models import City, Membership, Network
from pledges.models import ModerationState, Pledge

pytestmark = pytest.mark.django_db

SCALES = {"1x": (30, 150), "10x": (300, 1500)}


def biggest(queryset, relation: str, **filters):
    return queryset.annotate(n=Count(relation, **filters)).order_by("-n", "pk").first()


def urls() -> dict[str, str]:
    """The pages and endpoints, on the records with the most rows behind them."""
    published = Q(pledges__moderation_state=ModerationState.PUBLISHED)
    city = biggest(City.objects, "pledges", filter=published)
    network = biggest(Network.objects, "memberships")
    declaration = biggest(Declaration.objects, "signatures")
    # an edition of a series costs one query more (its other editions) at any scale: compare
    # like with like
    event = biggest(Event.objects.filter(series__isnull=True), "pledges")
    pledge = biggest(Pledge.objects.published(), "objectives")
    membership = Membership.objects.filter(network=network).order_by("pk").first()
    return {
        "home": "/",
        "cities": "/cities/",
        "cities-filtered": f"/cities/?country={city.country.code}&network={network.slug}",
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
        "search": "/search/?q=city",
        "api-cities": "/api/v1/cities/",
        "api-city": f"/api/v1/cities/{city.slug}/",
        "api-networks": "/api/v1/networks/",
        "api-network": f"/api/v1/networks/{network.slug}/",
        "api-memberships": f"/api/v1/memberships/?network={network.slug}",
        "api-membership": f"/api/v1/memberships/{membership.pk}/",
        "api-declarations": "/api/v1/declarations/",
        "api-declaration": f"/api/v1/declarations/{declaration.slug}/",
        "api-signatures": "/api/v1/signatures/",
        "api-events": "/api/v1/events/",
        "api-event": f"/api/v1/events/{event.slug}/",
        "api-pledges": "/api/v1/pledges/",
        "api-pledges-filtered": "/api/v1/pledges/?compact=GCM&status=planning",
        "api-pledge": f"/api/v1/pledges/{pledge.pk}/",
    }


def counts(client) -> dict[str, int]:
    found = {}
    for name, url in urls().items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200, url
        found[name] = len(queries)
    return found


def test_query_counts_are_the_same_at_1x_and_10x(client) -> None:
    cities, pledges = SCALES["1x"]
    generate(cities=cities, pledges=pledges, seed=6)
    small = counts(client)
    cities, pledges = SCALES["10x"]
    generate(cities=cities, pledges=pledges, seed=6, replace=True)
    assert Pledge.objects.count() == pledges
    large = counts(client)
    print("\n" + "\n".join(f"{name}: {n} queries" for name, n in small.items()))
    assert large == small
