"""Production serving: gunicorn and its logs, /healthz, static caching, prod settings, the read
replica router, and the container files. Servers run for real in subprocesses."""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import re
import runpy
import secrets
import shlex
import signal
import socket
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import environ
import pytest
import yaml
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from citydiplo import db_router
from citydiplo.logs import JsonFormatter
from tests.helpers import pg_admin, pg_connect, pg_url

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "citydiplo.example.org"
# What check --deploy calls a strong key: 50 random characters, not Django's insecure prefix.
SECRET_KEY = "".join(
    secrets.choice(string.ascii_letters + string.digits + "!#%+-_") for _ in range(50)
)
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "citydiplo.settings.prod",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": HOST,
}
# Variables of the outer environment that would change what a subprocess configures.
OWN_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REPLICA_PIN_SECONDS",
    "CACHE_URL",
    "CONN_MAX_AGE",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "STATIC_ROOT",
    "WEB_CONCURRENCY",
    "FORWARDED_ALLOW_IPS",
    "SECURE_SSL_REDIRECT",
}
REDIS_URL = "redis://127.0.0.1:6379/1"


def subprocess_env(**values: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in OWN_VARIABLES and not k.startswith("GUNICORN_")
    }
    return {**clean, **values}


def run(args: list[str], env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_postgres_url() -> str:
    """A PostgreSQL URL on a port where nothing listens."""
    return f"postgres://postgres@127.0.0.1:{free_port()}/nothing"


def fetch(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def json_lines(path: Path) -> list[dict]:
    """Every line of a log file parsed as JSON (fails on a line that is not)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# --- structured logs ---------------------------------------------------------------------------


def log_through_json_formatter(logger_name: str, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_log_record_with_a_traceback_is_one_json_line() -> None:
    def emit(logger: logging.Logger) -> None:
        try:
            {}["missing"]
        except KeyError:
            logger.exception("Import of %s failed\nsecond line", "Köln", extra={"rows": 3})

    output = log_through_json_formatter("citydiplo.test", emit)
    assert output.count("\n") == 1  # one record, one line: the newlines are escaped
    entry = json.loads(output)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "citydiplo.test"
    assert entry["message"] == "Import of Köln failed\nsecond line"
    assert entry["rows"] == 3
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert "KeyError: 'missing'" in entry["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])


def test_django_request_records_keep_method_path_and_status_but_no_headers() -> None:
    request = RequestFactory().get(
        "/cities/?country=DE",
        HTTP_AUTHORIZATION="Token secret-partner-key",
        HTTP_COOKIE="sessionid=secret-session",
    )

    def emit(logger: logging.Logger) -> None:
        log_response(
            "Not Found: %s", request.path, response=HttpResponse(status=404), request=request
        )

    output = log_through_json_formatter("django.request", emit)
    entry = json.loads(output)
    assert entry["status_code"] == 404
    assert entry["method"] == "GET"
    assert entry["path"] == "/cities/"
    assert "request" not in entry
    assert "secret" not in output


@pytest.mark.parametrize(("log_format", "is_json"), [(None, True), ("json", True), ("text", False)])
def test_prod_logs_json_lines_unless_told_otherwise(log_format: str | None, is_json: bool) -> None:
    code = (
        "import logging, django; django.setup(); "
        "logging.getLogger('citydiplo.probe').warning('probe %s', 42)"
    )
    env = subprocess_env(**PROD_ENV, **({"LOG_FORMAT": log_format} if log_format else {}))
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    if is_json:
        assert json.loads(line) | {"time": None} == {
            "time": None,
            "level": "WARNING",
            "logger": "citydiplo.probe",
            "message": "probe 42",
        }
    else:
        assert line == "WARNING citydiplo.probe: probe 42"


def test_an_unknown_log_format_stops_the_start() -> None:
    result = manage("check", env=subprocess_env(**PROD_ENV, LOG_FORMAT="xml"))
    assert result.returncode != 0
    assert "LOG_FORMAT must be one of text, json" in result.stderr


# --- gunicorn configuration ----------------------------------------------------------------------


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(monkeypatch)
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["worker_class"] == "sync"
    assert config["bind"] == "0.0.0.0:8000"
    assert config["timeout"] == 30
    assert 0 < config["graceful_timeout"] < 30  # inside compose's stop_grace_period
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["accesslog"] == "-"
    assert config["errorlog"] == "-"
    assert config["logger_class"].__name__ == "JsonLogger"
    if Path("/dev/shm").is_dir():
        assert config["worker_tmp_dir"] == "/dev/shm"


def test_gunicorn_config_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = gunicorn_config(
        monkeypatch,
        WEB_CONCURRENCY="7",
        GUNICORN_BIND="127.0.0.1:9001",
        GUNICORN_TIMEOUT="45",
        LOG_FORMAT="text",
    )
    assert (config["workers"], config["bind"], config["timeout"]) == (7, "127.0.0.1:9001", 45)
    assert "logger_class" not in config
    assert "%(s)s" in config["access_log_format"]


# --- gunicorn serving for real ---------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    stdout: Path
    stderr: Path
    env: dict[str, str]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)


def start_gunicorn(tmp: Path, **env: str) -> Server:
    port = free_port()
    full_env = subprocess_env(
        **PROD_ENV, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", **env
    )
    stdout, stderr = tmp / f"gunicorn-{port}.out", tmp / f"gunicorn-{port}.err"
    process = subprocess.Popen(
        # the exact command of the Dockerfile's CMD
        [sys.executable, "-m", "gunicorn", "citydiplo.wsgi", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=full_env,
        stdout=stdout.open("w"),
        stderr=stderr.open("w"),
    )
    server = Server(process, port, stdout, stderr, full_env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, stderr.read_text()
        try:
            fetch(port, "/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise AssertionError(f"gunicorn did not answer: {stderr.read_text()}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What the image build and first start leave: collected static files, a migrated database."""
    tmp = tmp_path_factory.mktemp("production")
    env = {"STATIC_ROOT": str(tmp / "static"), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"}
    for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"]):
        result = manage(*command, env=subprocess_env(**PROD_ENV, **env))
        assert result.returncode == 0, result.stderr
    return {**env, "TMP": str(tmp)}


@pytest.fixture(scope="module")
def server(built: dict[str, str]) -> Iterator[Server]:
    running = start_gunicorn(
        Path(built["TMP"]), STATIC_ROOT=built["STATIC_ROOT"], DATABASE_URL=built["DATABASE_URL"]
    )
    yield running
    running.stop()


def wait_for_log(path: Path, needle: str) -> str:
    deadline = time.monotonic() + 10
    while needle not in (text := path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


def test_gunicorn_serves_healthz_and_logs_each_request_as_one_json_line(server: Server) -> None:
    status, headers, body = fetch(
        server.port,
        "/healthz?probe=1",
        Authorization="Token secret-partner-key",
        Cookie="sessionid=secret-session-cookie",
    )
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["Cache-Control"] == "no-store"

    wait_for_log(server.stdout, '"query": "probe=1"')  # not the start-up probe's line
    access = [e for e in json_lines(server.stdout) if e.get("query") == "probe=1"]
    assert len(access) == 1
    entry = access[0]
    assert entry["logger"] == "gunicorn.access"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert entry["bytes"] == len(body)
    assert isinstance(entry["duration_ms"], float)
    assert entry["duration_ms"] >= 0
    assert entry["remote_addr"] == "127.0.0.1"
    # gunicorn's own messages are JSON lines on stderr
    assert any(e["message"].startswith("Booting worker") for e in json_lines(server.stderr))
    for log in (server.stdout, server.stderr):
        assert "secret" not in log.read_text()


def test_django_logs_reach_stderr_as_json(server: Server) -> None:
    status, _, _ = fetch(server.port, "/no-such-page/", **{"X-Forwarded-Proto": "https"})
    assert status == 404
    wait_for_log(server.stderr, "/no-such-page/")
    (entry,) = [e for e in json_lines(server.stderr) if e.get("path") == "/no-such-page/"]
    assert entry["logger"] == "django.request"
    assert (entry["level"], entry["status_code"]) == ("WARNING", 404)


def test_hashed_static_files_are_cached_for_years_and_others_briefly(
    server: Server, built: dict[str, str]
) -> None:
    manifest = json.loads((Path(built["STATIC_ROOT"]) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    https = {"X-Forwarded-Proto": "https"}

    status, headers, body = fetch(server.port, f"/static/{hashed}", **https)
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert body == (ROOT / "static" / "css" / "site.css").read_bytes()

    status, headers, _ = fetch(
        server.port, f"/static/{hashed}", **https, **{"Accept-Encoding": "gzip"}
    )
    assert (status, headers["Content-Encoding"]) == (200, "gzip")

    # the unhashed name can change content under the same URL: no long caching
    status, headers, _ = fetch(server.port, "/static/css/site.css", **https)
    assert status == 200
    assert "immutable" not in headers["Cache-Control"]


def dockerfile_healthcheck() -> list[str]:
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*? CMD (.+)$", dockerfile, flags=re.MULTILINE)
    assert match, "no HEALTHCHECK in the Dockerfile"
    return shlex.split(match.group(1))  # shell form: what /bin/sh -c would run


def test_the_image_healthcheck_passes_against_a_healthy_server(server: Server) -> None:
    command = dockerfile_healthcheck()
    assert command[0] == "python"
    result = run([sys.executable, *command[1:]], server.env, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_and_is_never_cached(client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_the_database_is_down(
    built: dict[str, str], tmp_path: Path
) -> None:
    down = start_gunicorn(
        tmp_path, STATIC_ROOT=built["STATIC_ROOT"], DATABASE_URL=dead_postgres_url()
    )
    try:
        status, headers, body = fetch(down.port, "/healthz")
        assert status == 503
        assert json.loads(body)["status"] == "unavailable"
        assert int(headers["Retry-After"]) > 0
        assert headers["Cache-Control"] == "no-store"
        # the image's health check reports it
        assert run([sys.executable, *dockerfile_healthcheck()[1:]], down.env).returncode == 1
        # and every other request is a 503 with the same hint, never a 500: pages, the API, a
        # write (which saved nothing, so retrying it is safe)
        for method, path, accept in (
            ("GET", "/", "text/html"),
            ("GET", "/pledges/?country=DE", "text/html"),
            ("GET", "/api/v1/pledges/", "application/json"),
            ("POST", "/api/v1/pledges/", "application/json"),
        ):
            conn = http.client.HTTPConnection("127.0.0.1", down.port, timeout=20)
            conn.request(
                method,
                path,
                body=b"{}" if method == "POST" else None,
                headers={"Host": HOST, "Accept": accept, "X-Forwarded-Proto": "https"},
            )
            answer = conn.getresponse()
            body = answer.read()
            conn.close()
            assert answer.status == 503, (method, path, body[:300])
            assert int(answer.getheader("Retry-After")) > 0
            assert answer.getheader("Cache-Control") == "no-store"
            if path.startswith("/api/"):
                assert "Retry after" in json.loads(body)["detail"]
            else:
                assert b"briefly unavailable" in body
        started = time.monotonic()
    finally:
        returncode = down.stop()
    # SIGTERM is a clean, prompt shutdown
    assert returncode == 0
    assert time.monotonic() - started < 15
    assert any(e["message"] == "Shutting down: Master" for e in json_lines(down.stderr))


# --- production settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("replica", [False, True])
def test_the_deployment_check_finds_nothing(replica: bool) -> None:
    env = subprocess_env(
        **{**PROD_ENV, "ALLOWED_HOSTS": f"{HOST},www.{HOST}"},
        DATABASE_URL="postgres://citydiplo:pw@db.internal:5432/citydiplo",
        CACHE_URL=REDIS_URL,
        **(
            {"DATABASE_REPLICA_URL": "postgres://citydiplo:pw@replica.internal/citydiplo"}
            if replica
            else {}
        ),
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues (2 silenced)." in output


def prod_settings(**env: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'DATABASES': settings.DATABASES, 'CACHES': settings.CACHES, "
        "'MIDDLEWARE': settings.MIDDLEWARE, 'DATABASE_ROUTERS': settings.DATABASE_ROUTERS}, "
        "default=str))"
    )
    result = run([sys.executable, "-c", code], subprocess_env(**PROD_ENV, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_prod_keeps_database_connections_and_checks_them() -> None:
    settings = prod_settings(
        DATABASE_URL="postgres://citydiplo@db.internal/citydiplo",
        DATABASE_REPLICA_URL="postgres://citydiplo@replica.internal/citydiplo",
        CONN_MAX_AGE="120",
    )
    for alias in ("default", "replica"):
        assert settings["DATABASES"][alias]["CONN_MAX_AGE"] == 120
        assert settings["DATABASES"][alias]["CONN_HEALTH_CHECKS"] is True
    assert settings["DATABASES"]["default"]["ATOMIC_REQUESTS"] is True
    assert settings["DATABASES"]["replica"]["ATOMIC_REQUESTS"] is False
    assert settings["DATABASES"]["replica"]["OPTIONS"]["connect_timeout"] == 3
    assert settings["DATABASE_ROUTERS"] == ["citydiplo.db_router.ReplicaRouter"]
    middleware = settings["MIDDLEWARE"]
    # static files are answered before the router's middleware, sessions read after it
    assert (
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
        < middleware.index("citydiplo.db_router.ReplicaMiddleware")
        < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    )


def test_without_a_replica_url_there_is_no_router() -> None:
    settings = prod_settings(DATABASE_URL="postgres://citydiplo@db.internal/citydiplo")
    assert list(settings["DATABASES"]) == ["default"]
    assert settings["DATABASE_ROUTERS"] == []
    assert "citydiplo.db_router.ReplicaMiddleware" not in settings["MIDDLEWARE"]


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_cache_url_redis_gives_one_cache_shared_by_processes() -> None:
    if not redis_is_up():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    config = environ.Env.cache_url_config(REDIS_URL)
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    from django.core.cache.backends.redis import RedisCache

    here = RedisCache(config["LOCATION"], {})
    key = f"citydiplo-test-{secrets.token_hex(8)}"
    here.set(key, 41, timeout=60)
    try:
        # another process, configured only by CACHE_URL under prod settings, sees and counts on
        code = (
            "import django; django.setup(); from django.core.cache import cache; "
            f"print(cache.get({key!r}), cache.incr({key!r}))"
        )
        result = run([sys.executable, "-c", code], subprocess_env(**PROD_ENV, CACHE_URL=REDIS_URL))
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["41", "42"]
        assert here.get(key) == 42
    finally:
        here.delete(key)


# --- the read replica router ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _reads_back_on_the_primary() -> Iterator[None]:
    """A failing router test must not leave this thread reading from the replica."""
    yield
    db_router._reads_from_replica.set(False)


def test_router_reads_from_the_primary_outside_requests() -> None:
    router = db_router.ReplicaRouter()
    assert router.db_for_read(object) == "default"
    assert router.db_for_write(object) == "default"


def test_router_migrates_only_the_primary_and_relates_both_aliases() -> None:
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "networks") is True
    assert router.allow_migrate("replica", "networks") is False

    class Row:
        def __init__(self, db: str) -> None:
            self._state = type("State", (), {"db": db})()

    assert router.allow_relation(Row("default"), Row("replica")) is True
    assert router.allow_relation(Row("replica"), Row("other")) is None


def run_middleware(
    request, monkeypatch: pytest.MonkeyPatch, reachable: bool = True
) -> tuple[HttpResponse, list[str]]:
    """The middleware around a view that notes where a read would go."""
    monkeypatch.setattr(db_router, "_replica_reachable", lambda: reachable)
    router, seen = db_router.ReplicaRouter(), []

    def view(request) -> HttpResponse:
        seen.append(router.db_for_read(object))
        return HttpResponse("ok")

    response = db_router.ReplicaMiddleware(view)(request)
    seen.append(router.db_for_read(object))  # after the response
    return response, seen


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_safe_requests_read_from_the_replica_and_set_no_pin(method, monkeypatch) -> None:
    response, seen = run_middleware(getattr(RequestFactory(), method)("/cities/"), monkeypatch)
    assert seen == ["replica", "default"]
    assert db_router.PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_requests_read_from_the_primary_and_pin_the_client(
    method, monkeypatch, settings
) -> None:
    settings.REPLICA_PIN_SECONDS = 7
    response, seen = run_middleware(getattr(RequestFactory(), method)("/pledges/new/"), monkeypatch)
    assert seen == ["default", "default"]
    cookie = response.cookies[db_router.PIN_COOKIE]
    assert cookie["max-age"] == 7
    assert cookie["httponly"] is True


def test_a_pinned_client_reads_from_the_primary(monkeypatch) -> None:
    request = RequestFactory().get("/pledges/12/", HTTP_COOKIE=f"{db_router.PIN_COOKIE}=1")
    assert run_middleware(request, monkeypatch)[1] == ["default", "default"]


def test_an_unreachable_replica_is_skipped(monkeypatch) -> None:
    request = RequestFactory().get("/cities/")
    assert run_middleware(request, monkeypatch, reachable=False)[1] == ["default", "default"]


def test_a_streamed_body_reads_where_its_request_did(monkeypatch) -> None:
    monkeypatch.setattr(db_router, "_replica_reachable", lambda: True)
    router = db_router.ReplicaRouter()

    def rows():
        yield router.db_for_read(object)

    response = db_router.ReplicaMiddleware(lambda request: StreamingHttpResponse(rows()))(
        RequestFactory().get("/cities.csv")
    )
    assert b"".join(response) == b"replica"  # the CSV is written after the middleware returned
    # the server closes the response (without closing this test's database connection)
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    assert router.db_for_read(object) == "default"


def test_a_replica_that_is_down_costs_one_attempt_and_no_errors(built: dict[str, str]) -> None:
    code = (
        "import django, time; django.setup(); from django.test import Client; c = Client(); "
        "print(*[c.get('/cities/').status_code for _ in range(3)])"
    )
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="citydiplo.settings.test",
        DATABASE_URL=built["DATABASE_URL"],
        DATABASE_REPLICA_URL=dead_postgres_url(),
    )
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "200"]
    # one failed connection, then the replica is left alone for a while
    assert result.stderr.count("Read replica unreachable") == 1


# --- the router on PostgreSQL: a primary and a replica --------------------------------------------

PASSWORD = "router-test-password-4711"


@dataclass
class Pair:
    """Database names, and which tables each had right after migrate."""

    primary: str
    replica: str
    primary_tables_after_migrate: list[str]
    replica_tables_after_migrate: list[str]


def pg_rows(dbname: str, sql: str) -> list[tuple]:
    db = pg_connect(dbname)
    try:
        with db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        db.close()


def public_tables(dbname: str) -> list[str]:
    return [
        r[0] for r in pg_rows(dbname, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]


def in_django(url: str, code: str, replica_url: str = "") -> str:
    env = subprocess_env(DJANGO_SETTINGS_MODULE="citydiplo.settings.test", DATABASE_URL=url)
    if replica_url:
        env["DATABASE_REPLICA_URL"] = replica_url
    result = run([sys.executable, "-c", "import django; django.setup()\n" + code], env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """Two databases standing for a primary and its streaming replica."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    primary, replica = (f"citydiplo_router_{role}_{os.getpid()}" for role in ("primary", "replica"))
    drop = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in (primary, replica)]
    pg_admin(*drop, f"CREATE DATABASE {primary}", f"CREATE DATABASE {replica}")
    try:
        # migrate as production would run it: with the replica configured
        result = manage(
            "migrate",
            "--noinput",
            env=subprocess_env(
                DJANGO_SETTINGS_MODULE="citydiplo.settings.test",
                DATABASE_URL=pg_url(primary),
                DATABASE_REPLICA_URL=pg_url(replica),
            ),
        )
        assert result.returncode == 0, result.stderr
        after_migrate = (public_tables(primary), public_tables(replica))
        # a user exists on both, as replication would have copied it
        in_django(
            pg_url(primary),
            "from accounts.models import User\n"
            f"User.objects.create_user('router-editor', password={PASSWORD!r})",
        )
        pg_admin(f"DROP DATABASE {replica}", f"CREATE DATABASE {replica} TEMPLATE {primary}")
        # then each gets a row the other lacks: the replica "lags" and "leads" at once
        for db, name in ((primary, "Primaria Marker"), (replica, "Replicaville Marker")):
            in_django(
                pg_url(db),
                "from networks.models import City\n"
                f"City.objects.create(name={name!r}, slug={name.lower().replace(' ', '-')!r}, country='DE')",
            )
        yield Pair(primary, replica, *after_migrate)
    finally:
        pg_admin(*drop)


@pytest.mark.postgres
def test_migrate_touches_only_the_primary(pair: Pair) -> None:
    assert "django_migrations" in pair.primary_tables_after_migrate
    assert pair.replica_tables_after_migrate == []


REQUESTS = f"""
import json
from django.test import Client
from citydiplo.db_router import PIN_COOKIE

def markers(response):
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    return [m for m in ("Primaria Marker", "Replicaville Marker") if m in text]

seen, client = {{}}, Client()
seen["page"] = markers(client.get("/cities/"))
seen["head"] = client.head("/cities/").status_code
api = client.get("/api/v1/cities/", {{"search": "Marker"}}).json()
seen["api"] = [row["name"] for row in api["results"]]
login = client.post("/accounts/login/", {{"username": "router-editor", "password": {PASSWORD!r}}})
seen["login"] = login.status_code
seen["pin_max_age"] = login.cookies[PIN_COOKIE]["max-age"] if PIN_COOKIE in login.cookies else None
seen["pinned_page"] = markers(client.get("/cities/"))
seen["pinned_account"] = client.get("/accounts/password_change/").status_code
del client.cookies[PIN_COOKIE]  # the pin has expired
seen["later_account"] = client.get("/accounts/password_change/").status_code
seen["later_page"] = markers(client.get("/cities/"))
print(json.dumps(seen))
"""


@pytest.mark.postgres
def test_safe_requests_read_the_replica_and_a_write_pins_the_client_to_the_primary(
    pair: Pair,
) -> None:
    output = in_django(pg_url(pair.primary), REQUESTS, replica_url=pg_url(pair.replica))
    seen = json.loads(output.strip().splitlines()[-1])
    # anonymous reads, pages and API alike, come from the replica
    assert seen["page"] == ["Replicaville Marker"]
    assert seen["head"] == 200
    assert seen["api"] == ["Replicaville Marker"]
    # the log-in (a POST) wrote its session to the primary and pinned the client there
    assert seen["login"] == 302
    assert seen["pin_max_age"] == 5
    assert pg_rows(pair.primary, "SELECT count(*) FROM django_session") == [(1,)]
    assert pg_rows(pair.replica, "SELECT count(*) FROM django_session") == [(0,)]
    last_login = "SELECT last_login IS NOT NULL FROM accounts_user WHERE username = 'router-editor'"
    assert pg_rows(pair.primary, last_login) == [(True,)]
    assert pg_rows(pair.replica, last_login) == [(False,)]
    # while pinned, the client sees the primary: the new session, the primary's rows
    assert seen["pinned_page"] == ["Primaria Marker"]
    assert seen["pinned_account"] == 200
    # once the pin expires it reads the replica again, which here never got the session
    assert seen["later_account"] == 302
    assert seen["later_page"] == ["Replicaville Marker"]


# --- the container files -------------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_web_after_healthy_db_and_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "redis", "web"}
    assert services["db"]["image"] == "postgres:15"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    assert services["redis"]["image"] == "redis:7"
    web = services["web"]
    assert web["build"] == "."
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    assert "healthcheck" not in web  # the image's HEALTHCHECK applies
    assert web["environment"]["CACHE_URL"].startswith("redis://redis:6379/")
    assert web["environment"]["DATABASE_URL"].startswith(
        "postgres://citydiplo:${POSTGRES_PASSWORD}@db:"
    )


def test_compose_commits_no_secret() -> None:
    web, db = compose()["services"]["web"], compose()["services"]["db"]
    assert web["environment"]["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert db["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    for service in (web, db):
        for name, value in service["environment"].items():
            if re.search("SECRET|PASSWORD|TOKEN", name):
                assert str(value).startswith("${"), name


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined), one list per stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    stages: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_dockerfile_builds_in_one_stage_and_runs_in_a_slim_one() -> None:
    preamble, build, runtime = dockerfile_stages()
    assert preamble == []
    # the same image twice: the virtualenv links to the interpreter it was made with
    assert build[0] == "FROM python:3.11-slim AS build"
    assert runtime[0] == "FROM python:3.11-slim AS runtime"
    assert any("build-essential" in line for line in build)
    assert not any(re.search(r"build-essential|gcc|\[dev\]", line) for line in runtime)
    # the one system package at run time: pg_dump/pg_restore for `manage.py backup`/`restore`,
    # without recommended extras, and no package lists left in the image
    installs = [line for line in runtime if "apt-get install" in line]
    assert len(installs) == 1
    assert re.search(
        r"apt-get install -y --no-install-recommends postgresql-client-15\s+&&", installs[0]
    )
    assert installs[0].endswith("rm -rf /var/lib/apt/lists/*")
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    # runs as a user with a uid, declares its port, stops gracefully, checks its health
    user = [line for line in runtime if line.startswith("USER ")]
    assert user == ["USER citydiplo"]
    assert runtime.index("USER citydiplo") < next(
        i for i, line in enumerate(runtime) if line.startswith("CMD ")
    )
    assert "EXPOSE 8000" in runtime
    assert "STOPSIGNAL SIGTERM" in runtime
    assert any(line.startswith("HEALTHCHECK ") for line in runtime)


def test_dockerfile_cmd_migrates_then_execs_gunicorn_with_its_config() -> None:
    cmd = next(line for line in dockerfile_stages()[-1] if line.startswith("CMD "))
    argv = json.loads(cmd.removeprefix("CMD "))  # exec form
    assert argv[:2] == ["sh", "-c"]
    script = argv[2]
    assert script.index("manage.py migrate --noinput") < script.index(
        "&& exec gunicorn citydiplo.wsgi --config gunicorn.conf.py"
    )


def test_dockerfile_copies_files_that_exist() -> None:
    for stage in dockerfile_stages():
        for line in stage:
            if line.startswith("COPY ") and "--from=" not in line:
                *sources, _ = line.split()[1:]
                for source in sources:
                    if not source.startswith("--"):
                        assert (ROOT / source).exists(), source


def dockerignore_pattern(pattern: str) -> re.Pattern:
    """Docker's matching: ``*`` and ``?`` stay within a path segment, ``**/`` spans any."""
    regex = ""
    for token in re.split(r"(\*\*/|\*|\?)", pattern):
        regex += {"**/": "(?:.*/)?", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
    return re.compile(regex)


def dockerignored(path: str) -> bool:
    """Whether the build context leaves this path out (it or a folder above it matches)."""
    patterns = [
        dockerignore_pattern(line.strip())
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(pattern.fullmatch(prefix) for pattern in patterns for prefix in prefixes)


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".git/HEAD",
        "var/datapackages/x.zip",
        "db.sqlite3",
        "staticfiles/css/site.css",
        "test-artifacts/a.png",
        "bench/results/run.json",
        "networks/__pycache__/models.cpython-311.pyc",
        "node_modules/x/index.js",
        ".env",
        "tests/conftest.py",
    ],
)
def test_dockerignore_keeps_local_state_out(path: str) -> None:
    assert dockerignored(path)


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "gunicorn.conf.py",
        "citydiplo/settings/prod.py",
        "networks/models.py",
        "templates/base.html",
        "static/vendor/world-atlas-2.0.2/countries-110m.json",
        "locale/de/LC_MESSAGES/django.mo",
        "fixtures/seed_01_sources.json",
        "openapi/citydiplo-v1.yaml",
        "pyproject.toml",
        "README.md",
    ],
)
def test_dockerignore_keeps_what_the_image_runs(path: str) -> None:
    assert (ROOT / path).exists()
    assert not dockerignored(path)


def test_readme_documents_every_production_variable() -> None:
    sources = [ROOT / "gunicorn.conf.py", ROOT / "citydiplo" / "settings" / "prod.py"]
    names = set()
    for source in sources:
        names |= set(re.findall(r'(?:env\.\w+|os\.environ\.get)\("([A-Z_]+)"', source.read_text()))
    # read in base.py or by the image
    names |= {
        "SECRET_KEY",
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "REPLICA_PIN_SECONDS",
        "CACHE_URL",
        "LOG_FORMAT",
        "NUM_PROXIES",
        "MIGRATE_ON_START",
    }
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Running in production") : readme.index("## Scaling out")]
    assert "WEB_CONCURRENCY" in names  # the scan found gunicorn's variables
    assert sorted(n for n in names if f"`{n}`" not in production) == []
