"""Filters for the declaration and event listings, shared by the HTML pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from declarations.models import (
    Declaration,
    DeclarationKind,
    Event,
    EventSeries,
    Signature,
    Topic,
)
from networks.filters import CitySlugFilter
from networks.listing import ListingFilterSet, StableOrderingFilter, text_filter, year_filter
from networks.models import Network

__all__ = ["CitySlugFilter", "DeclarationFilter", "EventFilter", "year_filter"]


class DeclarationFilter(ListingFilterSet):
    q = text_filter(
        "title", "aliases", "summary", "issuer_text", "place", label=_("Title or text contains")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DeclarationKind.choices)
    issuer = django_filters.ModelChoiceFilter(
        label=_("Issued by"), to_field_name="slug", queryset=Network.objects.all()
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), to_field_name="slug", field_name="topics", queryset=Topic.objects.all()
    )
    event = django_filters.ModelChoiceFilter(
        label=_("Adopted at"), to_field_name="slug", queryset=Event.objects.order_by("name")
    )
    # A city signs a declaration once (a unique constraint), so this join adds no duplicates.
    signed_by = CitySlugFilter(label=_("Signed by city"), field_name="signatures__city")
    year = year_filter("date", "exact", _("Year"))
    year_from = year_filter("date", "gte", _("From year"))
    year_to = year_filter("date", "lte", _("To year"))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("title", "title"), ("n_signatures", "signatories")),
        field_labels={"date": _("date"), "title": _("title"), "n_signatures": _("signatories")},
        tiebreak=("title", "pk"),
    )

    offered = {
        "issuer": lambda: (
            Network.objects.filter(declarations__isnull=False).distinct().order_by("name")
        )
    }
    hidden = ("year",)

    class Meta:
        model = Declaration
        fields: list[str] = []


class EventFilter(ListingFilterSet):
    q = text_filter("name", "place", "description", label=_("Name or place contains"))
    series = django_filters.ModelChoiceFilter(
        label=_("Series"), to_field_name="slug", queryset=EventSeries.objects.all()
    )
    year_from = year_filter("start_date", "gte", _("From year"))
    year_to = year_filter("start_date", "lte", _("To year"))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("start_date", "date"), ("name", "name"), ("n_declarations", "declarations")),
        field_labels={
            "start_date": _("date"),
            "name": _("name"),
            "n_declarations": _("declarations"),
        },
        tiebreak=("name", "pk"),
    )

    class Meta:
        model = Event
        fields: list[str] = []


class SignatureFilter(ListingFilterSet):
    """Signatures have no HTML listing of their own (declaration and city pages show them);
    the API lists them with these filters."""

    declaration = django_filters.ModelChoiceFilter(
        label=_("Declaration"), to_field_name="slug", queryset=Declaration.objects.all()
    )
    city = CitySlugFilter(label=_("City"))
    country = django_filters.ChoiceFilter(
        label=_("Country of the city"), field_name="city__country", choices=countries
    )
    year_from = year_filter("signed_on", "gte", _("Signed from year"))
    year_to = year_filter("signed_on", "lte", _("Signed up to year"))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("signed_on", "signed"), ("city__name", "city")),
        field_labels={"signed_on": _("date signed"), "city__name": _("city")},
        tiebreak=("pk",),
    )

    class Meta:
        model = Signature
        fields: list[str] = []
