from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from declarations.models import Declaration, DeclarationKind, Event, EventSeries, Signature
from tests.networks.factories import CityFactory


class EventSeriesFactory(DjangoModelFactory[EventSeries]):
    class Meta:
        model = EventSeries

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Summit {n}")
    slug = factory.Sequence(lambda n: f"summit-{n}")


class DeclarationFactory(DjangoModelFactory[Declaration]):
    class Meta:
        model = Declaration

    title = factory.Sequence(lambda n: f"Declaration {n}")
    slug = factory.Sequence(lambda n: f"declaration-{n}")
    kind = DeclarationKind.DECLARATION


class SignatureFactory(DjangoModelFactory[Signature]):
    class Meta:
        model = Signature

    declaration = factory.SubFactory(DeclarationFactory)
    city = factory.SubFactory(CityFactory)
