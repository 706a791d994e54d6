"""Server-rendered pages for events and declarations."""

from __future__ import annotations

from typing import Any

from django.views.generic import DetailView

from declarations import selectors
from declarations.filters import DeclarationFilter, EventFilter
from declarations.jsonld import declaration_jsonld, event_jsonld
from networks.listing import FilteredListView


class DeclarationListView(FilteredListView):
    template_name = "declarations/declaration_list.html"
    context_object_name = "declarations"
    filterset_class = DeclarationFilter

    def get_base_queryset(self):
        return selectors.declaration_list()


class DeclarationDetailView(DetailView):
    template_name = "declarations/declaration_detail.html"
    context_object_name = "declaration"

    def get_queryset(self):
        return selectors.declaration_profile()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["jsonld"] = declaration_jsonld(self.object, self.request.build_absolute_uri)
        return context


class EventListView(FilteredListView):
    template_name = "declarations/event_list.html"
    context_object_name = "events"
    filterset_class = EventFilter

    def get_base_queryset(self):
        return selectors.event_list()


class EventDetailView(DetailView):
    template_name = "declarations/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return selectors.event_profile()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["jsonld"] = event_jsonld(self.object, self.request.build_absolute_uri)
        series = self.object.series
        context["editions"] = list(series.events.all()) if series else []
        return context
