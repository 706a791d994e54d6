"""The sitemap lists every public record page, so crawlers and archives find them all.

``/sitemap.xml`` is a sitemap index: it names one sitemap per section (``/sitemap-cities.xml``
and so on), and a section with more than ``SECTION_LIMIT`` addresses is split into numbered pages
(``/sitemap-pledges.xml?p=2``). Each response then holds a bounded number of addresses, well
below the protocol's cap of 50,000 a file, however many records there are.
"""

from __future__ import annotations

import math
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, QuerySet
from django.urls import reverse

from declarations.models import Declaration, Event
from networks.models import City, Network
from pledges.models import Pledge

# Addresses per sitemap file: small enough to be drawn in a fraction of a second, large enough
# that the index stays short (the protocol allows 50,000 addresses a file, 50,000 files an index).
SECTION_LIMIT = 2_000


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
    limit = SECTION_LIMIT

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def items(self):
        return self.queryset


class KeyRangePaginator(Paginator):
    """Pages by ranges of primary keys (from the lowest key, page 3 holds the third ``limit``
    keys) rather than by offsets, so the last page costs what the first does: one range read on
    the key's index, however many rows come before it. Gaps left by unpublished or deleted rows
    make some pages shorter (even empty), never longer."""

    @cached_property
    def _bounds(self) -> tuple[int, int]:
        keys = self.object_list.aggregate(low=Min("pk"), high=Max("pk"))
        if keys["low"] is None:
            return 0, 0
        return keys["low"] - 1, keys["high"]  # keys after the first, up to the second

    @cached_property
    def count(self) -> int:
        """The width of the range of keys: pages are counted over keys, not over rows."""
        start, end = self._bounds
        return end - start

    @cached_property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        first = self._bounds[0] + (number - 1) * self.per_page
        rows: QuerySet = self.object_list.filter(pk__gt=first, pk__lte=first + self.per_page)
        return self._get_page(rows.order_by("pk"), number, self)


class PledgeSitemap(RecordSitemap):
    """Published pledges are the many records: their pages are key ranges (see above)."""

    @property
    def paginator(self) -> Paginator:
        return KeyRangePaginator(self._items(), self.limit)

    def lastmod(self, item: Pledge):
        return item.updated_at

    def get_latest_lastmod(self) -> None:
        """The index gives no date per section: Django's default would read every pledge to
        find the latest one. Each section page still dates its own addresses."""
        return None


SITEMAPS = {
    "pages": PagesSitemap(),
    "cities": RecordSitemap(City.objects.order_by("slug").only("slug")),
    "networks": RecordSitemap(Network.objects.order_by("slug").only("slug")),
    "declarations": RecordSitemap(Declaration.objects.order_by("slug").only("slug")),
    "events": RecordSitemap(Event.objects.order_by("slug").only("slug")),
    "pledges": PledgeSitemap(Pledge.objects.published().order_by("pk").only("pk", "updated_at")),
}
