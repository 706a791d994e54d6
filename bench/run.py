"""``make bench``: citydiplo under load on PostgreSQL, against a raw-SQL baseline of the same rows.

Steps: make sure the benchmark database holds the generated volume (``generate_demo_data``,
10,000 cities and 100,000 pledges unless told otherwise), pick the URLs, record the SQL each
one sends (the baseline replays it, see ``bench/baseline.py``), serve the app with gunicorn
under the production settings, then load every endpoint and its baseline in turn with wrk.
Prints a table and writes the figures to ``bench/results/<time>.json``. bench/README.md says
how to read them.

Run from the checkout: ``.venv/bin/python bench/run.py`` (``make bench`` does) or with
``--help`` for the knobs.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, results_meta  # noqa: E402 - after the path is set

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/citydiplo_bench"

# Targets of issue 6: ratio of requests/s to the baseline's, and latencies in ms.
API_RATIO, HTML_RATIO, DEEP_FACTOR, SEARCH_P99_MS = 0.7, 0.35, 1.2, 25.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--database-url", default=env("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--cities", type=int, default=int(env("BENCH_CITIES", "10000")))
    parser.add_argument("--pledges", type=int, default=int(env("BENCH_PLEDGES", "100000")))
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED", "1")))
    parser.add_argument(
        "--duration", type=int, default=int(env("BENCH_DURATION", "10")), help="s per run"
    )
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "16")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "2")))
    parser.add_argument("--cache-url", default=env("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--only", nargs="*", help="endpoint names to run (default: all)")
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------------


def server_env(args: argparse.Namespace, **extra: str) -> dict[str, str]:
    """The environment of the served app: production settings, loopback only, and an API
    throttle far above what the load sends (it would otherwise answer 429s, not pages)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "API_ANON_RATE": "100000000/min",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(args: argparse.Namespace, *command: str) -> None:
    env = server_env(args, DJANGO_SETTINGS_MODULE="citydiplo.settings.prod")
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def prepare_database(args: argparse.Namespace) -> None:
    import psycopg2

    url = args.database_url
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage(args, "migrate", "--noinput", "-v0")
    counts = table_counts(url)
    if counts.get("cities") != args.cities or counts.get("pledges") != args.pledges:
        print(f"generating {args.cities} cities and {args.pledges} pledges (seed {args.seed})")
        flags = ["--replace"] if counts.get("demo") else []
        manage(
            args,
            "generate_demo_data",
            f"--cities={args.cities}",
            f"--pledges={args.pledges}",
            f"--seed={args.seed}",
            *flags,
        )
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    conn.close()


def table_counts(url: str) -> dict[str, int]:
    import psycopg2

    conn = psycopg2.connect(url)
    counts: dict[str, int] = {}
    with conn.cursor() as cursor:
        for label, table in (
            ("cities", "networks_city"),
            ("networks", "networks_network"),
            ("memberships", "networks_membership"),
            ("events", "declarations_event"),
            ("declarations", "declarations_declaration"),
            ("signatures", "declarations_signature"),
            ("pledges", "pledges_pledge"),
            ("pledge_objectives", "pledges_pledge_objectives"),
            ("progress_reports", "pledges_progressreport"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # table names are ours, not input
            counts[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM networks_source WHERE key = 'demo-data'")
        counts["demo"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        counts["database_bytes"] = cursor.fetchone()[0]
    conn.close()
    return counts


# --- what is measured ----------------------------------------------------------------------------


def choose_urls(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The endpoints, picked from the generated data, and the SQL each one sends."""
    os.environ.update(server_env(args))
    import django

    django.setup()
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.db.models import Count, F, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from networks.models import City, Membership, Network
    from pledges.models import ModerationState, Pledge

    published = Pledge.objects.filter(moderation_state=ModerationState.PUBLISHED)
    # 90 % of the way down the API's order (made_on, newest first, then id): a deep page.
    order = published.order_by(F("made_on").desc(nulls_last=True), "pk")
    deep = order.values("made_on", "pk")[int(published.count() * 0.9)]
    payload = json.dumps({"d": "n", "v": [deep["made_on"], deep["pk"]]}, cls=DjangoJSONEncoder)
    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    # a full detail: the pledge with the most objectives and progress reports
    detail = (
        published.annotate(n=Count("objectives", distinct=True) + Count("progress_reports"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[0]
    )
    network = Network.objects.annotate(n=Count("memberships")).order_by("-n", "pk").first()
    country = (
        Membership.objects.filter(network=network)
        .values("city__country")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["city__country"]
    )
    # the profile of the city with the most published pledges: the heaviest page there is
    city = (
        City.objects.annotate(
            n=Count("pledges", filter=Q(pledges__moderation_state=ModerationState.PUBLISHED))
        )
        .order_by("-n", "pk")
        .first()
    )
    word = search_word(published)
    urls = {
        "api_list": "/api/v1/pledges/",
        "api_deep": f"/api/v1/pledges/?cursor={cursor}",
        "api_detail": f"/api/v1/pledges/{detail}/",
        "city_list": f"/cities/?country={country}&network={network.slug}",
        "city_profile": city.get_absolute_url(),
        "search": f"/search/?q={word}",
    }
    if args.only:
        urls = {name: url for name, url in urls.items() if name in args.only}
    client = Client(HTTP_HOST="127.0.0.1")
    statements: dict[str, list[str]] = {}
    for name, url in urls.items():
        client.get(url, secure=True)  # warm caches the first request fills
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        statements[name] = [
            query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")
        ]
    connection.close()
    return urls, statements


def search_word(published: Any) -> str:
    """A word many pledge titles share (the search has real work), from a sample of titles."""
    counts: dict[str, int] = {}
    for title in published.order_by("pk").values_list("title", flat=True)[:2000]:
        for word in re.findall(r"[^\W\d_]{6,}", title.lower()):
            counts[word] = counts.get(word, 0) + 1
    return max(sorted(counts), key=counts.__getitem__)


# --- the server and the load ------------------------------------------------------------------


def start_server(args: argparse.Namespace, port: int, sql_file: Path) -> subprocess.Popen:
    env = server_env(
        args,
        BENCH_BASELINE_SQL=str(sql_file),
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    log = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115 - open for the server's lifetime
    command = [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "citydiplo.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not start: see {RESULTS / 'gunicorn.log'}")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, threads: int, connections: int, duration: int) -> dict[str, float]:
    """One wrk run: requests/s, p50/p90/p99 in ms, non-2xx answers and socket errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "10s"]  # a slow page is a figure, not a dropped request
    command += ["-H", "X-Forwarded-Proto: https", url]  # as the TLS proxy in front would say
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = {"p50_ms": 0.0, "p90_ms": 0.0, "p99_ms": 0.0}
    for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)$", output, re.M):
        figures[f"p{percent}_ms"] = round(float(value) * UNITS[unit], 2)
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", output)
    figures["socket_errors"] = (
        sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    )
    return figures


def measure(args: argparse.Namespace, port: int, urls: dict[str, str]) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {}
    for name, url in urls.items():
        targets = {"app": base + url, "baseline": f"{base}/_baseline/{name.replace('_', '-')}"}
        for target in targets.values():  # warm both (workers, caches, connections)
            wrk(target, threads=1, connections=2, duration=2)
        entry: dict[str, Any] = {"url": url}
        # load: saturate both workers; latency: one request at a time per worker.
        for mode, threads, connections in (("load", 2, args.connections), ("latency", 1, 2)):
            for side, target in targets.items():  # app and baseline back to back
                entry.setdefault(side, {})[mode] = wrk(
                    target, threads=threads, connections=connections, duration=args.duration
                )
                print(f"  {name:<13} {side:<8} {mode:<7} {entry[side][mode]}", flush=True)
        base_rps = entry["baseline"]["load"]["rps"]
        entry["ratio"] = round(entry["app"]["load"]["rps"] / base_rps, 3) if base_rps else None
        results[name] = entry
    return results


# --- the report ---------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    checks = []

    def check(name: str, value: float, goal: str, met: bool) -> None:
        checks.append({"target": name, "value": value, "goal": goal, "met": met})

    for name in ("api_list", "api_deep"):
        if name in results:
            ratio = results[name]["ratio"] or 0.0
            check(f"{name} requests/s vs baseline", ratio, f">= {API_RATIO}", ratio >= API_RATIO)
    for name in ("city_list", "city_profile"):
        if name in results:
            ratio = results[name]["ratio"] or 0.0
            check(f"{name} requests/s vs baseline", ratio, f">= {HTML_RATIO}", ratio >= HTML_RATIO)
    if "api_list" in results and "api_deep" in results:
        first = results["api_list"]["app"]["latency"]["p50_ms"]
        deep = results["api_deep"]["app"]["latency"]["p50_ms"]
        factor = round(deep / first, 3) if first else float("inf")
        check("deep page p50 / page 1 p50", factor, f"<= {DEEP_FACTOR}", factor <= DEEP_FACTOR)
    if "search" in results:
        p99 = results["search"]["app"]["latency"]["p99_ms"]
        check(
            "search p99 ms (one request per worker)",
            p99,
            f"<= {SEARCH_P99_MS}",
            p99 <= SEARCH_P99_MS,
        )
    for name, entry in results.items():
        for side in ("app", "baseline"):
            for mode, figures in entry[side].items():
                if figures["non_2xx"] or figures["socket_errors"]:
                    check(f"{name} {side} {mode} errors", figures["non_2xx"], "0", False)
    return checks


def print_report(results: dict[str, Any], checks: list[dict[str, Any]], path: Path) -> None:
    head = (
        f"{'endpoint':<13} {'req/s':>8} {'base req/s':>10} {'ratio':>6} "
        f"{'p50':>7} {'p99':>7} {'1-at-a-time p50':>15} {'p99':>7} {'base p50':>8}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for name, entry in results.items():
        app, base = entry["app"], entry["baseline"]
        print(
            f"{name:<13} {app['load']['rps']:>8.0f} {base['load']['rps']:>10.0f} "
            f"{entry['ratio'] or 0:>6.2f} {app['load']['p50_ms']:>6.1f}m {app['load']['p99_ms']:>6.1f}m "
            f"{app['latency']['p50_ms']:>14.2f}m {app['latency']['p99_ms']:>6.1f}m "
            f"{base['latency']['p50_ms']:>7.2f}m"
        )
    print("\nTargets (issue 6):")
    for item in checks:
        mark = "met   " if item["met"] else "MISSED"
        print(f"  {mark} {item['target']}: {item['value']} (goal {item['goal']})")
    print(f"\nFigures written to {path.relative_to(ROOT)}")


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    prepare_database(args)
    manage(args, "collectstatic", "--noinput", "-v0")
    urls, statements = choose_urls(args)
    sql_file = RESULTS / "baseline-sql.json"
    sql_file.write_text(
        json.dumps({name.replace("_", "-"): sql for name, sql in statements.items()}, indent=1)
    )
    port = free_port()
    server = start_server(args, port, sql_file)
    try:
        results = measure(args, port, urls)
    finally:
        stop_server(server)
    checks = targets(results)
    meta = results_meta(
        workers=args.workers,
        connections=args.connections,
        duration_s=args.duration,
        data=table_counts(args.database_url),
        queries={name: len(sql) for name, sql in statements.items()},
        wall_s=round(time.monotonic() - started),
    )
    path = RESULTS / f"{meta['date']}.json"
    path.write_text(json.dumps({"meta": meta, "endpoints": results, "targets": checks}, indent=2))
    print_report(results, checks, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
