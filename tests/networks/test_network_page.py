"""The network page stays bounded however many members a network has: its member table is
paginated, its chart counted in the database, its map capped, its declarations cut short."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest

from networks import selectors
from networks.models import Membership, Role
from tests.declarations.factories import DeclarationFactory
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr id="membership-(\d+)">')


def rows(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.fixture
def big():
    """A network of 120 member cities: 100 with a joining year (20 per year), 20 undated."""
    network = NetworkFactory(slug="big", name="Big Network")
    for i in range(120):
        city = CityFactory(name=f"City {i:03d}", latitude=40 + i % 20, longitude=i % 90)
        dated = i < 100
        MembershipFactory(
            network=network,
            city=city,
            joined_on=dt.date(2010 + i // 20, 1, 1) if dated else None,
            joined_on_precision="year" if dated else "",
        )
    return network


def test_member_table_shows_fifty_a_page_and_every_member_once(client, big) -> None:
    pages = [rows(client.get(f"/networks/big/?page={n}")) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    shown = [pk for page in pages for pk in page]
    expected = list(selectors.network_memberships(big).values_list("pk", flat=True))
    assert shown == expected  # every membership once, in the table's order
    body = client.get("/networks/big/?page=2").content.decode()
    assert 'class="pagination"' in body
    assert "Page 2 of 3" in body
    assert "Memberships 51–100 of 120" in body
    assert 'href="/cities/?network=big"' in body


def test_member_table_order_is_earliest_joining_first_undated_last(client, big) -> None:
    first = Membership.objects.get(pk=rows(client.get("/networks/big/"))[0])
    last = Membership.objects.get(pk=rows(client.get("/networks/big/?page=3"))[-1])
    assert first.joined_on == dt.date(2010, 1, 1)
    assert first.city.name == "City 000"
    assert last.joined_on is None
    assert last.city.name == "City 119"


def test_bad_page_numbers_still_show_the_network(client, big) -> None:
    assert len(rows(client.get("/networks/big/?page=x"))) == 50  # the first page
    assert len(rows(client.get("/networks/big/?page=99"))) == 20  # the last page


def test_a_small_network_has_no_pagination(client) -> None:
    network = NetworkFactory(slug="small")
    MembershipFactory.create_batch(3, network=network)
    body = client.get("/networks/small/").content.decode()
    assert len(ROW.findall(body)) == 3
    assert 'class="pagination"' not in body
    assert "Memberships 1–" not in body


def test_membership_parameter_opens_the_page_that_holds_the_row(client, big) -> None:
    """Links to #membership-<pk> (the API's html_url) reach rows past page 1: the page's script
    asks for ?membership=<pk>, and the server shows the page holding it."""
    ordered = list(selectors.network_memberships(big).values_list("pk", flat=True))
    for position in (0, 49, 50, 99, 100, 119):
        pk = ordered[position]
        assert pk in rows(client.get(f"/networks/big/?membership={pk}"))
        assert selectors.membership_position(big, pk) == position + 1
    other = MembershipFactory()  # of another network: ignored
    assert rows(client.get(f"/networks/big/?membership={other.pk}")) == ordered[:50]
    assert rows(client.get("/networks/big/?membership=abc")) == ordered[:50]
    # an explicit page wins, so the pagination links work after such a jump
    assert rows(client.get(f"/networks/big/?membership={ordered[0]}&page=3")) == ordered[100:]


def test_membership_position_breaks_ties_by_city_name_then_id() -> None:
    network = NetworkFactory()
    same_day = dt.date(2018, 5, 1)
    for name in ["Bonn", "Aachen", "Celle"]:
        MembershipFactory(
            network=network,
            city=CityFactory(name=name),
            joined_on=same_day,
            joined_on_precision="day",
        )
    twin = CityFactory(name="Aachen", country="FR")
    MembershipFactory(network=network, city=twin, joined_on=same_day, joined_on_precision="day")
    MembershipFactory(network=network, city=CityFactory(name="Aalen"))  # undated: last
    MembershipFactory(
        network=network, city=twin, role=Role.FOUNDER, joined_on=None, joined_on_precision=""
    )
    ordered = list(selectors.network_memberships(network))
    for position, membership in enumerate(ordered, start=1):
        assert selectors.membership_position(network, membership.pk) == position


def test_the_page_script_is_loaded_on_the_network_page(client, big) -> None:
    body = client.get("/networks/big/").content.decode()
    assert '<script src="/static/js/row-anchors.js" defer></script>' in body


def test_chart_counts_from_the_database_match_counting_every_row() -> None:
    rng = random.Random(7)
    network = NetworkFactory()
    for _ in range(60):
        joined = dt.date(rng.randint(2000, 2020), 1, 1) if rng.random() < 0.8 else None
        left = (
            dt.date(joined.year + rng.randint(0, 6), 1, 1)
            if joined and rng.random() < 0.3
            else None
        )
        MembershipFactory(
            network=network,
            joined_on=joined,
            joined_on_precision="year" if joined else "",
            left_on=left,
            left_on_precision="year" if left else "",
        )
    memberships = list(Membership.objects.filter(network=network))
    spans = selectors.membership_spans(network)
    assert spans.total == 60
    assert spans.undated == sum(1 for m in memberships if m.joined_on is None)
    assert selectors.members_per_year(spans, until=2030) == selectors.members_per_year(
        memberships, until=2030
    )


def test_map_draws_every_located_member_up_to_the_cap(client, monkeypatch, big) -> None:
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 120)
    body = client.get("/networks/big/").content.decode()
    assert body.count('<circle class="point"') == 120
    assert "120 cities have coordinates on record and appear as points" in body


def test_map_above_the_cap_shades_countries_only_and_says_so(client, monkeypatch, big) -> None:
    MembershipFactory(network=big, city=CityFactory(country="GH", latitude=5.6, longitude=-0.2))
    MembershipFactory(network=big, city=CityFactory(country="FR"))  # no coordinates
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 100)
    body = client.get("/networks/big/").content.decode()
    assert "<circle" not in body
    assert re.search(r'class="country country--highlight" data-country="GH"', body)
    assert re.search(r'class="country country--highlight" data-country="FR"', body)
    assert "121 member cities have coordinates on record: too many to draw as points" in body
    assert 'href="/cities/?network=big">See them in the city listing.' in body


def test_map_caption_when_capped_is_translated(client, monkeypatch, big) -> None:
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 100)
    body = client.get("/networks/big/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "zu viele, um sie als Punkte zu zeichnen" in body


def test_a_city_with_two_roles_is_one_point_and_one_json_ld_member(client) -> None:
    network = NetworkFactory(slug="roles")
    city = CityFactory(name="Twice", latitude=52.5, longitude=13.4)
    MembershipFactory(network=network, city=city, role=Role.MEMBER)
    MembershipFactory(network=network, city=city, role=Role.BOARD)
    body = client.get("/networks/roles/").content.decode()
    assert body.count('<circle class="point"') == 1
    assert "1 city has coordinates on record" in body
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert [m["name"] for m in data["member"]] == ["Twice"]


def test_json_ld_names_the_members_of_the_page_shown(client, big) -> None:
    body = client.get("/networks/big/?page=3").content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert len(data["member"]) == 20
    assert data["@id"] == "http://testserver/networks/big/"


def test_declarations_issued_are_cut_short_with_a_link_to_all(client) -> None:
    network = NetworkFactory(slug="issuer")
    for i in range(25):
        DeclarationFactory(
            issuer=network,
            title=f"Text {i:02d}",
            date=dt.date(2000 + i, 1, 1),
            date_precision="year",
        )
    body = client.get("/networks/issuer/").content.decode()
    assert len(re.findall(r'<li><a href="/declarations/', body)) == 20
    assert "Text 24" in body  # newest first
    assert "Text 04" not in body
    assert '<a href="/declarations/?issuer=issuer">All 25 declarations it issued</a>' in body
    DeclarationFactory.create_batch(2, issuer=NetworkFactory(slug="few"))
    body = client.get("/networks/few/").content.decode()
    assert len(re.findall(r'<li><a href="/declarations/', body)) == 2
    assert "declarations it issued</a>" not in body


def test_related_networks_count_shared_member_cities(client, big) -> None:
    cities = [m.city for m in big.memberships.all()[:3]]
    other = NetworkFactory(name="Overlap")
    for city in cities:
        MembershipFactory(network=other, city=city)
    MembershipFactory(network=other, city=cities[0], role=Role.BOARD)  # same city: counted once
    MembershipFactory(network=other)  # not a member of big
    related = selectors.network_related(big)
    assert [(n.name, n.n_shared) for n in related] == [("Overlap", 3)]
    assert "shares 3 member cities" in client.get("/networks/big/").content.decode()
