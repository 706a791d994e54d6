"""The database itself rejects bad rows; model validation says why in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from networks.models import City, Membership, Network, Role
from tests.helpers import assert_db_rejects
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_membership_cannot_end_before_it_starts() -> None:
    assert_db_rejects(
        MembershipFactory,
        joined_on=dt.date(2019, 1, 1),
        joined_on_precision="year",
        left_on=dt.date(2018, 1, 1),
        left_on_precision="year",
    )
    membership = MembershipFactory.build(
        city=CityFactory(),
        network=NetworkFactory(),
        joined_on=dt.date(2019, 5, 1),
        joined_on_precision="day",
        left_on=dt.date(2019, 4, 1),
        left_on_precision="day",
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        membership.full_clean()


def test_membership_same_role_twice_is_refused() -> None:
    first = MembershipFactory(role=Role.FOUNDER)
    assert_db_rejects(MembershipFactory, city=first.city, network=first.network, role=Role.FOUNDER)
    # the same city may hold another role in the same network
    MembershipFactory(city=first.city, network=first.network, role=Role.BOARD)
    assert Membership.objects.filter(city=first.city).count() == 2


def test_date_needs_its_precision_and_vice_versa() -> None:
    assert_db_rejects(MembershipFactory, joined_on=dt.date(2018, 1, 1), joined_on_precision="")
    assert_db_rejects(MembershipFactory, joined_on=None, joined_on_precision="year")
    assert_db_rejects(MembershipFactory, joined_on=dt.date(2018, 1, 1), joined_on_precision="week")


def test_partial_dates_are_normalised_by_validation() -> None:
    membership = MembershipFactory.build(
        city=CityFactory(),
        network=NetworkFactory(),
        joined_on=dt.date(2018, 7, 31),
        joined_on_precision="month",
    )
    membership.full_clean()
    assert membership.joined_on == dt.date(2018, 7, 1)


def test_role_must_be_a_known_choice() -> None:
    assert_db_rejects(MembershipFactory, role="sponsor")


def test_member_role_needs_formal_membership() -> None:
    mmc = NetworkFactory(has_formal_membership=False)
    membership = MembershipFactory.build(city=CityFactory(), network=mmc, role=Role.MEMBER)
    with pytest.raises(ValidationError, match="no formal membership"):
        membership.full_clean()
    membership.role = Role.BOARD
    membership.full_clean()


@pytest.mark.parametrize("slug", ["Barcelona", "são-paulo", "sao_paulo", "-sao", "sao--paulo", ""])
def test_city_slug_is_lowercase_ascii(slug: str) -> None:
    assert_db_rejects(CityFactory, slug=slug)


def test_city_slug_good_form_is_accepted() -> None:
    assert CityFactory(slug="sao-paulo", name="São Paulo", country="BR").slug == "sao-paulo"


def test_city_name_unique_per_country() -> None:
    CityFactory(name="Frankfurt", slug="frankfurt-am-main", country="DE")
    assert_db_rejects(CityFactory, name="Frankfurt", slug="frankfurt-2", country="DE")
    CityFactory(name="Frankfurt", slug="frankfurt-kentucky", country="US")


def test_city_needs_a_country() -> None:
    assert_db_rejects(CityFactory, country="")


def test_city_coordinates_in_range_and_paired() -> None:
    assert_db_rejects(CityFactory, latitude=91, longitude=0)
    assert_db_rejects(CityFactory, latitude=0, longitude=181)
    assert_db_rejects(CityFactory, latitude=41.38, longitude=None)
    assert CityFactory(latitude=41.38, longitude=2.17).latitude == 41.38


def test_city_wikidata_id_format() -> None:
    assert_db_rejects(CityFactory, wikidata_id="1492")
    assert CityFactory(wikidata_id="Q1492").wikidata_id == "Q1492"


def test_city_region_is_derived_from_country() -> None:
    assert CityFactory.build(country="ES").region == "europe"
    assert CityFactory.build(country="TR").region == "asia"
    assert CityFactory.build(country="UG").region == "africa"
    assert CityFactory.build(country="MX").region == "americas"


def test_network_kind_and_scope_are_known_choices() -> None:
    assert_db_rejects(NetworkFactory, kind="club")
    assert_db_rejects(NetworkFactory, scope="planetary")


def test_network_cannot_be_its_own_parent() -> None:
    network = NetworkFactory()
    network.parent = network
    with pytest.raises(IntegrityError), transaction.atomic():
        network.save()


def test_network_parent_cycle_is_caught_by_validation() -> None:
    a = NetworkFactory()
    b = NetworkFactory(parent=a)
    a.parent = b
    with pytest.raises(ValidationError, match="below itself"):
        a.full_clean()


def test_deleting_a_city_with_facts_is_refused() -> None:
    membership = MembershipFactory()
    with pytest.raises(Exception, match="protected"):
        membership.city.delete()
    assert City.objects.filter(pk=membership.city.pk).exists()
    assert Network.objects.filter(pk=membership.network.pk).exists()
