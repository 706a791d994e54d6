"""Server-rendered pages for events and declarations."""

from __future__ import annotations

from django.views.generic import DetailView, ListView

from declarations import selectors


class DeclarationListView(ListView):
    template_name = "declarations/declaration_list.html"
    context_object_name = "declarations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.declaration_list()


class DeclarationDetailView(DetailView):
    template_name = "declarations/declaration_detail.html"
    context_object_name = "declaration"

    def get_queryset(self):
        return selectors.declaration_profile()


class EventListView(ListView):
    template_name = "declarations/event_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        return selectors.event_list()


class EventDetailView(DetailView):
    template_name = "declarations/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return selectors.event_profile()
