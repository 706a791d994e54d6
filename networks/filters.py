"""Filters for the network listing, shared by the HTML page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from networks.listing import (
    ListingFilterSet,
    StableOrderingFilter,
    text_filter,
    year_filter,
    yes_no_filter,
)
from networks.models import City, Membership, Network, NetworkKind, Role, Scope


class CitySlugFilter(django_filters.ModelChoiceFilter):
    """A city given by its slug in a text box: a select of every city would not scale."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("queryset", City.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "cologne"}))
        kwargs.setdefault("help_text", _("The city's short name from its address, e.g. cologne."))
        super().__init__(*args, **kwargs)


class NetworkFilter(ListingFilterSet):
    q = text_filter("name", "acronym", "aliases", "region", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NetworkKind.choices)
    scope = django_filters.ChoiceFilter(label=_("Scope"), choices=Scope.choices)
    has_members = yes_no_filter(_("Has member cities on record"), lambda: Q(n_members__gt=0))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("founded_year", "founded"), ("n_members", "members")),
        tiebreak=("name", "pk"),
        field_labels={"name": _("name"), "founded_year": _("founded"), "n_members": _("members")},
    )

    class Meta:
        model = Network
        fields: list[str] = []


class MembershipFilter(ListingFilterSet):
    """Memberships have no HTML listing of their own (they show on city and network pages);
    the API lists them with these filters."""

    city = CitySlugFilter(label=_("City"))
    network = django_filters.ModelChoiceFilter(
        label=_("Network"), to_field_name="slug", queryset=Network.objects.all()
    )
    country = django_filters.ChoiceFilter(
        label=_("Country of the city"), field_name="city__country", choices=countries
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    joined_from = year_filter("joined_on", "gte", _("Joined from year"))
    joined_to = year_filter("joined_on", "lte", _("Joined up to year"))
    current = yes_no_filter(_("Still a member (no leaving date)"), lambda: Q(left_on__isnull=True))
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("joined_on", "joined"), ("city__name", "city"), ("network__name", "network")),
        field_labels={
            "joined_on": _("joined"),
            "city__name": _("city"),
            "network__name": _("network"),
        },
        tiebreak=("pk",),
    )

    class Meta:
        model = Membership
        fields: list[str] = []
