"""Filters for the declaration and event listings, shared by the HTML pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, DeclarationKind, Event, EventSeries, Topic
from networks.listing import StableOrderingFilter, text_filter
from networks.models import City, Network

YEAR_BOUNDS = {"min_value": 1800, "max_value": 2200}


class CitySlugFilter(django_filters.ModelChoiceFilter):
    """A city given by its slug in a text box: a select of every city would not scale."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("queryset", City.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "cologne"}))
        kwargs.setdefault("help_text", _("The city's short name from its address, e.g. cologne."))
        super().__init__(*args, **kwargs)


def year_filter(field: str, lookup: str, label: str) -> django_filters.NumberFilter:
    """A year bound on a date column; out-of-range years are a form error, not a 500."""
    return django_filters.NumberFilter(
        label=label,
        field_name=field,
        lookup_expr=f"year__{lookup}",
        widget=forms.NumberInput(attrs={"min": 1800, "max": 2200, "step": 1}),
        **YEAR_BOUNDS,
    )


class DeclarationFilter(django_filters.FilterSet):
    q = text_filter(
        "title", "aliases", "summary", "issuer_text", "place", label=_("Title or text contains")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DeclarationKind.choices)
    issuer = django_filters.ModelChoiceFilter(
        label=_("Issued by"),
        to_field_name="slug",
        queryset=Network.objects.filter(declarations__isnull=False).distinct().order_by("name"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), to_field_name="slug", field_name="topics", queryset=Topic.objects.all()
    )
    event = django_filters.ModelChoiceFilter(
        label=_("Adopted at"), to_field_name="slug", queryset=Event.objects.order_by("name")
    )
    # A city signs a declaration once (a unique constraint), so this join adds no duplicates.
    signed_by = CitySlugFilter(label=_("Signed by city"), field_name="signatures__city")
    year_from = year_filter("date", "gte", _("From year"))
    year_to = year_filter("date", "lte", _("To year"))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("title", "title"), ("n_signatures", "signatories")),
        field_labels={"date": _("date"), "title": _("title"), "n_signatures": _("signatories")},
        tiebreak=("title", "pk"),
    )

    class Meta:
        model = Declaration
        fields: list[str] = []


class EventFilter(django_filters.FilterSet):
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
