"""What the founding documents say can be found on the site after ``load_seed``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from networks.dates import format_partial_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db) -> None:
    call_command("load_seed", verbosity=0)


def test_mechelen_declaration_2017_is_findable(client, seeded) -> None:
    body = client.get("/declarations/?q=mechelen").content.decode()
    assert 'href="/declarations/mechelen-declaration/"' in body
    body = client.get("/timeline/?year_from=2017&year_to=2017&kind=declaration").content.decode()
    assert "Mechelen Declaration" in body
    body = client.get("/search/?q=Mechelen").content.decode()
    assert 'href="/declarations/mechelen-declaration/"' in body
    body = client.get("/declarations/mechelen-declaration/").content.decode()
    assert "2017" in body
    assert "Source" in body


def test_gaziantep_declaration_keeps_its_day(client, seeded) -> None:
    body = client.get("/declarations/gaziantep-declaration/").content.decode()
    with translation.override("en"):
        assert format_partial_date(dt.date(2019, 11, 27), "day") in body
    assert "Gaziantep-Declaration-27-November-2019.pdf" in body


def test_eu_urban_partnership_cities_are_listed(client, seeded) -> None:
    members = {"Amsterdam", "Athens", "Barcelona", "Berlin", "Helsinki"}
    body = client.get("/networks/eu-urban-partnership-inclusion/").content.decode()
    for city in members:
        assert f">{city}</a>" in body
    body = client.get("/cities/?network=eu-urban-partnership-inclusion").content.decode()
    assert "5 results" in body


def test_seeded_map_has_points_and_city_profile_has_a_position(client, seeded) -> None:
    body = client.get("/cities/").content.decode()
    assert body.count('<circle class="point') > 50
    body = client.get("/cities/cologne/").content.decode()
    assert "point--emphasis" in body
