"""How the site fails: briefly and honestly, with an answer a client can act on.

* **The database is unreachable** (PostgreSQL restarting, a failover, a connection cut): every
  page and API call answers ``503 Service Unavailable`` with ``Retry-After`` instead of a 500.
  Requests run in one transaction each (``ATOMIC_REQUESTS``), so a request cut off by the outage
  wrote nothing; the 503 tells the client that retrying is safe and when. Workers reconnect on
  their own once the database is back (``CONN_HEALTH_CHECKS``).
* **A body is too big**: refused with ``413 Content Too Large`` from its ``Content-Length``
  before a byte of it is read. Django limits form fields itself but not file uploads, and DRF's
  JSON parser reads the whole stream whatever its size; this middleware bounds both.

``handler500`` is the hook for the first: Django calls it from inside the ``except`` block that
caught the exception, whether the view, the transaction that wraps it or a middleware raised it,
so ``sys.exc_info()`` tells which failure it was.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

#: Seconds a client should wait before retrying after a 503 (a PostgreSQL restart takes a few).
RETRY_AFTER_SECONDS = 5

# SQLite reports a schema mistake (a missing migration) as OperationalError too; that is a bug to
# see as a 500, not an outage to wait out.
_SCHEMA_ERRORS = ("no such table", "no such column", "has no column")


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means "the database cannot be reached or is going away" rather than
    "this query is wrong": connection refused or lost, server shutting down, a lock wait or
    statement that timed out."""
    if isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError):
        message = str(error).lower()
        return not any(marker in message for marker in _SCHEMA_ERRORS)
    return False


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON in the API's error shape, a short page elsewhere. Built
    without touching the database (no context processors, no session)."""
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {
                "detail": _(
                    "The database is briefly unavailable; nothing was saved. "
                    "Retry after %(seconds)d seconds."
                )
                % {"seconds": RETRY_AFTER_SECONDS}
            },
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    else:
        body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 for an unreachable database, Django's plain 500 page otherwise."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        logger.warning(
            "Database unavailable, answered 503 to %s %s: %s",
            request.method,
            request.path,
            str(error).strip()[:300],
        )
        response = unavailable_response(request)
        # This warning says it all; django.request would add a traceback per request at ERROR,
        # hundreds of them during a restart.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
    if wants_json(request):
        return JsonResponse(
            {"detail": _("Server error. It has been logged.")},
            status=HTTPStatus.INTERNAL_SERVER_ERROR,
        )
    return HttpResponseServerError(loader.get_template("500.html").render())


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """413 for a request whose declared body exceeds the limit, before anything reads it.

    ``MAX_REQUEST_BODY_SIZE`` bounds every body; ``MAX_UPLOAD_BODY_SIZE`` is the larger bound for
    ``multipart/form-data`` (the admin's spreadsheet imports). A body without ``Content-Length``
    (chunked) is not read by Django at all. Sits inside the header middleware so the 413 carries
    the same security headers as any page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = _content_length(request)
        if size:
            multipart = request.content_type == "multipart/form-data"
            limit = settings.MAX_UPLOAD_BODY_SIZE if multipart else settings.MAX_REQUEST_BODY_SIZE
            if size > limit:
                return self.too_large(request, size, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest, size: int, limit: int) -> HttpResponse:
        logger.warning("Refused a %d-byte body (limit %d) for %s", size, limit, request.path)
        message = _("The request body is too large: %(size)d bytes, at most %(limit)d allowed.") % {
            "size": size,
            "limit": limit,
        }
        if wants_json(request):
            response: HttpResponse = JsonResponse(
                {"detail": message}, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE
            )
        else:
            response = HttpResponse(
                message,
                status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                content_type="text/plain; charset=utf-8",
            )
        return response
