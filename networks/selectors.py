"""Reads for the networks app. Joins live in the QuerySet methods; these compose them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from networks.maps import MapPoint
from networks.models import City, Membership, Network, Source


def network_list() -> QuerySet[Network]:
    return Network.objects.for_listing()


def network_profile() -> QuerySet[Network]:
    return Network.objects.for_profile()


def network_related(network: Network, *, limit: int = 8) -> list[Network]:
    """Networks sharing the most member cities with this one (one query)."""
    city_ids = sorted({m.city_id for m in network.memberships.all()})
    if not city_ids:
        return []
    return list(Network.objects.sharing_members_with(network, city_ids)[:limit])


def members_per_year(
    memberships: Iterable[Membership], *, until: int | None = None
) -> list[tuple[int, int]]:
    """How many cities belonged at the end of each year, from the first known joining on.

    Memberships without a joining date cannot be placed in time and are left out; the page
    says how many were left out.
    """
    spans = [
        (m.joined_on.year, m.left_on.year if m.left_on else None)
        for m in memberships
        if m.joined_on is not None
    ]
    if not spans:
        return []
    last = until or timezone.now().year
    last = max([last, *(left for _, left in spans if left)])
    first = min(joined for joined, _ in spans)
    return [
        (year, sum(1 for joined, left in spans if joined <= year and (left is None or left > year)))
        for year in range(first, last + 1)
    ]


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("key")


def city_points(cities: Iterable[City], *, emphasis: City | None = None) -> list[MapPoint]:
    """Map points for the cities that have coordinates (the rest cannot be placed)."""
    return [
        MapPoint(
            label=c.name,
            url=c.get_absolute_url(),
            latitude=float(c.latitude),
            longitude=float(c.longitude),
            emphasis=emphasis is not None and c.pk == emphasis.pk,
        )
        for c in cities
        if c.latitude is not None and c.longitude is not None
    ]


def map_of(cities: QuerySet[City]) -> tuple[list[MapPoint], set[str], int]:
    """Points, country codes and count of a filtered city listing, in one narrow query.

    ``values_list`` leaves out the listing's count subqueries, which a map has no use for.
    """
    rows = list(cities.order_by().values_list("name", "slug", "latitude", "longitude", "country"))
    points = [
        MapPoint(
            label=name,
            url=City(slug=slug).get_absolute_url(),
            latitude=float(latitude),
            longitude=float(longitude),
        )
        for name, slug, latitude, longitude, _ in rows
        if latitude is not None and longitude is not None
    ]
    return points, {country for *_, country in rows}, len(rows)
