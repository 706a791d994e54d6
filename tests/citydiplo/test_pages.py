"""The researchers' pages: content, every filter, bad input, CSV, linked data, sitemap."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from pledges.models import ModerationState, Objective
from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def names(response, pattern: str = r'<td><a href="/cities/[^"]+/">([^<]+)</a>') -> set[str]:
    return set(re.findall(pattern, response.content.decode()))


@pytest.fixture
def world():
    """Three cities in two regions, with networks, a declaration, an event and pledges."""
    source = SourceFactory(title="Field report")
    cologne = CityFactory(
        name="Cologne", slug="cologne", country="DE", aliases="Köln", source=source
    )
    accra = CityFactory(name="Accra", slug="accra", country="GH", kind="city")
    county = CityFactory(name="Düren District", slug="dueren", country="DE", kind="district")
    solidarity = NetworkFactory(name="Solidarity Cities", slug="solidarity", founded_year=2016)
    mmc = NetworkFactory(name="Mayors Council", slug="mmc", scope="global")
    MembershipFactory(
        city=cologne,
        network=solidarity,
        joined_on=dt.date(2016, 1, 1),
        joined_on_precision="year",
        source=source,
    )
    MembershipFactory(city=accra, network=mmc)
    MembershipFactory(city=county, network=solidarity)
    event = EventFactory(
        name="Forum 2018",
        slug="forum-2018",
        city=accra,
        start_date=dt.date(2018, 12, 8),
        start_date_precision="day",
    )
    declaration = DeclarationFactory(
        title="Marrakech Mayors Declaration",
        slug="marrakech",
        aliases="Cities working together",
        date=dt.date(2018, 12, 8),
        date_precision="day",
        event=event,
        issuer=mmc,
    )
    SignatureFactory(declaration=declaration, city=cologne, source=source)
    gcm = PledgeFactory(city=cologne, title="Welcome centre", event=event)
    gcm.objectives.set([Objective.objects.get(framework="GCM", number=15)])
    gcr = PledgeFactory(city=accra, title="Schools for refugees", status="in_progress")
    gcr.objectives.set([Objective.objects.get(framework="GCR", number=2)])
    PledgeFactory(city=county, title="Draft idea", moderation_state=ModerationState.DRAFT)
    return {
        "cologne": cologne,
        "accra": accra,
        "county": county,
        "declaration": declaration,
        "event": event,
        "solidarity": solidarity,
        "mmc": mmc,
        "source": source,
    }


# --- city listing -----------------------------------------------------------------------------

CITY_FILTERS = [
    ("", {"Cologne", "Accra", "Düren District"}),
    ("q=köln", {"Cologne"}),
    ("q=dür", {"Düren District"}),
    ("country=GH", {"Accra"}),
    ("region=europe", {"Cologne", "Düren District"}),
    ("region=sub_saharan_africa", {"Accra"}),
    ("kind=district", {"Düren District"}),
    ("network=solidarity", {"Cologne", "Düren District"}),
    ("declaration=marrakech", {"Cologne"}),
    ("has_pledges=yes", {"Cologne", "Accra"}),
    ("has_pledges=no", {"Düren District"}),
    ("compact=GCM", {"Cologne"}),
    ("compact=GCR", {"Accra"}),
    ("network=solidarity&has_pledges=yes", {"Cologne"}),
]


@pytest.mark.parametrize(("query", "expected"), CITY_FILTERS)
def test_city_filters_narrow(client, world, query: str, expected: set[str]) -> None:
    response = client.get(f"/cities/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "region=mars",
        "kind=castle",
        "network=nope",
        "declaration=nope",
        "has_pledges=maybe",
        "compact=SDGX",
        "sort=population",
    ],
)
def test_bad_city_filters_are_explained_not_500(client, world, query: str) -> None:
    response = client.get(f"/cities/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some filter values are not valid" in body
    assert 'class="errorlist' in body
    assert names(response) == set()
    assert "Select a valid choice" in body


def test_bad_filter_keeps_the_users_other_values(client, world) -> None:
    response = client.get("/declarations/?q=mayors&year_from=abc")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'name="q" value="mayors"' in body
    assert 'name="year_from" value="abc"' in body


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "Accra"),
        ("-name", "Düren District"),
        ("country", "Cologne"),
        ("-country", "Accra"),
        ("-networks", "Accra"),
        ("-declarations", "Cologne"),
        ("-pledges", "Accra"),
    ],
)
def test_city_sorting(client, world, sort: str, first: str) -> None:
    body = client.get(f"/cities/?sort={sort}").content.decode()
    assert re.findall(r'<td><a href="/cities/[^"]+/">([^<]+)</a>', body)[0] == first


def test_city_listing_keeps_filters_in_pagination_and_csv_links(client, world) -> None:
    CityFactory.create_batch(60, country="DE")
    body = client.get("/cities/?region=europe&sort=name").content.decode()
    assert "?region=europe&amp;sort=name&amp;page=2" in body
    assert 'href="cities.csv?region=europe&amp;sort=name"' in body


def test_city_csv_has_exactly_the_filtered_rows(client, world) -> None:
    response = client.get("/cities/cities.csv?region=europe&sort=-name")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["Düren District", "Cologne"]
    cologne = rows[1]
    assert cologne["country_code"] == "DE"
    assert cologne["region"] == "Europe"
    assert (cologne["networks"], cologne["declarations_signed"], cologne["published_pledges"]) == (
        "1",
        "1",
        "1",
    )
    assert cologne["url"].endswith("/cities/cologne/")


def test_city_csv_refuses_bad_filters_and_defuses_formulas(client, world) -> None:
    response = client.get("/cities/cities.csv?country=ZZ")
    assert response.status_code == 400
    assert "country" in response.content.decode()
    CityFactory(name="=HYPERLINK(1)", slug="formula")
    text = b"".join(client.get("/cities/cities.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- city profile ----------------------------------------------------------------------------


def test_city_profile_shows_memberships_declarations_pledges_peers_sources(client, world) -> None:
    body = client.get("/cities/cologne/").content.decode()
    assert "<h1>Cologne</h1>" in body
    assert "Köln" in body
    assert 'href="/networks/solidarity/"' in body  # membership
    assert "Marrakech Mayors Declaration" in body  # signature
    assert "Welcome centre" in body
    assert "GCM 15" in body
    assert "Draft idea" not in body
    assert "Düren District" in body  # peer through the shared network
    assert "Field report" in body  # sources section
    assert "Joins Solidarity Cities" in body  # timeline
    assert "<svg" in body
    assert 'data-country="DE"' in body


def test_unknown_city_is_a_friendly_404(client) -> None:
    response = client.get("/cities/atlantis/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


# --- networks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=city_network", {"Solidarity Cities", "Mayors Council"}),
        ("q=mayors", {"Mayors Council"}),
        ("scope=global", {"Mayors Council"}),
        ("has_members=yes", {"Solidarity Cities", "Mayors Council"}),
        ("has_members=no", set()),
    ],
)
def test_network_filters_narrow(client, world, query: str, expected: set[str]) -> None:
    response = client.get(f"/networks/?{query}")
    assert response.status_code == 200
    assert names(response, r'<td><a href="/networks/[^"]+/">([^<]+)</a>') == expected


def test_bad_network_filter_is_400(client, world) -> None:
    assert client.get("/networks/?scope=galactic").status_code == 400


def test_network_page_has_members_chart_map_declarations_related(client, world) -> None:
    body = client.get("/networks/solidarity/").content.decode()
    assert "Cologne" in body
    assert "Düren District" in body
    assert 'class="chart' in body  # membership over time, as SVG
    assert "<details>" in body  # and as a table
    assert "1 membership has no date" in body
    assert 'class="world-map' in body
    body = client.get("/networks/mmc/").content.decode()
    assert "Marrakech Mayors Declaration" in body


# --- declarations and events ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=working+together", True),
        ("q=nothing-like-it", False),
        ("kind=declaration", True),
        ("kind=charter", False),
        ("issuer=mmc", True),
        ("event=forum-2018", True),
        ("signed_by=cologne", True),
        ("signed_by=accra", False),
        ("year_from=2018&year_to=2018", True),
        ("year_from=2019", False),
    ],
)
def test_declaration_filters_narrow(client, world, query: str, expected: bool) -> None:
    response = client.get(f"/declarations/?{query}")
    assert response.status_code == 200
    assert ("Marrakech Mayors Declaration" in response.content.decode()) is expected


@pytest.mark.parametrize(
    "query", ["year_from=abc", "year_to=99999", "signed_by=atlantis", "topic=x"]
)
def test_bad_declaration_filters_are_400(client, world, query: str) -> None:
    response = client.get(f"/declarations/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_declaration_page_lists_signatories_with_sources(client, world) -> None:
    body = client.get("/declarations/marrakech/").content.decode()
    assert "Cities working together" in body  # alias
    assert "Cologne" in body
    assert "Field report" in body
    assert "Forum 2018" in body
    assert "Mayors Council" in body


def test_unnamed_signatories_show_the_declared_count(client) -> None:
    DeclarationFactory(
        slug="open-letter", declared_signatory_count=30, declared_count_qualifier="more_than"
    )
    body = client.get("/declarations/open-letter/").content.decode()
    assert "Number of signatories given by the source: more than 30." in body


def test_event_filters_and_page(client, world) -> None:
    series = EventSeriesFactory(name="Global Forum", slug="global-forum")
    EventFactory(
        name="Forum 2019",
        slug="forum-2019",
        series=series,
        edition=2,
        start_date=dt.date(2019, 1, 1),
        start_date_precision="year",
    )
    first = EventFactory(name="Forum 2017", slug="forum-2017", series=series, edition=1)
    assert "Forum 2019" in client.get("/events/?series=global-forum").content.decode()
    assert "Forum 2018" not in client.get("/events/?series=global-forum").content.decode()
    assert "Forum 2019" not in client.get("/events/?year_to=2018").content.decode()
    assert client.get("/events/?series=nope").status_code == 400
    body = client.get(first.get_absolute_url()).content.decode()
    assert "Editions of the Global Forum" in body
    assert "Forum 2019" in body
    body = client.get("/events/forum-2018/").content.decode()
    assert "Marrakech Mayors Declaration" in body
    assert "Welcome centre" in body


# --- pledges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Welcome centre", "Schools for refugees"}),
        ("city=cologne", {"Welcome centre"}),
        ("country=GH", {"Schools for refugees"}),
        ("compact=GCM", {"Welcome centre"}),
        ("compact=GCR", {"Schools for refugees"}),
        ("status=in_progress", {"Schools for refugees"}),
        ("event=forum-2018", {"Welcome centre"}),
        ("q=schools", {"Schools for refugees"}),
    ],
)
def test_pledge_filters_narrow_and_hide_unpublished(client, world, query, expected) -> None:
    response = client.get(f"/pledges/?{query}")
    assert response.status_code == 200
    assert names(response, r'<td><a href="/pledges/\d+/">([^<]+)</a>') == expected


def test_pledge_objective_filter(client, world) -> None:
    objective = Objective.objects.get(framework="GCM", number=15)
    response = client.get(f"/pledges/?objective={objective.pk}")
    assert names(response, r'<td><a href="/pledges/\d+/">([^<]+)</a>') == {"Welcome centre"}


@pytest.mark.parametrize("query", ["city=atlantis", "compact=XYZ", "objective=0", "status=done"])
def test_bad_pledge_filters_are_400(client, world, query: str) -> None:
    assert client.get(f"/pledges/?{query}").status_code == 400


def test_unpublished_pledge_has_no_page(client, world) -> None:
    draft = world["county"].pledges.get()
    assert client.get(f"/pledges/{draft.pk}/").status_code == 404


# --- timeline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        (
            "",
            [
                "Marrakech Mayors Declaration",
                "Forum 2018",
                "Solidarity Cities is founded",
                "Cologne joins Solidarity Cities",
            ],
            [],
        ),
        ("kind=declaration", ["Marrakech Mayors Declaration"], ["Forum 2018", "is founded"]),
        ("kind=founding&kind=membership", ["is founded", "Cologne joins"], ["Forum 2018"]),
        ("year_from=2017", ["Marrakech Mayors Declaration"], ["is founded", "Cologne joins"]),
        ("year_to=2016", ["is founded", "Cologne joins"], ["Marrakech Mayors Declaration"]),
        (
            "network=mmc",
            ["Marrakech Mayors Declaration"],
            ["Cologne joins", "Solidarity Cities is"],
        ),
        (
            "region=sub_saharan_africa",
            ["Forum 2018", "Marrakech Mayors Declaration"],
            ["Cologne joins", "is founded"],
        ),
        ("region=europe", ["Marrakech Mayors Declaration", "Cologne joins"], ["Forum 2018"]),
    ],
)
def test_timeline_filters(client, world, query: str, present, absent) -> None:
    response = client.get(f"/timeline/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    for text in present:
        assert text in body, text
    for text in absent:
        assert text not in body, text


def test_timeline_groups_by_year_and_charts_declarations(client, world) -> None:
    body = client.get("/timeline/").content.decode()
    assert body.index('id="y2018"') < body.index('id="y2016"')  # newest first
    assert "Declarations per year" in body


@pytest.mark.parametrize("query", ["year_from=abc", "year_from=2020&year_to=2010", "kind=rumour"])
def test_bad_timeline_filters_are_400(client, world, query: str) -> None:
    response = client.get(f"/timeline/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


# --- search, linked data, sitemap -------------------------------------------------------------


def test_search_page_finds_other_language_names(client, world) -> None:
    body = client.get("/search/?q=K%C3%B6ln").content.decode()
    assert 'href="/cities/cologne/"' in body
    assert "Köln" in body
    body = client.get("/search/?q=working+together").content.decode()
    assert 'href="/declarations/marrakech/"' in body
    assert client.get("/search/?q=" + "x" * 5000).status_code == 200


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/cities/cologne/", "City"),
        ("/networks/solidarity/", "Organization"),
        ("/declarations/marrakech/", "CreativeWork"),
        ("/events/forum-2018/", "Event"),
    ],
)
def test_detail_pages_carry_json_ld_and_canonical_url(client, world, url: str, kind: str) -> None:
    body = client.get(url + "?utm=x").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(block.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == kind
    assert data["url"] == "http://testserver" + url
    assert f'<link rel="canonical" href="http://testserver{url}">' in body


def test_json_ld_cannot_break_out_of_its_script(client) -> None:
    CityFactory(slug="evil", name="</script><script>alert(1)</script>")
    body = client.get("/cities/evil/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"


def test_declaration_json_ld_keeps_the_date_precision(client, world) -> None:
    DeclarationFactory(slug="year-only", date=dt.date(2017, 1, 1), date_precision="year")
    body = client.get("/declarations/year-only/").content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["dateCreated"] == "2017"


def sitemap_sections(client) -> str:
    """Every section sitemap the index at /sitemap.xml names, fetched and joined."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    bodies = []
    for loc in re.findall(r"<sitemap><loc>http://testserver([^<]+)</loc>", index.content.decode()):
        response = client.get(loc.replace("&amp;", "&"))
        assert response.status_code == 200, loc
        bodies.append(response.content.decode())
    return "".join(bodies)


def test_sitemap_lists_every_public_record(client, world) -> None:
    body = sitemap_sections(client)
    for path in [
        "/cities/cologne/",
        "/networks/solidarity/",
        "/declarations/marrakech/",
        "/events/forum-2018/",
        "/timeline/",
    ]:
        assert f"http://testserver{path}</loc>" in body
    draft = world["county"].pledges.get()
    assert f"/pledges/{draft.pk}/</loc>" not in body


def test_home_has_search_newest_pledges_and_entry_points(client, world) -> None:
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body
    assert "Welcome centre" in body
    assert "Draft idea" not in body
    for group in ["Researchers", "City staff", "Partners"]:
        assert group in body
