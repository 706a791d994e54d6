"""The sitemap lists every public record page, so crawlers and archives find them all."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from declarations.models import Declaration, Event
from networks.models import City, Network
from pledges.models import Pledge


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "site:home",
            "site:city-list",
            "networks:network-list",
            "declarations:declaration-list",
            "declarations:event-list",
            "pledges:pledge-list",
            "site:timeline",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class RecordSitemap(Sitemap):
    changefreq = "monthly"

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def items(self):
        return self.queryset


class PledgeSitemap(RecordSitemap):
    def lastmod(self, item: Pledge):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap(),
    "cities": RecordSitemap(City.objects.order_by("slug").only("slug")),
    "networks": RecordSitemap(Network.objects.order_by("slug").only("slug")),
    "declarations": RecordSitemap(Declaration.objects.order_by("slug").only("slug")),
    "events": RecordSitemap(Event.objects.order_by("slug").only("slug")),
    "pledges": PledgeSitemap(Pledge.objects.published().order_by("pk").only("pk", "updated_at")),
}
