"""The timeline reads at most its limit of rows per kind and shows the newest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from citydiplo import selectors
from networks.models import Role
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joinings():
    network = NetworkFactory(name="Welcome Net", acronym="WN")
    for name, year, role in [
        ("Bonn", 2019, Role.MEMBER),
        ("Aachen", 2019, Role.BOARD),
        ("Celle", 2019, Role.MEMBER),
        ("Dresden", 2020, Role.FOUNDER),
        ("Essen", 2015, Role.MEMBER),
    ]:
        MembershipFactory(
            network=network,
            city=CityFactory(name=name),
            role=role,
            joined_on=dt.date(year, 1, 1),
            joined_on_precision="year",
        )
    MembershipFactory(network=network)  # undated: never on the timeline
    return network


def test_newest_joinings_kept_ties_by_city_name(joinings) -> None:
    items, cut = selectors.timeline({"kind": ["membership"]}, limit=3)
    assert cut
    # the newest three, ties on the date kept by city name (Celle is cut); shown newest first
    assert [i.title for i in items] == [
        "Dresden joins WN",
        "Bonn joins WN",
        "Aachen joins WN",
    ]
    assert [i.detail for i in items] == ["founder", "member", "board"]


def test_all_joinings_when_under_the_limit(joinings) -> None:
    items, cut = selectors.timeline({"kind": ["membership"]}, limit=10)
    assert not cut
    assert len(items) == 5


def test_role_and_kind_labels_follow_the_language(joinings) -> None:
    with translation.override("de"):
        items, _ = selectors.timeline({"kind": ["membership"]}, limit=1)
        labels = selectors.labels(Role)
        assert items[0].detail == labels[Role.FOUNDER] == str(Role.FOUNDER.label)
    assert selectors.labels(Role)[Role.FOUNDER] == "founder"
