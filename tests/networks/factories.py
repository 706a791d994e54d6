from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from networks.models import City, Membership, Network, NetworkKind, Role, Source


class SourceFactory(DjangoModelFactory[Source]):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    year = 2020


class CityFactory(DjangoModelFactory[City]):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "DE"


class NetworkFactory(DjangoModelFactory[Network]):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    kind = NetworkKind.CITY_NETWORK


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    city = factory.SubFactory(CityFactory)
    network = factory.SubFactory(NetworkFactory)
    role = Role.MEMBER
