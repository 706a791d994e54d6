"""Partner API tokens: create, authenticate, revoke.

The plaintext key exists only in the return value of ``api_token_create``; the database keeps
its first characters (to find the row) and a SHA-256 hash (to check it). A plain, unsalted hash
is enough here because keys are 256 random bits, not passwords a person chose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import API_TOKEN_PREFIX_LENGTH, ApiToken

# Recording every request's time would turn each API read into a write; a minute is precise
# enough to tell whether a partner still uses its token.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Longest key we bother hashing; token_urlsafe(32) gives 43 characters.
MAX_KEY_LENGTH = 200


def hash_key(key: str) -> str:
    """The value stored in ``ApiToken.key_hash``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, name: str, user: AbstractBaseUser | None = None) -> tuple[ApiToken, str]:
    """Make a token and return it with its plaintext key, which is never available again."""
    key = secrets.token_urlsafe(32)
    # A leading "-" would make the prefix read as an option on the command line
    # (`api_token revoke -xY…`), so such keys are drawn again. 48 random bits make
    # a prefix clash all but impossible, but a retry costs nothing.
    while (
        key.startswith("-")
        or ApiToken.objects.filter(prefix=key[:API_TOKEN_PREFIX_LENGTH]).exists()
    ):
        key = secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, user=user, prefix=key[:API_TOKEN_PREFIX_LENGTH], key_hash=hash_key(key)
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working. Revoking twice keeps the first revocation time."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token this key belongs to, or None; a successful check counts as a use."""
    if not (API_TOKEN_PREFIX_LENGTH < len(key) <= MAX_KEY_LENGTH):
        return None
    token = (
        ApiToken.objects.select_related("user").filter(prefix=key[:API_TOKEN_PREFIX_LENGTH]).first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
        return None
    if not token.is_active:
        return None
    api_token_record_use(token=token)
    return token


def api_token_record_use(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Set ``last_used_at`` unless it was set less than a minute ago; True if it wrote.

    A conditional UPDATE rather than ``full_clean()`` and ``save()``: concurrent requests with
    the same token then write at most once between them, and only this one column changes.
    The write is part of the request's transaction, so a request that ends in an error (a 404,
    a 429) does not count as a use.
    """
    now = now or timezone.now()
    threshold = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > threshold:
        return False  # known recent from the row just read: no query at all
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold))
        .update(last_used_at=now)
    )
    if written:
        token.last_used_at = now
    return bool(written)
