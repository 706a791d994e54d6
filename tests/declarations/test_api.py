"""The declarations, events and signatures endpoints: the filters partners asked for by name."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.networks.factories import CityFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_declarations_by_year_and_issuer(client) -> None:
    gpm = NetworkFactory(slug="global-parliament-of-mayors")
    other = NetworkFactory(slug="eurocities")
    DeclarationFactory(slug="bristol", issuer=gpm, date=dt.date(2018, 1, 1), date_precision="year")
    DeclarationFactory(slug="later", issuer=gpm, date=dt.date(2019, 6, 1), date_precision="month")
    DeclarationFactory(slug="other", issuer=other, date=dt.date(2018, 5, 2), date_precision="day")
    DeclarationFactory(slug="undated", issuer=gpm)
    url = "/api/v1/declarations/?year=2018&issuer=global-parliament-of-mayors"
    assert slugs(client, url) == ["bristol"]
    assert slugs(client, "/api/v1/declarations/?year_from=2018&year_to=2018") == [
        "other",
        "bristol",
    ]
    # A network that issued nothing: an empty list, not an error.
    NetworkFactory(slug="quiet")
    assert slugs(client, "/api/v1/declarations/?issuer=quiet") == []
    response = client.get("/api/v1/declarations/?issuer=global-parliament-of-mayorz")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["issuer"]
    response = client.get("/api/v1/declarations/?year=1066")
    assert list(response.json()["errors"]) == ["year"]


def test_declaration_detail_nests_signatories(client) -> None:
    declaration = DeclarationFactory(
        slug="marrakech-mayors-declaration",
        url="https://example.org/text.pdf",
        aliases="Marrakech Declaration\nMayors Declaration",
        declared_signatory_count=30,
        declared_count_qualifier="more_than",
    )
    SignatureFactory(
        declaration=declaration,
        city=CityFactory(slug="gaziantep", country="TR"),
        signed_on=dt.date(2018, 12, 8),
        signed_on_precision="day",
        signatory_office="Mayor",
    )
    body = client.get("/api/v1/declarations/marrakech-mayors-declaration/").json()
    assert body["aliases"] == ["Marrakech Declaration", "Mayors Declaration"]
    assert body["text_url"] == "https://example.org/text.pdf"
    assert body["declared_signatory_count"] == 30
    assert body["declared_count_qualifier"] == "more_than"
    [signature] = body["signatures"]
    assert signature["city"]["slug"] == "gaziantep"
    assert signature["city"]["api_url"].endswith("/api/v1/cities/gaziantep/")
    assert signature["signed_on"] == "2018-12-08"
    assert signature["signatory_office"] == "Mayor"


def test_declaration_list_orders_newest_first_with_undated_last(client) -> None:
    DeclarationFactory(slug="old", date=dt.date(2010, 1, 1), date_precision="year")
    DeclarationFactory(slug="undated")
    DeclarationFactory(slug="new", date=dt.date(2020, 1, 1), date_precision="year")
    assert slugs(client, "/api/v1/declarations/") == ["new", "old", "undated"]
    assert slugs(client, "/api/v1/declarations/?ordering=date") == ["old", "new", "undated"]


def test_signatures_list_and_filters(client) -> None:
    declaration = DeclarationFactory(slug="mechelen")
    SignatureFactory(
        declaration=declaration,
        city=CityFactory(slug="mechelen-city", country="BE"),
        signed_on=dt.date(2017, 11, 16),
        signed_on_precision="day",
    )
    SignatureFactory(city=CityFactory(slug="lampedusa", country="IT"))

    def cities(query: str) -> list[str]:
        response = client.get(f"/api/v1/signatures/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["city"]["slug"] for row in response.json()["results"])

    assert cities("declaration=mechelen") == ["mechelen-city"]
    assert cities("country=IT") == ["lampedusa"]
    assert cities("year_from=2017") == ["mechelen-city"]
    row = client.get("/api/v1/signatures/?declaration=mechelen").json()["results"][0]
    assert row["declaration"]["slug"] == "mechelen"
    assert client.get(row["api_url"]).json()["id"] == row["id"]


def test_events_filters_and_detail(client) -> None:
    series = EventSeriesFactory(slug="gfmd")
    event = EventFactory(
        slug="gfmd-2018",
        series=series,
        edition=11,
        start_date=dt.date(2018, 12, 5),
        start_date_precision="day",
        city=CityFactory(slug="marrakesh", country="MA"),
    )
    event.organisers.add(NetworkFactory(slug="uclg"))
    DeclarationFactory(slug="adopted-there", event=event)
    EventFactory(slug="elsewhere", start_date=dt.date(2010, 1, 1), start_date_precision="year")
    assert slugs(client, "/api/v1/events/?series=gfmd") == ["gfmd-2018"]
    assert slugs(client, "/api/v1/events/?year_from=2015") == ["gfmd-2018"]
    body = client.get("/api/v1/events/gfmd-2018/").json()
    assert body["series"] == {"slug": "gfmd", "name": series.name, "acronym": ""}
    assert body["city"]["slug"] == "marrakesh"
    assert [n["slug"] for n in body["organisers"]] == ["uclg"]
    assert [d["slug"] for d in body["declarations"]] == ["adopted-there"]
    assert body["n_declarations"] == 1
