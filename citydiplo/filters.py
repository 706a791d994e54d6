"""Filters for the site-wide pages: the city listing and the timeline span all three apps."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from declarations.models import Declaration, Signature, Topic
from networks.listing import ListingFilterSet, StableOrderingFilter, text_filter, yes_no_filter
from networks.models import City, LocalGovernmentKind, Membership, Network
from networks.regions import Region, SubRegion, countries_in
from pledges.filters import COMPACTS
from pledges.models import Pledge

REGION_CHOICES = [
    (_("World regions"), list(Region.choices)),
    (_("Sub-regions"), list(SubRegion.choices)),
]


def countries_with_cities() -> list[tuple[str, str]]:
    """Only countries that have a city on record: a select of 250 mostly empty options helps no one."""
    codes = set(City.objects.order_by().values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def in_region(queryset, name: str, value: str):
    return queryset.filter(country__in=countries_in(value)) if value else queryset


class CityFilter(ListingFilterSet):
    q = text_filter("name", "aliases", label=_("Name contains"))
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries)
    region = django_filters.ChoiceFilter(
        label=_("World region"), choices=REGION_CHOICES, method=in_region
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of local government"), choices=LocalGovernmentKind.choices
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Member of network"),
        to_field_name="slug",
        queryset=Network.objects.all(),
        method="filter_network",
    )
    declaration = django_filters.ModelChoiceFilter(
        label=_("Signed declaration"),
        to_field_name="slug",
        queryset=Declaration.objects.all(),
        method="filter_declaration",
    )
    has_pledges = yes_no_filter(
        _("Has published pledges"),
        lambda: Exists(Pledge.objects.published().filter(city=OuterRef("pk"))),
    )
    compact = django_filters.ChoiceFilter(
        label=_("Pledged to compact"), choices=COMPACTS, method="filter_compact"
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("country", "country"),
            ("n_networks", "networks"),
            ("n_declarations", "declarations"),
            ("n_pledges", "pledges"),
        ),
        field_labels={
            "name": _("name"),
            "country": _("country"),
            "n_networks": _("number of networks"),
            "n_declarations": _("number of declarations"),
            "n_pledges": _("number of pledges"),
        },
        tiebreak=("name", "pk"),
    )

    offered = {
        "country": countries_with_cities,
        "network": lambda: (
            Network.objects.filter(memberships__isnull=False).distinct().order_by("name")
        ),
        "declaration": lambda: (
            Declaration.objects.filter(signatures__isnull=False).distinct().order_by("title")
        ),
    }

    class Meta:
        model = City
        fields: list[str] = []

    def filter_network(self, queryset, name: str, value: Network | None):
        if value is None:
            return queryset
        return queryset.filter(
            Exists(Membership.objects.filter(city=OuterRef("pk"), network=value))
        )

    def filter_declaration(self, queryset, name: str, value: Declaration | None):
        if value is None:
            return queryset
        return queryset.filter(
            Exists(Signature.objects.filter(city=OuterRef("pk"), declaration=value))
        )

    def filter_compact(self, queryset, name: str, value: str):
        if not value:
            return queryset
        pledges = Pledge.objects.published().towards(value).filter(city=OuterRef("pk"))
        return queryset.filter(Exists(pledges))


class TimelineKind(models.TextChoices):
    DECLARATION = "declaration", _("declarations")
    EVENT = "event", _("events")
    FOUNDING = "founding", _("network foundings")
    MEMBERSHIP = "membership", _("cities joining networks")


class TimelineForm(forms.Form):
    """The timeline mixes four kinds of record, so each filter means something per kind;
    ``citydiplo.selectors.timeline`` applies the cleaned values (see its docstring)."""

    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1800, max_value=2200
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1800, max_value=2200)
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        to_field_name="slug",
        queryset=Network.objects.order_by("name"),
    )
    region = forms.ChoiceField(
        label=_("World region"), required=False, choices=[("", "---------"), *REGION_CHOICES]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        to_field_name="slug",
        queryset=Topic.objects.all(),
        help_text=_("Topics are recorded for declarations only."),
    )
    kind = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=TimelineKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", _("The end year comes before the start year."))
        return data
