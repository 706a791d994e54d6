"""``Authorization: Token <key>`` (or ``Bearer <key>``) for the API.

No header means an anonymous client: the API is open data and needs no key to read. A key that
is sent but does not work is an error, not a silent fallback to anonymous, so a partner whose
token was revoked finds out at once instead of wondering why it is being throttled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiToken
from accounts.tokens import api_token_authenticate

if TYPE_CHECKING:  # rest_framework.request is loaded by the views that load this module
    from rest_framework.request import Request

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates partner tokens; ``request.auth`` is then the ``ApiToken``."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # anonymous, or a scheme another authenticator handles
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: send “Token <key>” with the key and no spaces.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid API token: the key contains characters no key has.")
            ) from None
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "Invalid or revoked API token. Leave out the Authorization header to read anonymously."
                )
            )
        if token.user is not None and not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The account this API token belongs to is disabled.")
            )
        return (token.user or AnonymousUser(), token)

    def authenticate_header(self, request: Request) -> str:
        """Sent as ``WWW-Authenticate``, which also makes DRF answer 401 rather than 403."""
        return self.keyword
