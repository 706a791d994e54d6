"""The user model, swappable from day one so accounts can grow without a painful migration, and
the API tokens partners use to get a higher rate on the open-data API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The prefix is the first characters of the key itself: enough to find the row and to tell
# tokens apart in lists, far too little to guess the rest.
API_TOKEN_PREFIX_LENGTH = 8
API_TOKEN_PREFIX_PATTERN = rf"^[A-Za-z0-9_-]{{{API_TOKEN_PREFIX_LENGTH}}}$"
SHA256_HEX_PATTERN = r"^[0-9a-f]{64}$"


class User(AbstractUser):
    """A site user: moderators and city staff (their cities are linked in the pledges app)."""


class ApiToken(models.Model):
    """A partner's key to the API. Only a SHA-256 hash of the key is stored: a copy of the
    database (a backup, a dump handed to a developer) must not hand out working keys."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Who the token is for, e.g. “UNHCR dashboard”."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("Leave empty for read-only partners; requests then act as anonymous."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=API_TOKEN_PREFIX_LENGTH,
        unique=True,
        editable=False,
        help_text=_("The first characters of the key, to tell tokens apart."),
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(name="apitoken_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(
                name="apitoken_prefix_format", condition=Q(prefix__regex=API_TOKEN_PREFIX_PATTERN)
            ),
            models.CheckConstraint(
                name="apitoken_key_hash_sha256_hex", condition=Q(key_hash__regex=SHA256_HEX_PATTERN)
            ),
            models.CheckConstraint(
                name="apitoken_revoked_after_created",
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
            ),
            models.CheckConstraint(
                name="apitoken_used_after_created",
                condition=Q(last_used_at__isnull=True) | Q(last_used_at__gte=F("created_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Revoking is final: a revoked token never authenticates again."""
        return self.revoked_at is None

    def clean(self) -> None:
        if self.revoked_at and self.created_at and self.revoked_at < self.created_at:
            raise ValidationError({"revoked_at": _("A token cannot be revoked before it exists.")})


# --- idempotency keys -------------------------------------------------------------------------

# What a client may send as an ``Idempotency-Key``: 1 to 255 visible ASCII characters (a UUID
# is the usual choice). The same rule is the service's check and a CHECK on the column.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
IDEMPOTENCY_KEY_PATTERN = rf"^[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$"
IDEMPOTENT_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` a user sent, with the response its request got.

    The row is inserted *before* the request's write, in the same transaction (the unique key
    then makes a concurrent duplicate wait for the first request and find its answer) and is
    completed with the response once the write succeeded. Only successful (2xx) responses are
    ever stored: an error rolls the whole request back, this row included. See
    ``accounts.idempotency`` for the behaviour and ``purge_idempotency_keys`` for expiry.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="idempotency_records",
    )
    key = models.CharField(_("key"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    method = models.CharField(_("method"), max_length=8)
    path = models.TextField(_("path"))
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        help_text=_("SHA-256 of the method, path and canonical JSON body."),
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_location = models.TextField(_("response Location header"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencyrecord_unique_key"),
            models.CheckConstraint(
                name="idempotencyrecord_key_format",
                condition=Q(key__regex=IDEMPOTENCY_KEY_PATTERN),
            ),
            models.CheckConstraint(
                name="idempotencyrecord_method_unsafe",
                condition=Q(method__in=IDEMPOTENT_METHODS),
            ),
            models.CheckConstraint(
                name="idempotencyrecord_path_absolute", condition=Q(path__startswith="/")
            ),
            models.CheckConstraint(
                name="idempotencyrecord_fingerprint_sha256_hex",
                condition=Q(fingerprint__regex=SHA256_HEX_PATTERN),
            ),
            # Either still running (nothing stored yet) or finished with a success stored.
            models.CheckConstraint(
                name="idempotencyrecord_complete_success",
                condition=Q(
                    response_status__isnull=True,
                    completed_at__isnull=True,
                    response_body="",
                    response_location="",
                )
                | Q(
                    response_status__gte=200,
                    response_status__lte=299,
                    completed_at__isnull=False,
                    completed_at__gte=F("created_at"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} ({self.key})"

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None
