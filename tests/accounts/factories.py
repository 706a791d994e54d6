from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import ApiToken, User
from accounts.tokens import hash_key


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")


class ApiTokenFactory(DjangoModelFactory[ApiToken]):
    """A token row written directly (no service, no validation), for constraint tests.

    Its plaintext key is ``key`` (a parameter): pass one in to know it, e.g.
    ``ApiTokenFactory(key="k0000001-secret")``.
    """

    class Meta:
        model = ApiToken

    class Params:
        key = factory.Sequence(lambda n: f"k{n:07d}-factory-key-not-secret")

    name = factory.Sequence(lambda n: f"Partner {n}")
    prefix = factory.LazyAttribute(lambda o: o.key[:8])
    key_hash = factory.LazyAttribute(lambda o: hash_key(o.key))
