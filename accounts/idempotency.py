"""``Idempotency-Key`` for the API's POSTs: a retried request takes effect once.

Follows the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-
key-header-06):

* The client sends ``Idempotency-Key: <key>`` (1 to 255 visible ASCII characters, e.g. a UUID;
  the draft's quoted Structured Field form ``"<key>"`` is accepted too). Anything else: 400,
  naming ``Idempotency-Key``. Without the header a POST behaves as it always did.
* Keys belong to the user the request acts for: two users may use the same key independently.
* The first request with a key runs normally. Its key is recorded *before* the write, in the
  request's own transaction (``ATOMIC_REQUESTS``), and its response is stored in that same
  transaction: the write and the stored answer commit together or not at all.
* A retry with the same key, method, path and JSON body (compared by a SHA-256 fingerprint of the
  canonical JSON) gets the stored status, body and ``Location`` again, byte for byte, with
  ``Idempotent-Replayed: true``; nothing is written again.
* The same key with another body, path or method: 422, and nothing happens.
* Two requests with one key at the same moment: the second one's INSERT waits on the unique
  constraint until the first has finished, then replays its answer (or, if the first failed,
  runs itself). A key found still without an answer (only possible without ``ATOMIC_REQUESTS``)
  is 409 "in progress".
* Only successful (2xx) responses are stored. An error response (400, 403, 404, 409...) rolls
  the request back, the key's record included, so the key stays unused: a client that fixes its
  body after a 400 retries with the same key and the corrected request runs. The draft leaves
  this to the server; storing only successes means a replay never hides a state that has since
  changed (a 403 that a new staff assignment would lift, a 409 from a race) and that no key is
  spent on a request that did nothing.
* Records expire after 24 hours (``IDEMPOTENCY_KEY_TTL``): an older record is deleted when its
  key comes back and is otherwise purged by ``manage.py purge_idempotency_keys`` (run it daily).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from accounts.models import IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN, IdempotencyRecord

if TYPE_CHECKING:  # rest_framework.request is loaded by the views that use this module
    from rest_framework.request import Request

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_TTL = dt.timedelta(hours=24)
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_QUOTED_ESCAPE = re.compile(r"\\([\\\"])")


class IdempotencyKeyInvalid(exceptions.ValidationError):
    """The header was sent but is not a usable key: 400, naming the header."""

    default_detail = _("Invalid Idempotency-Key header.")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was already used for a different request (another body, path or "
        "method). Send a new key with each new request; retry only with the same request."
    )
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "A request with this Idempotency-Key is still in progress. Retry once it has finished."
    )
    default_code = "idempotency_key_in_progress"


def parse_key(raw: str) -> str:
    """The key in a header value, or ``IdempotencyKeyInvalid``."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':  # the draft's sf-string form
        value = _QUOTED_ESCAPE.sub(r"\1", value[1:-1])
    if not _KEY.match(value):
        raise IdempotencyKeyInvalid(
            {
                HEADER: [
                    _(
                        "Send 1 to %(max)d visible ASCII characters (no spaces), e.g. a UUID, "
                        "new for each new request."
                    )
                    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    return value


def fingerprint(*, method: str, path: str, data: Any) -> str:
    """SHA-256 of the method, path and body as canonical JSON (sorted keys, no spaces), so a
    retry that serialises the same body differently is still the same request."""
    body = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def expiry_threshold(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - IDEMPOTENCY_KEY_TTL


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than the TTL; returns how many went."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=expiry_threshold(now)
    ).delete()
    return deleted


def replay(record: IdempotencyRecord) -> HttpResponse:
    """The stored answer, as first sent, marked as a replay."""
    response = HttpResponse(
        record.response_body, status=record.response_status, content_type="application/json"
    )
    if record.response_location:
        response["Location"] = record.response_location
    response[REPLAYED_HEADER] = "true"
    return response


def idempotency_begin(
    *, user: Any, key: str, method: str, path: str, fingerprint: str
) -> IdempotencyRecord | HttpResponse:
    """Claim ``key`` for this request (a new record to complete) or answer it from the record of
    an earlier one (a replay). Must run inside the request's transaction."""
    using = router.db_for_write(IdempotencyRecord)
    if not transaction.get_connection(using).in_atomic_block:
        raise ImproperlyConfigured(
            "Idempotency keys need the request's transaction (ATOMIC_REQUESTS = True): the key, "
            "the write and the stored response must commit together."
        )
    # An expired record frees its key (lazy expiry; the command purges the rest).
    IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=expiry_threshold()).delete()
    record = IdempotencyRecord(
        user=user, key=key, method=method, path=path, fingerprint=fingerprint
    )
    try:
        # On PostgreSQL a concurrent request holding the same key makes this INSERT wait until
        # that request's transaction ends: then it fails (the key is taken) or goes through.
        with transaction.atomic(using=using):
            record.save(force_insert=True, using=using)
    except IntegrityError:
        earlier = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if earlier is None or not earlier.is_complete:
            raise IdempotencyKeyInProgress from None
        if earlier.fingerprint != fingerprint:
            raise IdempotencyKeyReused from None
        return replay(earlier)
    return record


def idempotency_complete(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    """Store a successful response on its record; any other answer frees the key.

    The response is rendered here, inside the transaction, so what is stored is exactly the
    body the client receives.
    """
    using = record._state.db or router.db_for_write(IdempotencyRecord)
    if transaction.get_rollback(using=using):
        return  # the request failed: its transaction, the record's INSERT included, is undone
    if not 200 <= response.status_code < 300:
        IdempotencyRecord.objects.using(using).filter(pk=record.pk).delete()
        return
    if hasattr(response, "render"):
        response.render()
    record.response_status = response.status_code
    record.response_body = response.content.decode(response.charset or "utf-8")
    record.response_location = response.get("Location", "")
    record.completed_at = max(timezone.now(), record.created_at)
    record.save(
        using=using,
        update_fields=["response_status", "response_body", "response_location", "completed_at"],
    )


class IdempotentPostMixin:
    """For a DRF view: honour ``Idempotency-Key`` on POST.

    Runs after authentication, permissions, throttles and the view's own ``initial`` checks, so
    an anonymous or forbidden request never claims a key. A request acting for no user (the
    view allowed an anonymous POST) has no one to keep keys for and ignores the header.
    """

    idempotent_methods: tuple[str, ...] = ("POST",)
    # What the OpenAPI schema says about the header (networks.api_schema reads these).
    idempotency_header = HEADER
    idempotency_key_schema = {
        "type": "string",
        "minLength": 1,
        "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
        "pattern": IDEMPOTENCY_KEY_PATTERN,
    }
    idempotency_description = (
        "Optional: a key of your choosing (1 to 255 visible ASCII characters, e.g. a UUID), new "
        "for each new request. A retry with the same key and the same body is answered with the "
        "stored response (Idempotent-Replayed: true) and has no further effect; the same key "
        "with another body is 422. Only successful responses are kept, for 24 hours, per user; "
        "after an error the key is still unused."
    )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._idempotency_record: IdempotencyRecord | None = None
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        raw = request.headers.get(HEADER)
        if raw is None or request.method not in self.idempotent_methods:
            return
        key = parse_key(raw)
        if not (request.user and request.user.is_authenticated):
            return
        outcome = idempotency_begin(
            user=request.user,
            key=key,
            method=request.method,
            path=request.path,
            fingerprint=fingerprint(method=request.method, path=request.path, data=request.data),
        )
        if isinstance(outcome, IdempotencyRecord):
            self._idempotency_record = outcome
        else:  # answer with the stored response instead of running the handler again
            setattr(self, request.method.lower(), lambda *args, **kwargs: outcome)

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        record = getattr(self, "_idempotency_record", None)
        if record is not None:
            self._idempotency_record = None
            idempotency_complete(record, response)
        return response
