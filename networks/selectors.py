"""Reads for the networks app: each starts from a QuerySet that carries its own joins."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from networks.models import City, Membership, Network, Source


def city_list() -> QuerySet[City]:
    return City.objects.annotate(
        n_networks=Count("memberships__network", distinct=True),
        n_declarations=Count("signatures", distinct=True),
    ).order_by("name", "pk")


def city_profile() -> QuerySet[City]:
    return City.objects.select_related("source").prefetch_related(
        Prefetch(
            "memberships",
            Membership.objects.select_related("network", "source").order_by(
                "joined_on", "network__name"
            ),
        ),
    )


def network_list() -> QuerySet[Network]:
    return Network.objects.annotate(n_members=Count("memberships__city", distinct=True)).order_by(
        "name"
    )


def network_profile() -> QuerySet[Network]:
    return Network.objects.select_related("parent", "source").prefetch_related(
        "children",
        Prefetch(
            "memberships",
            Membership.objects.select_related("city", "source").order_by("joined_on", "city__name"),
        ),
    )


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("key")
