"""Filters for the network listing, shared by the HTML page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from networks.listing import StableOrderingFilter, text_filter, yes_no_filter
from networks.models import Network, NetworkKind, Scope


class NetworkFilter(django_filters.FilterSet):
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
