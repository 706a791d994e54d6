"""Filters for the pledge listing, shared by the HTML page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from declarations.models import Event
from networks.filters import CitySlugFilter
from networks.listing import ListingFilterSet, StableOrderingFilter, text_filter
from pledges.models import Framework, ImplementationStatus, ModerationState, Objective, Pledge

COMPACTS = [("GCM", _("Global Compact for Migration")), ("GCR", _("Global Compact on Refugees"))]


class PledgeFilter(ListingFilterSet):
    q = text_filter("title", "description", "actor_text", label=_("Title or text contains"))
    city = CitySlugFilter(label=_("City"), field_name="city")
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="city__country", choices=countries
    )
    compact = django_filters.ChoiceFilter(
        label=_("Compact"), choices=COMPACTS, method="filter_compact"
    )
    objective = django_filters.ModelChoiceFilter(
        label=_("Objective"),
        field_name="objectives",
        queryset=Objective.objects.order_by("framework", "number"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Implementation status"), choices=ImplementationStatus.choices
    )
    event = django_filters.ModelChoiceFilter(
        label=_("Made at"), to_field_name="slug", queryset=Event.objects.all()
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("made_on", "made"), ("title", "title")),
        field_labels={"made_on": _("date made"), "title": _("title")},
        tiebreak=("title", "pk"),
    )

    # Exists, not a join: the events are few, and each is checked on the pledges' event index
    # rather than by joining (and de-duplicating) every published pledge.
    offered = {
        "event": lambda: Event.objects.filter(
            Exists(
                Pledge.objects.filter(
                    event=OuterRef("pk"), moderation_state=ModerationState.PUBLISHED
                )
            )
        ).order_by("name")
    }

    class Meta:
        model = Pledge
        fields: list[str] = []

    def filter_compact(self, queryset, name: str, value: str):
        return queryset.towards(value) if value else queryset


class FrameworkFilter(ListingFilterSet):
    q = text_filter("code", "name", "resolution", label=_("Code or name contains"))

    class Meta:
        model = Framework
        fields: list[str] = []


class ObjectiveFilter(ListingFilterSet):
    q = text_filter("title", label=_("Title contains"))
    framework = django_filters.ModelChoiceFilter(
        label=_("Framework"), to_field_name="code", queryset=Framework.objects.all()
    )
    number = django_filters.NumberFilter(label=_("Number"), min_value=1, max_value=99)

    class Meta:
        model = Objective
        fields: list[str] = []
