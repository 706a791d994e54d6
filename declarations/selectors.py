"""Reads for events and declarations, each with its joins built in."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from declarations.models import Declaration, Event, Signature


def declaration_list() -> QuerySet[Declaration]:
    return (
        Declaration.objects.select_related("issuer", "event")
        .annotate(n_signatures=Count("signatures", distinct=True))
        .order_by("-date", "title", "pk")
    )


def declaration_profile() -> QuerySet[Declaration]:
    return Declaration.objects.select_related("issuer", "event", "source").prefetch_related(
        "topics",
        Prefetch(
            "signatures", Signature.objects.select_related("city", "source").order_by("city__name")
        ),
    )


def event_list() -> QuerySet[Event]:
    return (
        Event.objects.select_related("series", "city")
        .annotate(n_declarations=Count("declarations", distinct=True))
        .order_by("start_date", "name", "pk")
    )


def event_profile() -> QuerySet[Event]:
    return Event.objects.select_related("series", "city", "source").prefetch_related(
        "organisers", Prefetch("declarations", Declaration.objects.select_related("issuer"))
    )
