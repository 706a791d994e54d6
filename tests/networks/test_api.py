"""The API's shared mechanics (strict parameters, keyset pages, CSV, errors), shown on the
networks and memberships endpoints, plus what those two endpoints return."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory, SourceFactory

pytestmark = pytest.mark.django_db


def walk(client, url: str) -> tuple[list[dict], int]:
    """Every row of a list, following the next links; returns the rows and the page count."""
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        url = body["next"]
    return rows, pages


def test_network_list_envelope_and_fields(client) -> None:
    parent = NetworkFactory(name="UCLG", slug="uclg", acronym="UCLG")
    NetworkFactory(name="UCLG Africa", slug="uclg-africa", parent=parent, founded_year=2005)
    MembershipFactory(network=parent)
    body = client.get("/api/v1/networks/").json()
    assert set(body) == {"results", "next", "previous"}  # no count unless asked
    assert body["next"] is None
    assert body["previous"] is None
    africa = next(row for row in body["results"] if row["slug"] == "uclg-africa")
    assert africa["parent"]["slug"] == "uclg"
    assert africa["parent"]["api_url"] == "http://testserver/api/v1/networks/uclg/"
    assert africa["html_url"] == "http://testserver/networks/uclg-africa/"
    assert africa["founded_year"] == 2005
    assert africa["website"] is None  # a blank URL is null, never ""
    uclg = next(row for row in body["results"] if row["slug"] == "uclg")
    assert uclg["n_members"] == 1


def test_network_detail_nests_members_with_their_urls(client) -> None:
    network = NetworkFactory(slug="eurocities")
    source = SourceFactory(key="report-2020")
    city = CityFactory(name="Leipzig", slug="leipzig")
    MembershipFactory(
        network=network,
        city=city,
        joined_on=dt.date(2016, 1, 1),
        joined_on_precision="year",
        source=source,
    )
    body = client.get("/api/v1/networks/eurocities/").json()
    [member] = body["memberships"]
    assert member["city"] == {
        "slug": "leipzig",
        "name": "Leipzig",
        "country": "DE",
        "api_url": "http://testserver/api/v1/cities/leipzig/",
        "html_url": "http://testserver/cities/leipzig/",
    }
    assert member["joined_on"] == "2016-01-01"
    assert member["joined_on_precision"] == "year"
    assert member["source"]["key"] == "report-2020"
    assert client.get(member["api_url"]).json()["network"]["slug"] == "eurocities"


def test_filters_are_the_listing_filterset(client) -> None:
    NetworkFactory(name="Alpha", slug="alpha", kind="alliance", scope="global")
    NetworkFactory(name="Beta", slug="beta", kind="movement", scope="national")
    rows = client.get("/api/v1/networks/?kind=alliance").json()["results"]
    assert [row["slug"] for row in rows] == ["alpha"]
    rows = client.get("/api/v1/networks/?search=bet").json()["results"]
    assert [row["slug"] for row in rows] == ["beta"]
    rows = client.get("/api/v1/networks/?ordering=-name").json()["results"]
    assert [row["slug"] for row in rows] == ["beta", "alpha"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kindd=alliance", "kindd"),  # misspelt
        ("q=alpha", "q"),  # the HTML page's name, not the API's
        ("kind=castle", "kind"),  # not a choice
        ("ordering=colour", "ordering"),  # not whitelisted
        ("ordering=description", "ordering"),  # a real column, but not sortable
        ("has_members=maybe", "has_members"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
        ("count=yes", "count"),
        ("cursor=not-a-cursor", "cursor"),
        ("format=xml", "format"),
        ("kind=", "kind"),  # empty values are refused rather than ignored
        (f"search={'x' * 201}", "search"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query: str, parameter: str) -> None:
    response = client.get(f"/api/v1/networks/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == "Invalid query parameters."
    assert list(body["errors"]) == [parameter]


def test_unknown_parameter_message_lists_what_is_accepted(client) -> None:
    errors = client.get("/api/v1/networks/?yaer=2018").json()["errors"]
    assert "search" in errors["yaer"][0]
    assert "ordering" in errors["yaer"][0]


def test_detail_accepts_no_filters_and_404s_are_json(client) -> None:
    NetworkFactory(slug="alpha")
    assert client.get("/api/v1/networks/alpha/?kind=alliance").status_code == 400
    assert client.get("/api/v1/networks/alpha/?format=csv").status_code == 400
    response = client.get("/api/v1/networks/nowhere/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Network matches the given query."}
    response = client.get("/api/v1/memberships/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert client.get("/api/v1/no-such-thing/").status_code == 404


def test_writes_are_405_not_401(client) -> None:
    response = client.post("/api/v1/networks/", {}, content_type="application/json")
    assert response.status_code == 405


def test_page_size_cap_and_link_header(client) -> None:
    NetworkFactory.create_batch(5)
    response = client.get("/api/v1/networks/?page_size=2&count=true")
    body = response.json()
    assert len(body["results"]) == 2
    assert body["count"] == 5
    assert response["Link"] == f'<{body["next"]}>; rel="next"'
    second = client.get(body["next"])
    assert 'rel="prev"' in second["Link"]
    assert 'rel="next"' in second["Link"]
    assert client.get("/api/v1/networks/?page_size=100").status_code == 200


@pytest.mark.parametrize("ordering", [None, "name", "-name", "founded", "-founded", "-members"])
def test_keyset_pages_cover_every_row_once_in_both_directions(client, ordering) -> None:
    # Ties, NULLs and equal counts on purpose: the cursor must still be exact.
    for i in range(23):
        network = NetworkFactory(
            name=f"Net {i % 7:02d}-{i}", founded_year=[None, 2001, 2010][i % 3]
        )
        for _ in range(i % 4):
            MembershipFactory(network=network)
    query = f"?page_size=4&ordering={ordering}" if ordering else "?page_size=4"
    rows, pages = walk(client, f"/api/v1/networks/{query}")
    assert pages == 6
    slugs = [row["slug"] for row in rows]
    assert len(slugs) == len(set(slugs)) == 23
    everything = client.get(f"/api/v1/networks/{query.replace('4', '100')}").json()["results"]
    assert slugs == [row["slug"] for row in everything]
    # and back again from the last page
    body = client.get(f"/api/v1/networks/{query}").json()
    while body["next"]:
        body = client.get(body["next"]).json()
    backwards = [row["slug"] for row in body["results"]]
    while body["previous"]:
        body = client.get(body["previous"]).json()
        backwards = [row["slug"] for row in body["results"]] + backwards
    assert backwards == slugs


def test_rows_added_meanwhile_neither_repeat_nor_shift_the_next_page(client) -> None:
    for i in range(6):
        NetworkFactory(name=f"M {i}")
    first = client.get("/api/v1/networks/?page_size=3").json()
    NetworkFactory(name="A first")  # sorts before everything already seen
    second = client.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == ["M 3", "M 4", "M 5"]


def test_deep_pages_are_cut_by_keyset_not_offset(client) -> None:
    NetworkFactory.create_batch(6)
    body = client.get("/api/v1/networks/?page_size=2").json()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(body["next"]).status_code == 200
    [select] = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert "OFFSET" not in select.upper()
    assert "LIMIT 3" in select.upper()  # one row more than the page tells whether one follows


def test_csv_streams_every_filtered_row_with_a_header(client) -> None:
    NetworkFactory(name="=cmd()", slug="formula", kind="alliance")
    NetworkFactory.create_batch(120, kind="alliance")
    NetworkFactory(kind="movement")
    response = client.get("/api/v1/networks/?kind=alliance&format=csv&page_size=5")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 121  # paging does not apply to CSV
    formula = next(row for row in rows if row["slug"] == "formula")
    assert formula["name"] == "'=cmd()"  # spreadsheets must not run it
    assert list(rows[0])[:3] == ["slug", "api_url", "html_url"]


def test_csv_of_no_rows_still_has_its_header(client) -> None:
    response = client.get("/api/v1/memberships/?format=csv")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("id,api_url,city,network,role")


def test_membership_filters(client) -> None:
    network = NetworkFactory(slug="solidarity-cities")
    MembershipFactory(
        network=network,
        city=CityFactory(slug="athens", country="GR"),
        joined_on=dt.date(2016, 1, 1),
        joined_on_precision="year",
    )
    MembershipFactory(
        network=network,
        city=CityFactory(slug="berlin"),
        joined_on=dt.date(2019, 1, 1),
        joined_on_precision="year",
        left_on=dt.date(2021, 1, 1),
        left_on_precision="year",
    )
    MembershipFactory(city=CityFactory(slug="naples", country="IT"))

    def slugs(query: str) -> list[str]:
        response = client.get(f"/api/v1/memberships/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["city"]["slug"] for row in response.json()["results"])

    assert slugs("network=solidarity-cities") == ["athens", "berlin"]
    assert slugs("country=GR") == ["athens"]
    assert slugs("joined_from=2018") == ["berlin"]
    assert slugs("current=yes&network=solidarity-cities") == ["athens"]
    assert slugs("city=naples") == ["naples"]
    # A network that exists but has no members is an empty list; a misspelt one is an error.
    NetworkFactory(slug="empty-network")
    assert slugs("network=empty-network") == []
    assert client.get("/api/v1/memberships/?network=no-such-network").status_code == 400
