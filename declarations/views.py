"""Server-rendered pages for events and declarations."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import DetailView

from declarations import selectors
from declarations.filters import DeclarationFilter, EventFilter
from declarations.jsonld import declaration_jsonld, event_jsonld
from networks.listing import FilteredListView, table_page


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
        declaration = self.object
        signatures = table_page(
            self.request,
            selectors.declaration_signatures(declaration),
            per_page=selectors.ROWS_PER_PAGE,
            holding=lambda pk: selectors.signature_position(declaration, pk),
            holding_param="signature",
        )
        rows = list(signatures["page_obj"].object_list)
        context.update(
            signatures,
            signatures=rows,
            signatories_url=(
                f"{reverse('site:city-list')}?{urlencode({'declaration': declaration.slug})}"
            ),
            jsonld=declaration_jsonld(
                declaration, self.request.build_absolute_uri, signatories=[s.city for s in rows]
            ),
        )
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
        event = self.object
        context["jsonld"] = event_jsonld(event, self.request.build_absolute_uri)
        series = event.series
        context["editions"] = list(series.events.all()) if series else []
        query = urlencode({"event": event.slug})
        context["declarations_url"] = f"{reverse('declarations:declaration-list')}?{query}"
        context["pledges_url"] = f"{reverse('pledges:pledge-list')}?{query}"
        return context
