"""Reads for the site-wide pages, which combine what the three apps know."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from declarations.models import Declaration, Event, Signature
from networks.dates import format_partial_date
from networks.models import (
    City,
    Membership,
    Network,
    NetworkKind,
    Role,
    Source,
    count_related,
)
from networks.regions import countries_in
from pledges.models import Pledge

# --- cities -----------------------------------------------------------------------------------


def city_list() -> QuerySet[City]:
    """The city listing: counts of networks, declarations signed and published pledges."""
    return City.objects.for_listing().annotate(**city_counts(networks=False))


def city_counts(*, networks: bool = True) -> dict[str, Any]:
    """The listing's counts as subqueries, for annotating any city queryset with them."""
    counts = {
        "n_declarations": count_related(Signature.objects.all(), "city", "declaration"),
        "n_pledges": count_related(Pledge.objects.published(), "city"),
    }
    if networks:
        counts["n_networks"] = count_related(Membership.objects.all(), "city", "network")
    return counts


def city_profile(*, pledges: int | None = None) -> QuerySet[City]:
    """One city with everything the profile shows, in a fixed number of queries; ``pledges``
    keeps only that many of its newest published pledges (a city may have made hundreds)."""
    published = Pledge.objects.for_listing().select_related("source")
    return City.objects.for_profile().prefetch_related(
        Prefetch(
            "signatures",
            Signature.objects.select_related("declaration__issuer", "source").order_by(
                F("signed_on").asc(nulls_last=True),
                F("declaration__date").asc(nulls_last=True),
                "pk",
            ),
        ),
        Prefetch(
            "pledges",
            published if pledges is None else published[:pledges],
            to_attr="published_pledges",
        ),
        Prefetch("events_hosted", Event.objects.order_by("start_date", "pk")),
    )


def city_peers(city: City, *, limit: int = 8) -> list[City]:
    """Cities sharing the most networks and declarations with this one (one query).

    Reads the ids from the city's prefetched memberships and signatures.
    """
    network_ids = sorted({m.network_id for m in city.memberships.all()})
    declaration_ids = sorted({s.declaration_id for s in city.signatures.all()})
    if not network_ids and not declaration_ids:
        return []
    shared_memberships = Membership.objects.filter(network__in=network_ids)
    shared_signatures = Signature.objects.filter(declaration__in=declaration_ids)
    return list(
        City.objects.exclude(pk=city.pk)
        .filter(
            Exists(shared_memberships.filter(city=OuterRef("pk")))
            | Exists(shared_signatures.filter(city=OuterRef("pk")))
        )
        .annotate(
            shared_networks=count_related(shared_memberships, "city", "network"),
            shared_declarations=count_related(shared_signatures, "city", "declaration"),
        )
        .annotate(shared=F("shared_networks") + F("shared_declarations"))
        .order_by("-shared", "name", "pk")[:limit]
    )


def city_sources(city: City) -> list[Source]:
    """Every source cited on the profile, in order of first appearance, without a query."""
    seen: dict[int, Source] = {}
    facts: Iterable[Any] = [
        city,
        *city.memberships.all(),
        *city.signatures.all(),
        *city.published_pledges,
    ]
    for fact in facts:
        if fact.source_id and fact.source_id not in seen:
            seen[fact.source_id] = fact.source
    return list(seen.values())


@dataclass(frozen=True)
class Happening:
    """One dated line of a timeline: a declaration, an event, a founding or a joining."""

    date: dt.date
    precision: str
    kind: str
    title: str
    url: str
    detail: str = ""

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.precision)


@dataclass
class YearGroup:
    year: int
    items: list[Happening] = field(default_factory=list)


def group_by_year(items: Iterable[Happening], *, newest_first: bool = False) -> list[YearGroup]:
    ordered = sorted(items, key=lambda h: (h.date, h.kind, h.title), reverse=newest_first)
    groups: list[YearGroup] = []
    for item in ordered:
        if not groups or groups[-1].year != item.year:
            groups.append(YearGroup(item.year))
        groups[-1].items.append(item)
    return groups


def city_history(city: City) -> list[YearGroup]:
    """The profile's timeline, built from the prefetched rows (no query)."""
    items: list[Happening] = []
    for m in city.memberships.all():
        if m.joined_on:
            items.append(
                Happening(
                    m.joined_on,
                    m.joined_on_precision,
                    "membership",
                    _("Joins %(network)s (%(role)s)")
                    % {"network": m.network.name, "role": m.get_role_display()},
                    m.network.get_absolute_url(),
                )
            )
        if m.left_on:
            items.append(
                Happening(
                    m.left_on,
                    m.left_on_precision,
                    "leaving",
                    _("Leaves %(network)s") % {"network": m.network.name},
                    m.network.get_absolute_url(),
                )
            )
    for s in city.signatures.all():
        when, precision = (
            (s.signed_on, s.signed_on_precision)
            if s.signed_on
            else (s.declaration.date, s.declaration.date_precision)
        )
        if when:
            items.append(
                Happening(
                    when,
                    precision,
                    "signature",
                    _("Signs %(title)s") % {"title": s.declaration.title},
                    s.declaration.get_absolute_url(),
                )
            )
    for p in city.published_pledges:
        if p.made_on:
            items.append(
                Happening(
                    p.made_on,
                    p.made_on_precision,
                    "pledge",
                    _("Pledges: %(title)s") % {"title": p.title},
                    p.get_absolute_url(),
                )
            )
    for e in city.events_hosted.all():
        if e.start_date:
            items.append(
                Happening(
                    e.start_date,
                    e.start_date_precision,
                    "event",
                    _("Hosts %(event)s") % {"event": e.name},
                    e.get_absolute_url(),
                )
            )
    return group_by_year(items)


# --- timeline ---------------------------------------------------------------------------------

TIMELINE_LIMIT = 500


def in_years(queryset: QuerySet, year: str, filters: dict[str, Any]) -> QuerySet:
    """Apply the timeline's year range to a year expression (``date__year``, ``founded_year``)."""
    if filters.get("year_from"):
        queryset = queryset.filter(**{f"{year}__gte": filters["year_from"]})
    if filters.get("year_to"):
        queryset = queryset.filter(**{f"{year}__lte": filters["year_to"]})
    return queryset


def timeline(
    filters: dict[str, Any], *, limit: int = TIMELINE_LIMIT
) -> tuple[list[Happening], bool]:
    """Dated records of four kinds, newest first, at most ``limit``; True when cut off.

    How each filter applies:
    - years: the record's own date (a declaration's date, an event's start, a network's
      founding year, a city's joining date);
    - network: declarations it issued, events it organised, its own founding, its memberships;
    - region (UN M49, from the country): declarations signed by or adopted in a city of the
      region, events hosted there, memberships of cities there; foundings have no place and
      are left out;
    - topic: recorded for declarations only, so the other kinds are left out.
    One query per kind, whatever the filters.
    """
    kinds = set(filters.get("kind") or ["declaration", "event", "founding", "membership"])
    network: Network | None = filters.get("network")
    region: str = filters.get("region") or ""
    topic = filters.get("topic")
    region_countries = countries_in(region) if region else []
    if topic:
        kinds &= {"declaration"}
    if region:
        kinds -= {"founding"}

    items: list[Happening] = []
    cut = False

    def take(rows: list[Any], make) -> None:
        nonlocal cut
        if len(rows) > limit:
            cut = True
            rows = rows[:limit]
        items.extend(make(r) for r in rows)

    if "declaration" in kinds:
        qs = timeline_declarations(filters).select_related("issuer")
        take(
            list(qs.order_by("-date", "title", "pk")[: limit + 1]),
            lambda d: Happening(
                d.date,
                d.date_precision,
                "declaration",
                d.title,
                d.get_absolute_url(),
                (d.issuer.acronym or d.issuer.name) if d.issuer else d.issuer_text,
            ),
        )
    if "event" in kinds:
        qs = in_years(Event.objects.filter(start_date__isnull=False), "start_date__year", filters)
        if network:
            qs = qs.filter(organisers=network)
        if region:
            qs = qs.filter(city__country__in=region_countries)
        take(
            list(qs.order_by("-start_date", "name", "pk")[: limit + 1]),
            lambda e: Happening(
                e.start_date, e.start_date_precision, "event", e.name, e.get_absolute_url(), e.place
            ),
        )
    if "founding" in kinds:
        qs = in_years(Network.objects.filter(founded_year__isnull=False), "founded_year", filters)
        if network:
            qs = qs.filter(pk=network.pk)
        network_kinds = labels(NetworkKind)
        take(
            list(qs.order_by("-founded_year", "name", "pk")[: limit + 1]),
            lambda n: Happening(
                dt.date(n.founded_year, 1, 1),
                "year",
                "founding",
                _("%(network)s is founded") % {"network": n.name},
                n.get_absolute_url(),
                network_kinds.get(n.kind, n.kind),
            ),
        )
    if "membership" in kinds:
        qs = in_years(
            Membership.objects.filter(joined_on__isnull=False), "joined_on__year", filters
        )
        if network:
            qs = qs.filter(network=network)
        if region:
            qs = qs.filter(city__country__in=region_countries)
        order = ("-joined_on", "city__name", "pk")
        # The newest keys first, then their rows: the database sorts narrow rows, not every
        # column of every membership, city and network.
        newest = qs.order_by(*order)[: limit + 1].values("pk")
        roles = labels(Role)
        joins = _("%(city)s joins %(network)s")
        take(
            list(
                Membership.objects.filter(pk__in=newest)
                .select_related("city", "network")
                .order_by(*order)
            ),
            lambda m: Happening(
                m.joined_on,
                m.joined_on_precision,
                "membership",
                joins % {"city": m.city.name, "network": m.network.acronym or m.network.name},
                m.city.get_absolute_url(),
                roles.get(m.role, m.role),
            ),
        )
    items.sort(key=lambda h: (h.date, h.kind, h.title), reverse=True)
    if len(items) > limit:
        cut, items = True, items[:limit]
    return items, cut


def labels(choices: type[models.Choices]) -> dict[str, str]:
    """The display names of a set of choices, translated once: ``get_FOO_display()`` on every
    row of a long list costs a translation lookup per row."""
    return {value: str(label) for value, label in choices.choices}


def timeline_declarations(filters: dict[str, Any]) -> QuerySet[Declaration]:
    """The dated declarations the timeline's filters select (see ``timeline``)."""
    qs = in_years(Declaration.objects.filter(date__isnull=False), "date__year", filters)
    if filters.get("network"):
        qs = qs.filter(issuer=filters["network"])
    if filters.get("region"):
        region_countries = countries_in(filters["region"])
        qs = qs.filter(
            Q(event__city__country__in=region_countries)
            | Exists(
                Signature.objects.filter(
                    declaration=OuterRef("pk"), city__country__in=region_countries
                )
            )
        )
    if filters.get("topic"):
        qs = qs.filter(topics=filters["topic"])
    return qs


def declarations_per_year(queryset: QuerySet[Declaration] | None = None) -> list[tuple[str, int]]:
    """Dated declarations counted per year, with empty years filled in (one query)."""
    qs = (queryset if queryset is not None else Declaration.objects.all()).filter(
        date__isnull=False
    )
    counts = dict(
        qs.order_by()
        .annotate(year=ExtractYear("date"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    if not counts:
        return []
    return [(str(y), counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]


def home_counts() -> dict[str, int]:
    return {
        "cities": City.objects.count(),
        "networks": Network.objects.count(),
        "declarations": Declaration.objects.count(),
        "events": Event.objects.count(),
        "pledges": Pledge.objects.published().count(),
    }


def newest_declarations(limit: int = 5) -> list[Declaration]:
    return list(
        Declaration.objects.select_related("issuer")
        .filter(date__isnull=False)
        .order_by("-date", "title", "pk")[:limit]
    )


def newest_pledges(limit: int = 5) -> list[Pledge]:
    return list(Pledge.objects.for_listing()[:limit])


def group_counts(items: Iterable[Happening]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    return dict(counts)
