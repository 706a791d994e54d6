"""``make soak``: citydiplo served for minutes at a steady rate, with PostgreSQL restarted midway.

What it does, in order:

1. Creates a **private PostgreSQL cluster** on a free loopback port (Debian's
   ``pg_createcluster``; trust auth, listening on localhost only, PostgreSQL's default), so that stopping it
   touches nothing else on the machine. ``--database-url`` with ``--restart-command`` uses an
   existing server instead.
2. Migrates it, generates a volume (``generate_demo_data``: 2,000 cities and 20,000 pledges unless
   told otherwise) and creates city staff accounts with API tokens.
3. Serves the app with gunicorn under the production settings (workers are never recycled here,
   ``GUNICORN_MAX_REQUESTS=0``, so memory growth is seen, not hidden).
4. Sends requests at a steady rate for ``--duration`` seconds from a pool of client threads:
   page and API reads, searches, and authenticated writes (``POST /api/v1/pledges/`` with an
   ``Idempotency-Key``, some with ``"submit": true``). Latency is measured from when a request
   was *due*, so a server that falls behind shows it (no coordinated omission).
5. Midway, **stops PostgreSQL for a few seconds and starts it again**. Meanwhile the app should
   answer 503 with ``Retry-After``; a write that got a 503, a dropped connection or a timeout is
   retried with the same ``Idempotency-Key`` after the hint. Some writes are *abandoned* on
   purpose: the client sends the request and hangs up without reading the answer (a client-side
   timeout), then retries with the same key: the server must not create the pledge twice.
6. Checks every acknowledged write (a 201) against the database: the pledge exists, with its
   title, once.

Prints requests, answers by status, p50/p99 (all, and outside the outage), memory per worker
after the warm-up and at the end, and writes acknowledged vs found; writes the figures to
``bench/results/soak-<time>.json``. Exits 1 when a target is missed: no 5xx outside the outage
(and every 503 with ``Retry-After``), no failed or lost or duplicated write, worker memory growth
under 10 %, the app answering again within 30 s of PostgreSQL being back.

Loopback only; the duration and the rate are bounded. ``make soak`` runs it; ``--help`` lists
the knobs (each also an environment variable, e.g. ``SOAK_DURATION=60 make soak``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, results_meta  # noqa: E402 - after the path is set

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
CLUSTER = "citydiplo_soak"
HOST = "127.0.0.1"

# Targets of issue 7.
MEMORY_GROWTH_LIMIT = 0.10
RECOVERY_LIMIT_S = 30.0
# After PostgreSQL is back, the 503s already in flight and the workers' reconnects may take this
# long; a 503 later than this counts as an error.
RECOVERY_GRACE_S = 10.0
MAX_DURATION_S, MAX_RATE = 3 * 3600, 400


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument(
        "--duration", type=int, default=int(env("SOAK_DURATION", "300")), help="seconds of load"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=float(env("SOAK_RATE", "20")),
        help="requests per second (steady: below what the machine serves, so latency is the "
        "app's and not a queue's)",
    )
    parser.add_argument("--workers", type=int, default=int(env("SOAK_WORKERS", "3")))
    parser.add_argument(
        "--warmup",
        type=float,
        default=float(env("SOAK_WARMUP", "60")),
        help="seconds of the same load before the memory start figure is taken",
    )
    parser.add_argument("--write-share", type=float, default=float(env("SOAK_WRITE_SHARE", "0.15")))
    parser.add_argument(
        "--search-share", type=float, default=float(env("SOAK_SEARCH_SHARE", "0.25"))
    )
    parser.add_argument(
        "--abandon-share",
        type=float,
        default=float(env("SOAK_ABANDON_SHARE", "0.1")),
        help="share of writes whose first answer the client never reads (a timeout), then retries",
    )
    parser.add_argument(
        "--fault",
        action=argparse.BooleanOptionalAction,
        default=env("SOAK_FAULT", "1") not in ("0", "false", "no"),
        help="stop and start PostgreSQL midway (default: yes)",
    )
    parser.add_argument(
        "--fault-at", type=float, default=None, help="seconds into the load (default: half)"
    )
    parser.add_argument(
        "--outage", type=float, default=float(env("SOAK_OUTAGE", "5")), help="seconds down"
    )
    parser.add_argument("--cities", type=int, default=int(env("SOAK_CITIES", "2000")))
    parser.add_argument("--pledges", type=int, default=int(env("SOAK_PLEDGES", "20000")))
    parser.add_argument("--seed", type=int, default=int(env("SOAK_SEED", "1")))
    parser.add_argument(
        "--database-url",
        default=env("SOAK_DATABASE_URL"),
        help="use this PostgreSQL database instead of a private cluster (it is migrated, "
        "filled and written to)",
    )
    parser.add_argument(
        "--restart-command",
        default=env("SOAK_RESTART_COMMAND"),
        help="with --database-url: a shell command that stops PostgreSQL, waits and starts it",
    )
    parser.add_argument("--cache-url", default=env("SOAK_CACHE_URL", "redis://127.0.0.1:6379/13"))
    args = parser.parse_args(argv)
    if not 10 <= args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be 10 to {MAX_DURATION_S} seconds")
    if not 0.5 <= args.rate <= MAX_RATE:
        parser.error(f"--rate must be 0.5 to {MAX_RATE} requests per second")
    if args.write_share + args.search_share > 1:
        parser.error("--write-share plus --search-share must not exceed 1")
    if args.fault_at is None:
        args.fault_at = args.duration / 2
    if args.database_url and args.fault and not args.restart_command:
        parser.error("--database-url needs --restart-command for the fault (or --no-fault)")
    return args


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- PostgreSQL ------------------------------------------------------------------------------------


class PrivateCluster:
    """A throw-away PostgreSQL cluster of the installed version, on a free loopback port."""

    def __init__(self) -> None:
        if shutil.which("pg_createcluster") is None or os.geteuid() != 0:
            raise SystemExit(
                "A private cluster needs Debian's postgresql-common (pg_createcluster) and root. "
                "Elsewhere pass --database-url and --restart-command."
            )
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/citydiplo"

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def exists(self) -> bool:
        listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        return any(line.split()[:2] == [self.version, CLUSTER] for line in listing.splitlines())

    def create(self) -> None:
        if self.exists():  # left by a run that was killed
            self.drop()
        self._run(
            "pg_createcluster",
            self.version,
            CLUSTER,
            "--port",
            str(self.port),
            "--start",
            "-o",
            "max_connections=50",
            "--",
            "--auth=trust",
        )
        self.wait_ready()
        self._run("createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "citydiplo")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(["pg_isready", "-q", "-h", HOST, "-p", str(self.port)])
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise SystemExit("the private PostgreSQL cluster did not start")

    def stop(self) -> None:
        # fast: open transactions are rolled back and their sessions ended, as in a failover
        self._run("pg_ctlcluster", self.version, CLUSTER, "stop", "-m", "fast")

    def start(self) -> None:
        self._run("pg_ctlcluster", self.version, CLUSTER, "start")
        self.wait_ready()

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, CLUSTER], capture_output=True, check=False
        )


# --- the application -------------------------------------------------------------------------------


def redis_is_up(url: str) -> bool:
    match = re.match(r"redis://([^:/]+):(\d+)", url)
    if not match:
        return False
    try:
        with socket.create_connection((match[1], int(match[2])), timeout=1):
            return True
    except OSError:
        return False


def server_env(args: argparse.Namespace, database_url: str, **extra: str) -> dict[str, str]:
    """Production settings, loopback only. The API throttles are lifted: the soak sends more
    than one anonymous client or token may, and a 429 would measure the throttle, not the app."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citydiplo.settings.prod",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": args.secret_key,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "API_ANON_RATE": "100000000/min",
        "API_PARTNER_RATE": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(RESULTS / "soak-static"),
        **extra,
    }
    env.pop("DATABASE_REPLICA_URL", None)
    if redis_is_up(args.cache_url):
        env["CACHE_URL"] = args.cache_url
    else:
        env.pop("CACHE_URL", None)
    return env


def manage(args: argparse.Namespace, database_url: str, *command: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=server_env(args, database_url),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# Runs inside ``manage.py shell``: staff accounts with tokens, and the URLs the load will use.
SETUP_SCRIPT = r"""
import json, random
from django.db.models import Count
from accounts.tokens import api_token_create
from accounts.models import User
from declarations.models import Declaration
from networks.models import City, Network
from pledges.models import CityStaff, ModerationState, Objective, Pledge

rng = random.Random(SEED)
cities = list(City.objects.order_by("pk").values_list("slug", "country"))
staff = []
for slug, _country in rng.sample(cities, min(20, len(cities))):
    user, _ = User.objects.get_or_create(username=f"soak-{slug}"[:150])
    CityStaff.objects.get_or_create(user=user, city=City.objects.get(slug=slug))
    _token, key = api_token_create(name=f"soak {slug}", user=user)
    staff.append({"city": slug, "token": key})
published = Pledge.objects.filter(moderation_state=ModerationState.PUBLISHED)
titles = list(published.order_by("?").values_list("title", flat=True)[:300])
words = sorted({w.strip(".,;:()").lower() for t in titles for w in t.split() if len(w) > 5})
print(json.dumps({
    "staff": staff,
    "countries": sorted({str(c) for _s, c in cities}),
    "cities": [s for s, _c in rng.sample(cities, min(200, len(cities)))],
    "networks": list(Network.objects.annotate(n=Count("memberships")).order_by("-n").values_list("slug", flat=True)[:30]),
    "declarations": list(Declaration.objects.values_list("slug", flat=True)[:50]),
    "pledges": list(published.order_by("?").values_list("pk", flat=True)[:300]),
    "objectives": list(Objective.objects.filter(framework="GCM").values_list("pk", flat=True)),
    "words": words[:200] or ["migration"],
}))
"""


def prepare(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    log("migrating")
    manage(args, database_url, "migrate", "--noinput", "-v0")
    log(f"generating {args.cities} cities and {args.pledges} pledges (seed {args.seed})")
    manage(
        args,
        database_url,
        "generate_demo_data",
        f"--cities={args.cities}",
        f"--pledges={args.pledges}",
        f"--seed={args.seed}",
        "--replace",
    )
    manage(args, database_url, "collectstatic", "--noinput", "-v0")
    script = SETUP_SCRIPT.replace("SEED", str(args.seed))
    output = manage(args, database_url, "shell", "-c", script)
    return json.loads(output.strip().splitlines()[-1])


class Server:
    """gunicorn with the project's gunicorn.conf.py, as the Dockerfile runs it."""

    def __init__(self, args: argparse.Namespace, database_url: str) -> None:
        self.port = free_port()
        self.log_path = RESULTS / "soak-gunicorn.log"
        env = server_env(
            args,
            database_url,
            WEB_CONCURRENCY=str(args.workers),
            GUNICORN_BIND=f"{HOST}:{self.port}",
            GUNICORN_MAX_REQUESTS="0",
            LOG_FORMAT="json",
        )
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - open for the server's lifetime
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "citydiplo.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}")
            try:
                if request("GET", self.port, "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer: see {self.log_path}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def memory(self) -> dict[int, dict[str, int]]:
        """Resident and proportional set size (kB) of each worker: RSS counts the pages shared
        with the master after the fork in every worker, PSS shares them out."""
        figures = {}
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except FileNotFoundError:
                continue
            figures[pid] = {
                "rss_kb": int(re.search(r"VmRSS:\s+(\d+)", status)[1]),
                "pss_kb": int(re.search(r"^Pss:\s+(\d+)", rollup, re.M)[1]),
            }
        return figures

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=40)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    method: str,
    port: int,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15,
    abandon: bool = False,
) -> Answer:
    """One HTTP exchange on a new connection (gunicorn's sync workers close each one). With
    ``abandon`` the request is sent in full and the connection closed without reading a byte of
    the answer: a client whose timeout struck."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(
            method,
            path,
            body=body,
            # as the TLS proxy in front would say (production redirects plain http)
            headers={"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})},
        )
        if abandon:
            return Answer(0, {}, b"")
        response = conn.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        conn.close()


@dataclass
class Record:
    """One HTTP exchange as the client saw it."""

    kind: str  # read, search, write
    status: int  # 0: no answer (connection refused or reset, timeout)
    started: float  # seconds since the load began when it was due (or, a retry, sent)
    latency_ms: float  # from then to the last byte of the answer
    retry_after: bool = False
    error: str = ""


@dataclass
class Write:
    key: str
    title: str
    city: str
    submit: bool
    attempts: int = 0
    abandoned: bool = False
    replayed: bool = False
    pledge_id: int | None = None
    failure: str = ""


@dataclass
class Load:
    args: argparse.Namespace
    port: int
    data: dict[str, Any]
    run: str = field(default_factory=lambda: secrets.token_hex(3))
    records: list[Record] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    t0: float = 0.0
    phase: str = ""

    def now(self) -> float:
        return time.monotonic() - self.t0

    def note(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    # what is asked for

    def read_path(self, rng: random.Random) -> str:
        d = self.data
        country = rng.choice(d["countries"])
        choices = [
            "/",
            f"/cities/?country={country}",
            f"/cities/{rng.choice(d['cities'])}/",
            "/networks/",
            f"/networks/{rng.choice(d['networks'])}/",
            f"/pledges/?country={country}",
            f"/pledges/{rng.choice(d['pledges'])}/",
            "/timeline/",
            "/api/v1/pledges/",
            f"/api/v1/pledges/{rng.choice(d['pledges'])}/",
            f"/api/v1/cities/?country={country}",
            f"/api/v1/cities/{rng.choice(d['cities'])}/",
            f"/api/v1/networks/{rng.choice(d['networks'])}/",
            f"/api/v1/pledges/?city={rng.choice(d['cities'])}&format=csv",
        ]
        if d["declarations"]:
            choices.append(f"/declarations/{rng.choice(d['declarations'])}/")
        return rng.choice(choices)

    def search_path(self, rng: random.Random) -> str:
        words = rng.sample(self.data["words"], k=min(len(self.data["words"]), rng.choice([1, 2])))
        return "/search/?q=" + "+".join(re.sub(r"[^\w-]", "", w) or "city" for w in words)

    def new_write(self, rng: random.Random, n: int) -> Write:
        staff = rng.choice(self.data["staff"])
        return Write(
            key=str(uuid.UUID(int=rng.getrandbits(128))),
            title=f"Soak {self.run} {self.phase} #{n}: a welcome desk for newcomers",
            city=staff["city"],
            submit=rng.random() < 0.3,
        )

    # how it is sent

    def get(self, kind: str, path: str, due: float) -> None:
        try:
            answer = request("GET", self.port, path)
            status, retry, error = answer.status, "retry-after" in answer.headers, ""
        except OSError as failure:
            status, retry, error = 0, False, type(failure).__name__
        self.note(Record(kind, status, due, (self.now() - due) * 1000, retry, error))

    def post(self, write: Write, due: float, abandon_first: bool) -> None:
        """Send ``write`` until it is acknowledged, retrying with its key after a 503, a lost
        connection or an abandoned attempt; give up after 90 s or on any other answer."""
        token = next(s["token"] for s in self.data["staff"] if s["city"] == write.city)
        body = json.dumps(
            {
                "city": write.city,
                "title": write.title,
                "description": DESCRIPTION,
                "pledge_type": "programme",
                "objectives": self.data["objectives"][:2],
                "submit": write.submit,
            }
        ).encode()
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": write.key,
        }
        give_up = self.now() + 90
        sent_at = due
        while True:
            write.attempts += 1
            abandon = abandon_first and write.attempts == 1
            try:
                answer = request(
                    "POST",
                    self.port,
                    "/api/v1/pledges/",
                    body=body,
                    headers=headers,
                    abandon=abandon,
                )
            except OSError as failure:
                self.note(
                    Record(
                        "write",
                        0,
                        sent_at,
                        (self.now() - sent_at) * 1000,
                        error=type(failure).__name__,
                    )
                )
                wait = 1.0
            else:
                if abandon:
                    write.abandoned = True
                    wait = 0.5  # the retry follows while the first may still be running
                else:
                    retry = "retry-after" in answer.headers
                    self.note(
                        Record(
                            "write", answer.status, sent_at, (self.now() - sent_at) * 1000, retry
                        )
                    )
                    if answer.status == 201:
                        write.pledge_id = json.loads(answer.body)["id"]
                        write.replayed = answer.headers.get("idempotent-replayed") == "true"
                        return
                    if answer.status not in (503, 409):  # 409: the first is still running
                        write.failure = f"{answer.status}: {answer.body[:300]!r}"
                        return
                    wait = float(answer.headers.get("retry-after", "1")) if retry else 0.5
            if self.now() + wait > give_up:
                write.failure = write.failure or "no acknowledgement within 90 s"
                return
            time.sleep(wait)
            sent_at = self.now()


DESCRIPTION = (
    "The city opens a one-stop welcome desk for newcomers, refugees and migrants, with advice on "
    "housing, work, schooling and health in twelve languages, run together with migrant "
    "organisations, and reports every year to the council on who used it, what it cost and what "
    "changed as a result, so that the pledge can be followed up in the regional review."
)


def run_load(load: Load, phase: str, duration: float, fault: Any) -> dict[str, float]:
    """Schedule requests at the rate for ``duration`` s; ``fault`` runs in its own thread.
    Each phase draws its own requests (and so its own Idempotency-Keys and titles)."""
    args = load.args
    load.phase = phase
    rng = random.Random(f"{args.seed}:{phase}")
    jobs: queue.Queue = queue.Queue()
    # enough threads that a slow answer or a write waiting out the outage never delays the rate
    threads = [
        threading.Thread(target=worker, args=(load, jobs), daemon=True)
        for _ in range(max(16, int(args.rate)))
    ]
    for thread in threads:
        thread.start()
    load.t0 = time.monotonic()
    fault_thread = threading.Thread(target=fault, daemon=True) if fault else None
    n = 0
    while True:
        due = n / args.rate
        if due >= duration:
            break
        if fault_thread and due >= args.fault_at and fault_thread.ident is None:
            fault_thread.start()
        delay = due - load.now()
        if delay > 0:
            time.sleep(delay)
        draw = rng.random()
        if draw < args.write_share:
            write = load.new_write(rng, n)
            with load.lock:
                load.writes.append(write)
            jobs.put(("write", write, due, rng.random() < args.abandon_share))
        elif draw < args.write_share + args.search_share:
            jobs.put(("search", load.search_path(rng), due, False))
        else:
            jobs.put(("read", load.read_path(rng), due, False))
        n += 1
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join(timeout=150)
    if fault_thread and fault_thread.ident is not None:
        fault_thread.join(timeout=60)
    return {"scheduled": n, "seconds": round(load.now(), 1)}


def worker(load: Load, jobs: queue.Queue) -> None:
    while (job := jobs.get()) is not None:
        kind, what, due, abandon = job
        if kind == "write":
            load.post(what, due, abandon)
        else:
            load.get(kind, what, due)


# --- the fault -------------------------------------------------------------------------------------


@dataclass
class Outage:
    down_at: float | None = None
    up_at: float | None = None
    recovered_at: float | None = None
    health_during: Counter = field(default_factory=Counter)


def make_fault(
    load: Load, args: argparse.Namespace, cluster: PrivateCluster | None, outage: Outage
):
    def fault() -> None:
        log(f"stopping PostgreSQL for {args.outage:g} s")
        outage.down_at = load.now()
        if cluster:
            cluster.stop()
            until = time.monotonic() + args.outage
            while time.monotonic() < until:  # what a load balancer's probe sees meanwhile
                try:
                    answer = request("GET", load.port, "/healthz", timeout=5)
                    outage.health_during[answer.status] += 1
                except OSError:
                    outage.health_during[0] += 1
                time.sleep(0.5)
            cluster.start()
        else:
            subprocess.run(args.restart_command, shell=True, check=True)
        outage.up_at = load.now()
        log("PostgreSQL is back")
        while load.now() - outage.up_at < 60:
            try:
                if request("GET", load.port, "/api/v1/pledges/", timeout=5).status == 200:
                    outage.recovered_at = load.now()
                    log(f"the app answers again after {outage.recovered_at - outage.up_at:.1f} s")
                    return
            except OSError:
                pass
            time.sleep(0.2)

    return fault


# --- checks and the report -------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)


def verify_writes(database_url: str, load: Load) -> dict[str, Any]:
    """Every acknowledged pledge exists with its title, and no title was stored twice."""
    import psycopg2

    conn = psycopg2.connect(database_url)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, moderation_state FROM pledges_pledge WHERE title LIKE %s",
            [f"Soak {load.run} {load.phase} #%"],
        )
        rows = cursor.fetchall()
    conn.close()
    by_title = Counter(title for _id, title, _state in rows)
    stored = {pk: (title, state) for pk, title, state in rows}
    acknowledged = [w for w in load.writes if w.pledge_id is not None]
    missing = [w.pledge_id for w in acknowledged if stored.get(w.pledge_id, ("",))[0] != w.title]
    wrong_state = [
        w.pledge_id
        for w in acknowledged
        if w.pledge_id in stored
        and stored[w.pledge_id][1] != ("submitted" if w.submit else "draft")
    ]
    return {
        "writes": len(load.writes),
        "acknowledged": len(acknowledged),
        "found": len(acknowledged) - len(missing),
        "missing": missing,
        "wrong_state": wrong_state,
        "failed": [f"{w.title}: {w.failure}" for w in load.writes if w.pledge_id is None],
        "duplicated": sorted(t for t, n in by_title.items() if n > 1),
        "stored_rows": len(rows),
        "retried": sum(1 for w in load.writes if w.attempts > 1),
        "abandoned_then_retried": sum(1 for w in load.writes if w.abandoned),
        "replayed": sum(1 for w in load.writes if w.replayed),
        # a replay for a request sent once means two writes shared a key: the soak's own bug
        "replayed_without_retry": sum(1 for w in load.writes if w.replayed and w.attempts == 1),
    }


def summarise(load: Load, outage: Outage, memory: dict[str, Any]) -> dict[str, Any]:
    records = load.records
    window = None
    if outage.down_at is not None:
        window = (outage.down_at, (outage.up_at or load.now()) + RECOVERY_GRACE_S)

    def in_window(record: Record) -> bool:
        # by when the answer came: a request due earlier may be answered during the outage
        answered = record.started + record.latency_ms / 1000
        return window is not None and window[0] <= answered <= window[1]

    by_status = Counter(str(r.status) for r in records)
    unexpected = [r for r in records if (r.status >= 500 or r.status == 0) and not in_window(r)]
    during = Counter(str(r.status) for r in records if in_window(r))
    no_retry_hint = sum(1 for r in records if r.status == 503 and not r.retry_after)
    latency: dict[str, Any] = {}
    for kind in ("read", "search", "write", "all"):
        chosen = [r for r in records if kind in ("all", r.kind) and r.status]
        steady = [r.latency_ms for r in chosen if not in_window(r)]
        latency[kind] = {
            "requests": len(chosen),
            "p50_ms": percentile([r.latency_ms for r in chosen], 0.50),
            "p99_ms": percentile([r.latency_ms for r in chosen], 0.99),
            "p99_outside_outage_ms": percentile(steady, 0.99),
        }
    return {
        "requests": len(records),
        "by_status": dict(sorted(by_status.items())),
        "during_outage_by_status": dict(sorted(during.items())),
        "unexpected_errors": len(unexpected),
        "unexpected_examples": [
            f"{r.kind} {r.status} at {r.started:.1f}s {r.error}" for r in unexpected[:10]
        ],
        "503_without_retry_after": no_retry_hint,
        "latency": latency,
        "outage": {
            "down_at_s": outage.down_at,
            "up_at_s": outage.up_at,
            "recovered_after_s": (
                round(outage.recovered_at - outage.up_at, 1)
                if outage.recovered_at and outage.up_at
                else None
            ),
            "healthz_while_down": dict(outage.health_during),
        },
        "memory": memory,
    }


class MemorySampler(threading.Thread):
    """RSS of every worker every 10 s, to tell growth that levels off from growth that goes on."""

    def __init__(self, server: Server, load: Load) -> None:
        super().__init__(daemon=True)
        self.server, self.load = server, load
        self.series: list[tuple[float, dict[int, int]]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(10):
            sample = {pid: m["rss_kb"] for pid, m in self.server.memory().items()}
            self.series.append((round(self.load.now(), 1), sample))

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=15)


def server_timings(log_path: Path) -> dict[str, dict[str, float]]:
    """Time spent inside gunicorn per kind of URL (the access log's ``duration_ms``): where the
    time goes, as opposed to what the client waited."""
    groups: dict[str, list[float]] = {}
    for line in log_path.read_text().splitlines():
        if '"gunicorn.access"' not in line:
            continue
        entry = json.loads(line)
        parts = entry["path"].strip("/").split("/")
        head = 3 if entry["path"].startswith("/api/") else 1
        key = f"{entry['method']} /{'/'.join(parts[:head])}" + ("/…" if len(parts) > head else "")
        groups.setdefault(key, []).append(entry["duration_ms"])
    return {
        key: {
            "requests": len(values),
            "p50_ms": percentile(values, 0.5),
            "p99_ms": percentile(values, 0.99),
        }
        for key, values in sorted(groups.items(), key=lambda kv: -sum(kv[1]))
    }


def memory_report(
    start: dict[int, dict[str, int]],
    end: dict[int, dict[str, int]],
    series: list[tuple[float, dict[int, int]]],
) -> dict:
    workers = []
    for pid, first in sorted(start.items()):
        last = end.get(pid)
        workers.append(
            {
                "pid": pid,
                "rss_start_kb": first["rss_kb"],
                "rss_end_kb": last["rss_kb"] if last else None,
                "pss_start_kb": first["pss_kb"],
                "pss_end_kb": last["pss_kb"] if last else None,
                "rss_growth": round(last["rss_kb"] / first["rss_kb"] - 1, 4) if last else None,
                # RSS at each quarter of the run: growth that levels off is warm-up, not a leak
                "rss_quarters_kb": [
                    series[min(len(series) - 1, len(series) * q // 4)][1].get(pid)
                    for q in range(1, 4)
                ]
                if series
                else [],
            }
        )
    return {"workers": workers, "replaced": sorted(set(end) - set(start))}


def targets(summary: dict[str, Any], writes: dict[str, Any], fault: bool) -> list[dict]:
    checks = []

    def check(name: str, value: Any, goal: str, met: bool) -> None:
        checks.append({"target": name, "value": value, "goal": goal, "met": bool(met)})

    check(
        "5xx or no answer outside the outage",
        summary["unexpected_errors"],
        "0",
        summary["unexpected_errors"] == 0,
    )
    check(
        "503 without Retry-After",
        summary["503_without_retry_after"],
        "0",
        summary["503_without_retry_after"] == 0,
    )
    check("failed writes", len(writes["failed"]), "0", not writes["failed"])
    check(
        "acknowledged writes missing afterwards", len(writes["missing"]), "0", not writes["missing"]
    )
    check("writes stored twice", len(writes["duplicated"]), "0", not writes["duplicated"])
    check(
        "acknowledged writes in the wrong state",
        len(writes["wrong_state"]),
        "0",
        not writes["wrong_state"],
    )
    check(
        "first attempts answered as replays (keys reused)",
        writes["replayed_without_retry"],
        "0",
        not writes["replayed_without_retry"],
    )
    memory = summary["memory"]
    growths = [w["rss_growth"] for w in memory["workers"] if w["rss_growth"] is not None]
    worst = max(growths, default=None)
    check(
        "worker memory growth (RSS, worst worker)",
        f"{worst:.1%}" if worst is not None else "n/a",
        f"< {MEMORY_GROWTH_LIMIT:.0%}",
        worst is not None and worst < MEMORY_GROWTH_LIMIT,
    )
    check("workers replaced during the run", len(memory["replaced"]), "0", not memory["replaced"])
    if fault:
        recovered = summary["outage"]["recovered_after_s"]
        check(
            "seconds until the app answers after PostgreSQL is back",
            recovered,
            f"<= {RECOVERY_LIMIT_S:g}",
            recovered is not None and recovered <= RECOVERY_LIMIT_S,
        )
        during = summary["during_outage_by_status"]
        check(
            "503s seen while PostgreSQL was down",
            during.get("503", 0),
            "> 0",
            during.get("503", 0) > 0,
        )
    return checks


def print_report(summary: dict, writes: dict, checks: list[dict], path: Path, meta: dict) -> None:
    print()
    print(
        f"soak: {meta['duration_s']} s at {meta['rate']:g} req/s, {meta['workers']} gunicorn "
        f"workers, {meta['data']}"
    )
    print(f"requests: {summary['requests']}   answers by status: {summary['by_status']}")
    if summary["outage"]["down_at_s"] is not None:
        o = summary["outage"]
        print(
            f"outage: PostgreSQL down at {o['down_at_s']:.1f} s, back at {o['up_at_s']:.1f} s; "
            f"app answering {o['recovered_after_s']} s later; "
            f"answers meanwhile (incl. {RECOVERY_GRACE_S:g} s grace): "
            f"{summary['during_outage_by_status']}; /healthz while down: "
            f"{o['healthz_while_down']}"
        )
    print(f"{'kind':<7} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'p99 outside outage':>19}")
    for kind, figures in summary["latency"].items():
        print(
            f"{kind:<7} {figures['requests']:>8} {figures['p50_ms']:>8} {figures['p99_ms']:>8} "
            f"{figures['p99_outside_outage_ms']:>19}"
        )
    print("memory per worker (kB): pid, RSS after warm-up -> at the end (growth), PSS")
    for w in summary["memory"]["workers"]:
        growth = f"{w['rss_growth']:+.1%}" if w["rss_growth"] is not None else "gone"
        quarters = " -> ".join(str(kb) for kb in w["rss_quarters_kb"])
        print(
            f"  {w['pid']}: RSS {w['rss_start_kb']} -> {w['rss_end_kb']} ({growth}; at each "
            f"quarter {quarters}), PSS {w['pss_start_kb']} -> {w['pss_end_kb']}"
        )
    print("time inside the server by URL (access log), the five costliest:")
    for key, figures in list(summary["server_timings"].items())[:5]:
        print(
            f"  {key:<32} {figures['requests']:>6} requests, p50 {figures['p50_ms']} ms, "
            f"p99 {figures['p99_ms']} ms"
        )
    print(
        f"writes: {writes['writes']} sent, {writes['acknowledged']} acknowledged, "
        f"{writes['found']} found afterwards, {len(writes['missing'])} missing, "
        f"{len(writes['duplicated'])} stored twice, {len(writes['failed'])} failed; "
        f"{writes['retried']} retried with their Idempotency-Key "
        f"({writes['abandoned_then_retried']} after the client hung up), "
        f"{writes['replayed']} answered as replays"
    )
    for failure in writes["failed"][:5]:
        print(f"  failed: {failure}")
    for example in summary["unexpected_examples"]:
        print(f"  unexpected: {example}")
    print("\nTargets (issue 7):")
    for item in checks:
        print(
            f"  {'met   ' if item['met'] else 'MISSED'} {item['target']}: {item['value']} "
            f"(goal {item['goal']})"
        )
    print(
        f"\nFigures written to {path.relative_to(ROOT)}; server log: "
        f"{(RESULTS / 'soak-gunicorn.log').relative_to(ROOT)}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.secret_key = secrets.token_urlsafe(48)
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    started = time.monotonic()
    cluster = None
    if args.database_url:
        database_url = args.database_url
    else:
        cluster = PrivateCluster()
        log(f"creating a private PostgreSQL {cluster.version} cluster on port {cluster.port}")
        cluster.create()
        database_url = cluster.url
    server = None
    try:
        data = prepare(args, database_url)
        server = Server(args, database_url)
        log(f"gunicorn on {HOST}:{server.port} with workers {server.workers()}")
        load = Load(args, server.port, data)
        # Warm-up: every kind of request at the same rate, so that what a worker keeps for good
        # (compiled templates and plans, imported modules, connections) is in the start figure.
        log(f"warming up for {args.warmup:g} s")
        run_load(load, "warm-up", args.warmup, None)
        memory_start = server.memory()
        sampler = MemorySampler(server, load)
        sampler.start()
        load.records.clear()
        load.writes.clear()
        outage = Outage()
        fault = make_fault(load, args, cluster, outage) if args.fault else None
        log(
            f"load: {args.duration} s at {args.rate:g} req/s "
            f"({args.write_share:.0%} writes, {args.search_share:.0%} searches)"
        )
        schedule = run_load(load, "load", args.duration, fault)
        memory_end = server.memory()
        sampler.stop()
        log(f"load done: {schedule}")
    finally:
        if server:
            server.stop()
    try:
        writes = verify_writes(database_url, load)
    finally:
        if cluster:
            cluster.drop()
    summary = summarise(load, outage, memory_report(memory_start, memory_end, sampler.series))
    summary["server_timings"] = server_timings(server.log_path)
    checks = targets(summary, writes, args.fault)
    meta = results_meta(
        workers=args.workers,
        rate=args.rate,
        duration_s=args.duration,
        fault=args.fault,
        outage_s=args.outage,
        data=f"{args.cities} cities, {args.pledges} pledges",
        wall_s=round(time.monotonic() - started),
    )
    path = RESULTS / f"soak-{meta['date']}.json"
    path.write_text(
        json.dumps(
            {"meta": meta, "summary": summary, "writes": writes, "targets": checks}, indent=2
        )
    )
    print_report(summary, writes, checks, path, meta)
    return 0 if all(item["met"] for item in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
