"""Server-rendered pages for networks and sources (cities are site-wide pages in citydiplo)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView

from networks import selectors
from networks.charts import step_chart_svg
from networks.filters import NetworkFilter
from networks.jsonld import network_jsonld
from networks.listing import FilteredListView
from networks.maps import world_map_svg


class NetworkListView(FilteredListView):
    template_name = "networks/network_list.html"
    context_object_name = "networks"
    filterset_class = NetworkFilter

    def get_base_queryset(self):
        return selectors.network_list()


class NetworkDetailView(DetailView):
    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_queryset(self):
        return selectors.network_profile()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        network = self.object
        memberships = list(network.memberships.all())
        per_year = selectors.members_per_year(memberships)
        points = selectors.city_points(m.city for m in memberships)
        context.update(
            memberships=memberships,
            members_per_year=per_year,
            undated_members=sum(1 for m in memberships if m.joined_on is None),
            members_chart=step_chart_svg(
                per_year,
                title=_("Member cities of %(name)s over time") % {"name": network.name},
                value_label=lambda n: (
                    ngettext("%(n)s member city", "%(n)s member cities", n) % {"n": n}
                ),
            ),
            members_map=world_map_svg(
                points,
                title=_("Member cities of %(name)s on a world map") % {"name": network.name},
                highlight_countries={m.city.country.code for m in memberships},
                zoom_to_points=bool(points),
            )
            if memberships
            else "",
            located_members=len(points),
            related_networks=selectors.network_related(network),
            jsonld=network_jsonld(network, self.request.build_absolute_uri),
        )
        return context


class SourceDetailView(DetailView):
    template_name = "networks/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return selectors.source_list()
