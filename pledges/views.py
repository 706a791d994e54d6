"""Server-rendered pages for published pledges."""

from __future__ import annotations

from django.views.generic import DetailView, ListView

from pledges import selectors


class PledgeListView(ListView):
    template_name = "pledges/pledge_list.html"
    context_object_name = "pledges"
    paginate_by = 50

    def get_queryset(self):
        return selectors.pledge_list()


class PledgeDetailView(DetailView):
    template_name = "pledges/pledge_detail.html"
    context_object_name = "pledge"

    def get_queryset(self):
        return selectors.pledge_profile()
