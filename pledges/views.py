"""Server-rendered pages for published pledges."""

from __future__ import annotations

from django.views.generic import DetailView

from networks.listing import FilteredListView
from pledges import selectors
from pledges.filters import PledgeFilter


class PledgeListView(FilteredListView):
    template_name = "pledges/pledge_list.html"
    context_object_name = "pledges"
    filterset_class = PledgeFilter

    def get_base_queryset(self):
        return selectors.pledge_list()


class PledgeDetailView(DetailView):
    template_name = "pledges/pledge_detail.html"
    context_object_name = "pledge"

    def get_queryset(self):
        return selectors.pledge_profile()
