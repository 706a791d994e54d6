"""Reads of safe requests go to a read replica; everything else stays on the primary.

Installed by settings only when DATABASE_REPLICA_URL is set (see base.py and the README's
"Scaling out"). The rules:

- ``ReplicaMiddleware`` marks a GET, HEAD or OPTIONS request as replica-safe for the time it
  runs. Only then does ``ReplicaRouter`` send reads to the ``replica`` alias. Writes, unsafe
  requests, management commands, tests and anything else outside a request use ``default``.
- Read-your-writes: the response to an unsafe request (POST, PUT, PATCH, DELETE) sets a short
  cookie, and while the client still sends it, its reads go to the primary too. So the page after
  a POST-redirect-GET shows what was just saved although the replica may lag. The method counts,
  not whether a row was written: a refused form pins as well, which costs only primary reads.
- A replica that cannot be reached is skipped: the request reads from the primary and the
  replica is not tried again in this process for ``REPLICA_RETRY_SECONDS``. A replica that
  fails in the middle of a request fails that request; the connection health check at the start
  of the next one notices and falls back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "citydiplo_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# After a failed connection the replica is left alone this long (per worker process), so an
# outage costs one connection attempt per interval instead of one per request.
REPLICA_RETRY_SECONDS = 10.0

logger = logging.getLogger(__name__)

_reads_from_replica: ContextVar[bool] = ContextVar("citydiplo_reads_from_replica", default=False)
_replica_down_until = 0.0


class ReplicaRouter:
    """Routes reads to ``replica`` only while ``ReplicaMiddleware`` allows it."""

    def db_for_read(self, model: type, **hints: object) -> str:
        return REPLICA if _reads_from_replica.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool | None:
        # The replica is a copy of the primary: a row read from one may point at a row of the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:  # type: ignore[attr-defined]
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        # The replica gets its schema from the primary by replication, never from migrate.
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides per request where reads go, and pins a client to the primary after it writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        use_replica = safe and PIN_COOKIE not in request.COOKIES and _replica_reachable()
        _reads_from_replica.set(use_replica)
        response = None
        try:
            response = self.get_response(request)
        finally:
            # A streamed body (CSV) is read after this returns, so its queries keep the request's
            # choice until request_finished; anything else is done now.
            if response is None or not response.streaming:
                _reads_from_replica.set(False)
        if not safe:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _replica_reachable() -> bool:
    """Connect to the replica (or health-check the kept connection); False if that fails."""
    global _replica_down_until
    if REPLICA not in connections.settings or time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning(
            "Read replica unreachable, reading from the primary for %ss: %s",
            REPLICA_RETRY_SECONDS,
            str(error).strip(),
        )
        return False
    return True


def _reads_back_to_primary(**kwargs: object) -> None:
    _reads_from_replica.set(False)


request_finished.connect(_reads_back_to_primary, dispatch_uid="citydiplo.db_router")
