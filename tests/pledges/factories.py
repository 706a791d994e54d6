from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from networks.models import City
from pledges.access import moderators_group
from pledges.models import CityStaff, ModerationState, Pledge
from tests.accounts.factories import UserFactory
from tests.networks.factories import CityFactory


class PledgeFactory(DjangoModelFactory[Pledge]):
    class Meta:
        model = Pledge

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Pledge {n}")
    moderation_state = ModerationState.PUBLISHED
    # a submitted pledge must be complete (a CHECK constraint): give it a long enough text
    description = factory.LazyAttribute(
        lambda o: LONG_DESCRIPTION if o.moderation_state == ModerationState.SUBMITTED else ""
    )


class CityStaffFactory(DjangoModelFactory[CityStaff]):
    class Meta:
        model = CityStaff

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)


def staff_of(city: City, **user_fields: object) -> User:
    """A user who is staff of ``city``."""
    return CityStaffFactory(city=city, user=UserFactory(**user_fields)).user


def moderator(**user_fields: object) -> User:
    """A user in the Moderators group (re-created if a flush removed it)."""
    user = UserFactory(**user_fields)
    user.groups.add(moderators_group())
    return User.objects.get(pk=user.pk)  # no stale permission cache


LONG_DESCRIPTION = (
    "The city opens a one-stop welcome centre for newcomers, refugees and migrants, with advice "
    "on housing, work, schooling and health in twelve languages, run together with migrant "
    "organisations, and reports every year to the council on who used it, what it cost and what "
    "changed for the people it served as a result."
)  # 300 to 3,000 characters: long enough to submit
