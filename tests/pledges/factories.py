from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from pledges.models import ModerationState, Pledge
from tests.networks.factories import CityFactory


class PledgeFactory(DjangoModelFactory[Pledge]):
    class Meta:
        model = Pledge

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Pledge {n}")
    moderation_state = ModerationState.PUBLISHED
