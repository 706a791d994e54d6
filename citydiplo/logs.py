"""One JSON object per log line, for log collectors (LOG_FORMAT=json, the default in production).

Standard library only: gunicorn.conf.py uses it for gunicorn's own log before Django is loaded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)
_PLAIN = (str, int, float, bool, type(None))


def iso_utc(timestamp: float) -> str:
    """``2026-11-22T09:15:02.123Z``."""
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """Time (ISO 8601, UTC), level, logger, message, the traceback when there is one, and the
    record's plain ``extra`` fields. Of django.request's ``request`` only the method and path are
    kept: the request object would bring headers, cookies and the Authorization header along.
    Non-ASCII is escaped, so a record is one line by every definition of a line break.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_") or key in entry:
                continue
            if key == "request":
                entry.update(_request_fields(value))
            elif isinstance(value, _PLAIN):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _request_fields(request: object) -> dict[str, str]:
    # django.request passes an HttpRequest; django.server passes a socket, which has no path.
    method, path = getattr(request, "method", None), getattr(request, "path", None)
    if isinstance(method, str) and isinstance(path, str):
        return {"method": method, "path": path}
    return {}
