"""Server-rendered pages for cities, networks and sources."""

from __future__ import annotations

from django.views.generic import DetailView, ListView

from networks import selectors


class CityListView(ListView):
    template_name = "networks/city_list.html"
    context_object_name = "cities"
    paginate_by = 50

    def get_queryset(self):
        return selectors.city_list()


class CityDetailView(DetailView):
    template_name = "networks/city_detail.html"
    context_object_name = "city"

    def get_queryset(self):
        return selectors.city_profile()


class NetworkListView(ListView):
    template_name = "networks/network_list.html"
    context_object_name = "networks"
    paginate_by = 50

    def get_queryset(self):
        return selectors.network_list()


class NetworkDetailView(DetailView):
    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_queryset(self):
        return selectors.network_profile()


class SourceDetailView(DetailView):
    template_name = "networks/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return selectors.source_list()
