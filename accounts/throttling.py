"""API rate limits: anonymous clients by IP address, partners by token (or signed-in user).

Exactly one of the two applies to any request; the other returns no cache key and stays out of
the way. The counters live in Django's default cache, which production shares between workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView

# DRF copies the rates onto the class when it is first imported, so later settings changes
# (``override_settings`` in tests) would not reach it. Our throttles read the settings on each
# request instead, unless that class attribute has been replaced on purpose.
_RATES_AT_IMPORT = SimpleRateThrottle.THROTTLE_RATES


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rates = self.THROTTLE_RATES
        if rates is _RATES_AT_IMPORT:
            rates = api_settings.DEFAULT_THROTTLE_RATES
        try:
            return rates[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}") from None


def is_partner(request: Request) -> bool:
    return isinstance(request.auth, ApiToken) or bool(
        request.user and request.user.is_authenticated
    )


class AnonymousRateThrottle(_SettingsRateThrottle):
    """Clients without a token or session, one counter per IP address."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if is_partner(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerRateThrottle(_SettingsRateThrottle):
    """Token holders (one counter per token) and signed-in users (one per user)."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
