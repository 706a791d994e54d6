"""Server-rendered pages for networks and sources (cities are site-wide pages in citydiplo)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView

from networks import selectors
from networks.charts import step_chart_svg
from networks.filters import NetworkFilter
from networks.jsonld import network_jsonld
from networks.listing import FilteredListView, table_page
from networks.maps import world_map_svg


class NetworkListView(FilteredListView):
    template_name = "networks/network_list.html"
    context_object_name = "networks"
    filterset_class = NetworkFilter

    def get_base_queryset(self):
        return selectors.network_list()


class NetworkDetailView(DetailView):
    """A network's facts, its members a page at a time, their number over time (counted in
    the database), a map capped at ``selectors.MAP_POINT_LIMIT`` points and related networks.

    What the page costs depends on what it shows, not on how many members the network has.
    """

    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_queryset(self):
        return selectors.network_profile()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        network = self.object
        spans = selectors.membership_spans(network)
        members = table_page(
            self.request,
            selectors.network_memberships(network),
            per_page=selectors.ROWS_PER_PAGE,
            holding=lambda pk: selectors.membership_position(network, pk),
            holding_param="membership",
            count=spans.total,
        )
        memberships = list(members["page_obj"].object_list)
        per_year = selectors.members_per_year(spans)
        member_map = selectors.member_map(network) if spans.total else None
        context.update(
            members,
            memberships=memberships,
            members_url=f"{reverse('site:city-list')}?{urlencode({'network': network.slug})}",
            members_per_year=per_year,
            undated_members=spans.undated,
            members_chart=step_chart_svg(
                per_year,
                title=_("Member cities of %(name)s over time") % {"name": network.name},
                value_label=lambda n: (
                    ngettext("%(n)s member city", "%(n)s member cities", n) % {"n": n}
                ),
            ),
            members_map=world_map_svg(
                member_map.points,
                title=_("Member cities of %(name)s on a world map") % {"name": network.name},
                highlight_countries=member_map.countries,
                zoom_to_points=bool(member_map.points),
            )
            if member_map
            else "",
            member_map=member_map,
            declarations_url=(
                f"{reverse('declarations:declaration-list')}?{urlencode({'issuer': network.slug})}"
            ),
            related_networks=selectors.network_related(network),
            jsonld=network_jsonld(
                network, self.request.build_absolute_uri, members=[m.city for m in memberships]
            ),
        )
        return context


class SourceDetailView(DetailView):
    template_name = "networks/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return selectors.source_list()
