"""Reads for the networks app. Joins live in the QuerySet methods; these compose them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from networks.maps import MapPoint
from networks.models import City, Membership, Network, Source

# A detail page shows this many rows of a long table at a time (as the listings do).
ROWS_PER_PAGE = 50
# A map with more points than this is unreadable and heavy: it shades the countries instead.
MAP_POINT_LIMIT = 300


def network_list() -> QuerySet[Network]:
    return Network.objects.for_listing()


def network_profile() -> QuerySet[Network]:
    return Network.objects.for_profile()


def network_related(network: Network, *, limit: int = 8) -> list[Network]:
    """Networks sharing the most member cities with this one (one query).

    The member cities stay a subquery: the database compares them, however many there are.
    """
    members = Membership.objects.filter(network=network).values("city")
    return list(Network.objects.sharing_members_with(network, members)[:limit])


def network_memberships(network: Network) -> QuerySet[Membership]:
    """The rows of the network page's member table, in the table's order."""
    return (
        Membership.objects.filter(network=network)
        .select_related("city", "source")
        .order_by(F("joined_on").asc(nulls_last=True), "city__name", "pk")
    )


def membership_position(network: Network, pk: object) -> int | None:
    """Where membership ``pk`` stands (1-based) in ``network_memberships``; None if it is not
    one of the network's. Two queries, each touching only this network's rows."""
    try:
        row = Membership.objects.select_related("city").get(network=network, pk=int(str(pk)))
    except (ValueError, Membership.DoesNotExist):
        return None
    name = row.city.name
    tie = Q(city__name__lt=name) | Q(city__name=name, pk__lt=row.pk)
    if row.joined_on is None:  # undated rows come last
        before = Q(joined_on__isnull=False) | Q(joined_on__isnull=True) & tie
    else:
        before = Q(joined_on__lt=row.joined_on) | Q(joined_on=row.joined_on) & tie
    return Membership.objects.filter(before, network=network).count() + 1


@dataclass(frozen=True)
class MembershipSpans:
    """A network's memberships counted by the years they began and ended (None: open or
    undated), as the database adds them up; the chart is computed from these few rows."""

    counts: dict[tuple[int | None, int | None], int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def undated(self) -> int:
        return sum(n for (joined, _), n in self.counts.items() if joined is None)


def membership_spans(network: Network) -> MembershipSpans:
    """One aggregate query: at most one row per pair of years, whatever the member count."""
    rows = (
        Membership.objects.filter(network=network)
        .order_by()
        .values_list(ExtractYear("joined_on"), ExtractYear("left_on"))
        .annotate(n=Count("pk"))
    )
    counts: Counter[tuple[int | None, int | None]] = Counter()
    for joined, left, n in rows:
        counts[(joined, left)] += n
    return MembershipSpans(dict(counts))


def members_per_year(
    memberships: Iterable[Membership] | MembershipSpans, *, until: int | None = None
) -> list[tuple[int, int]]:
    """How many cities belonged at the end of each year, from the first known joining on.

    Takes membership rows or their ``membership_spans`` counts. Memberships without a joining
    date cannot be placed in time and are left out; the page says how many were left out.
    """
    if isinstance(memberships, MembershipSpans):
        counted = memberships.counts.items()
    else:
        counted = Counter(
            (m.joined_on and m.joined_on.year, m.left_on.year if m.left_on else None)
            for m in memberships
        ).items()
    spans = [(joined, left, n) for (joined, left), n in counted if joined is not None]
    if not spans:
        return []
    last = until or timezone.now().year
    last = max([last, *(left for _, left, _ in spans if left)])
    first = min(joined for joined, _, _ in spans)
    return [
        (
            year,
            sum(n for joined, left, n in spans if joined <= year and (left is None or left > year)),
        )
        for year in range(first, last + 1)
    ]


@dataclass(frozen=True)
class MemberMap:
    """What a map of a network's member cities can show: every located city as a point up to
    ``MAP_POINT_LIMIT``, beyond that only the shaded countries (``capped``)."""

    points: list[MapPoint]
    countries: set[str]
    located: int
    capped: bool


def member_map(network: Network, *, limit: int | None = None) -> MemberMap:
    """Countries and located member cities counted in the database, and at most ``limit`` + 1
    points fetched (``MAP_POINT_LIMIT`` by default): two queries, bounded by the map, not by
    the number of members."""
    limit = MAP_POINT_LIMIT if limit is None else limit
    cities = City.objects.filter(
        Exists(Membership.objects.filter(network=network, city=OuterRef("pk")))
    ).order_by()
    located_q = Q(latitude__isnull=False, longitude__isnull=False)
    per_country = cities.values_list("country").annotate(located=Count("pk", filter=located_q))
    countries: set[str] = set()
    located = 0
    for country, n in per_country:
        countries.add(country)
        located += n
    rows = list(
        cities.filter(located_q)
        .order_by("name", "pk")
        .values_list("name", "slug", "latitude", "longitude")[: limit + 1]
    )
    capped = len(rows) > limit
    points = (
        []
        if capped
        else [
            MapPoint(
                label=name,
                url=City(slug=slug).get_absolute_url(),
                latitude=float(latitude),
                longitude=float(longitude),
            )
            for name, slug, latitude, longitude in rows
        ]
    )
    return MemberMap(points=points, countries=countries, located=located, capped=capped)


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


def map_of(cities: QuerySet[City], *, limit: int | None = None) -> MemberMap:
    """The map of a filtered city listing: countries and located cities counted in the
    database, and at most ``limit`` + 1 points fetched (``MAP_POINT_LIMIT`` by default), so
    two narrow queries whatever the number of cities. (``values_list`` leaves out the
    listing's count subqueries, which a map has no use for.)"""
    limit = MAP_POINT_LIMIT if limit is None else limit
    cities = cities.order_by()
    located_q = Q(latitude__isnull=False, longitude__isnull=False)
    countries: set[str] = set()
    located = 0
    for country, n in cities.values_list("country").annotate(n=Count("pk", filter=located_q)):
        countries.add(country)
        located += n
    rows = list(
        cities.filter(located_q)
        .order_by("name", "pk")
        .values_list("name", "slug", "latitude", "longitude")[: limit + 1]
    )
    capped = len(rows) > limit
    points = [
        MapPoint(
            label=name,
            url=City(slug=slug).get_absolute_url(),
            latitude=float(latitude),
            longitude=float(longitude),
        )
        for name, slug, latitude, longitude in ([] if capped else rows)
    ]
    return MemberMap(points=points, countries=countries, located=located, capped=capped)
