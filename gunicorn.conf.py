"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py citydiplo.wsgi``.

Every value can be changed through the environment named beside it; see the README's "Running in
production". Logs: one JSON object per line (LOG_FORMAT=json, the default), requests on stdout,
gunicorn's own messages and the application's on stderr.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from gunicorn.glogging import Logger

# citydiplo.logs is plain standard library, importable before Django is set up.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from citydiplo.logs import JsonFormatter, iso_utc


def _cpus() -> int:
    # The CPUs this process may run on (a container's cpuset), not every CPU of the host. A CPU
    # quota (docker run --cpus) is not visible here: set WEB_CONCURRENCY then.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers, one request each at a time: the app is plain synchronous Django. A worker spends
# part of each request waiting for PostgreSQL, so about two per CPU keep the CPUs busy, and the +1
# covers a worker that is restarting or stuck on a slow client. More than that adds memory and
# contention, not throughput, the more so when PostgreSQL runs on the same machine and needs the
# CPUs too. It is a starting point: bench/README.md has what one machine measured.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cpus() + 1)

# A request taking longer than this is killed (its worker restarted); the client gets a 502 from
# the proxy. Every page runs a fixed, small number of queries, so 30 s means something is wrong.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (docker stop, a deploy) workers finish the requests in flight for this long; the
# container's stop timeout must be longer (compose.yaml: 30 s; docker's default is 10 s).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Sync workers close each connection after its response (they are meant to sit behind a proxy
# that keeps the client connections), so this only matters if worker_class changes.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# A worker is replaced after about this many requests, so slow growth (caches, fragmentation)
# cannot pile up; the jitter keeps the workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Workers signal they are alive by touching a file; on a disk that can block (docker's overlay
# filesystem). /dev/shm is memory.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Proxies whose X-Forwarded-Proto gunicorn believes (comma-separated addresses or networks, "*"
# for any). Django decides https by SECURE_PROXY_SSL_HEADER itself; this sets wsgi.url_scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn >= 25.1 opens a control socket under $HOME by default; the image's user has no home,
# and nothing here uses gunicornc.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")


class JsonLogger(Logger):
    """gunicorn's logger with JSON lines: one object per request on stdout, and gunicorn's own
    messages through citydiplo's JsonFormatter on stderr. No request headers are logged, so no
    Authorization header and no cookie can reach the log."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp: object, req: object, environ: dict, request_time: object) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status  # type: ignore[attr-defined]
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        entry = {
            "time": iso_utc(time.time()),
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),  # type: ignore[attr-defined]
            "remote_addr": environ.get("REMOTE_ADDR"),
        }
        try:
            self.access_log.info(json.dumps(entry))
        except Exception:
            self.exception("Could not write the access log line")


if LOG_FORMAT == "json":
    logger_class = JsonLogger
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
