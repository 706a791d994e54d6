"""/sitemap.xml is an index of section sitemaps, each cut into pages of a bounded size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citydiplo import sitemaps
from pledges.models import ModerationState
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

SECTIONS = ["pages", "cities", "networks", "declarations", "events", "pledges"]


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return re.findall(r"<loc>http://testserver([^<]+)</loc>", response.content.decode())


def test_the_index_names_every_section(client) -> None:
    CityFactory()
    body = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in body
    assert locations(client.get("/sitemap.xml")) == [f"/sitemap-{s}.xml" for s in SECTIONS]


def test_a_section_is_split_into_pages_at_its_limit(client, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps.RecordSitemap, "limit", 2)
    CityFactory.create_batch(5)
    index = locations(client.get("/sitemap.xml"))
    assert [loc for loc in index if "cities" in loc] == [
        "/sitemap-cities.xml",
        "/sitemap-cities.xml?p=2",
        "/sitemap-cities.xml?p=3",
    ]
    pages = [locations(client.get(loc)) for loc in index if "cities" in loc]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len({loc for page in pages for loc in page}) == 5
    assert client.get("/sitemap-cities.xml?p=4").status_code == 404
    assert client.get("/sitemap-cities.xml?p=x").status_code == 404


def test_the_limit_is_far_below_the_protocols_cap() -> None:
    for sitemap in sitemaps.SITEMAPS.values():
        assert sitemap.limit <= 50_000
    assert sitemaps.RecordSitemap.limit == sitemaps.SECTION_LIMIT <= 5_000


def test_pledge_pages_are_key_ranges_of_published_pledges(client, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps.RecordSitemap, "limit", 3)
    pledges = PledgeFactory.create_batch(8)
    for hidden in pledges[1], pledges[4], pledges[5]:
        hidden.moderation_state = ModerationState.DRAFT
        hidden.save()
    index = [loc for loc in locations(client.get("/sitemap.xml")) if "pledges" in loc]
    low, high = pledges[0].pk, pledges[-1].pk
    assert len(index) == -(-(high - low + 1) // 3)  # pages cover the published pledges' keys
    listed = []
    for loc in index:
        page = locations(client.get(loc))
        assert len(page) <= 3
        listed += page
    published = [p for p in pledges if p.moderation_state == ModerationState.PUBLISHED]
    assert listed == [p.get_absolute_url() for p in sorted(published, key=lambda p: p.pk)]
    body = client.get(index[0]).content.decode()
    assert "<lastmod>" in body


def test_unknown_section_is_404(client) -> None:
    assert client.get("/sitemap-secrets.xml").status_code == 404


def test_index_and_section_queries_do_not_grow_with_records(client) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    PledgeFactory()
    NetworkFactory()
    small = [queries(u) for u in ("/sitemap.xml", "/sitemap-pledges.xml", "/sitemap-cities.xml")]
    PledgeFactory.create_batch(30)
    NetworkFactory.create_batch(30)
    large = [queries(u) for u in ("/sitemap.xml", "/sitemap-pledges.xml", "/sitemap-cities.xml")]
    assert large == small
