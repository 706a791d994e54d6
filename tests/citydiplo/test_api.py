"""The cities endpoint, the OpenAPI contract and its offline documentation, and throttling."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from accounts.tokens import api_token_create, api_token_revoke
from citydiplo.api import router
from tests.declarations.factories import DeclarationFactory, SignatureFactory
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "openapi" / "citydiplo-v1.yaml"


@pytest.mark.django_db
def test_cities_by_country_and_network(client) -> None:
    network = NetworkFactory(slug="mayors-migration-council")
    MembershipFactory(network=network, city=CityFactory(slug="barcelona", country="ES"))
    MembershipFactory(network=network, city=CityFactory(slug="milan", country="IT"))
    CityFactory(slug="madrid", country="ES")
    rows = client.get(f"/api/v1/cities/?country=ES&network={network.slug}").json()["results"]
    assert [row["slug"] for row in rows] == ["barcelona"]
    # A country with no city on record is a valid question with an empty answer.
    assert client.get("/api/v1/cities/?country=FR").json()["results"] == []
    response = client.get("/api/v1/cities/?country=XX")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["country"]


@pytest.mark.django_db
def test_city_detail_with_memberships_signatures_and_pledges(client) -> None:
    city = CityFactory(
        slug="cologne", name="Cologne", aliases="Köln", latitude=50.9375, longitude=6.9603
    )
    MembershipFactory(
        city=city,
        network=NetworkFactory(slug="eurocities"),
        joined_on=dt.date(1991, 1, 1),
        joined_on_precision="year",
        role="founder",
    )
    SignatureFactory(city=city, declaration=DeclarationFactory(slug="mechelen-declaration"))
    PledgeFactory(city=city, title="Safe harbour")
    body = client.get("/api/v1/cities/cologne/").json()
    assert body["aliases"] == ["Köln"]
    assert body["latitude"] == 50.9375
    assert body["region"] == "europe"
    [membership] = body["memberships"]
    assert membership["network"]["slug"] == "eurocities"
    assert membership["network"]["api_url"] == "http://testserver/api/v1/networks/eurocities/"
    assert membership["role"] == "founder"
    assert membership["joined_on"] == "1991-01-01"
    assert [s["declaration"]["slug"] for s in body["signatures"]] == ["mechelen-declaration"]
    assert [p["title"] for p in body["pledges"]] == ["Safe harbour"]
    assert (body["n_networks"], body["n_declarations"], body["n_pledges"]) == (1, 1, 1)


@pytest.mark.django_db
def test_cities_region_filter_takes_regions_and_sub_regions(client) -> None:
    CityFactory(slug="accra", country="GH")
    CityFactory(slug="rabat", country="MA")
    africa = client.get("/api/v1/cities/?region=africa").json()["results"]
    assert {row["slug"] for row in africa} == {"accra", "rabat"}
    north = client.get("/api/v1/cities/?region=northern_africa").json()["results"]
    assert [row["slug"] for row in north] == ["rabat"]


# --- the contract -----------------------------------------------------------------------------


def generated_schema(tmp_path: Path) -> str:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text()


def test_schema_is_valid_openapi_3_and_in_sync_with_the_code(tmp_path) -> None:
    text = generated_schema(tmp_path)
    validate(yaml.safe_load(text))
    assert text == SCHEMA_FILE.read_text(), (
        "The API changed but openapi/citydiplo-v1.yaml did not: run `make schema`, review the "
        "diff (is it a compatible change for v1? see the README's deprecation policy) and commit."
    )


def test_schema_documents_every_route_and_every_parameter_it_accepts(client) -> None:
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    paths = schema["paths"]
    for prefix, viewset, _basename in router.registry:
        list_op = paths[f"/api/v1/{prefix}/"]["get"]
        documented = {p["name"] for p in list_op["parameters"] if p["in"] == "query"}
        view = viewset()
        view.action = "list"
        assert documented == view.allowed_query_params(), prefix
        assert {"200", "400", "429"} <= set(list_op["responses"]), prefix
        assert set(list_op["responses"]["200"]["content"]) == {"application/json", "text/csv"}
        detail = next(p for p in paths if p.startswith(f"/api/v1/{prefix}/{{"))
        assert {"200", "404"} <= set(paths[detail]["get"]["responses"]), prefix
    # Enums are spelt out, including grouped choices (world regions and sub-regions).
    cities = {p["name"]: p for p in paths["/api/v1/cities/"]["get"]["parameters"]}
    assert {"europe", "northern_africa"} <= set(cities["region"]["schema"]["enum"])
    assert "ES" in cities["country"]["schema"]["enum"]
    assert "-networks" in cities["ordering"]["schema"]["items"]["enum"]
    assert schema["components"]["securitySchemes"]
    assert "examples" in str(schema["paths"]["/api/v1/declarations/"]["get"]["responses"]["400"])


def test_every_api_route_is_in_the_schema() -> None:
    schema_paths = set(yaml.safe_load(SCHEMA_FILE.read_text())["paths"])

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    api_routes = [r for r in routes(get_resolver().url_patterns) if r.startswith("api/v1/")]
    viewset_routes = [r for r in api_routes if r.startswith("api/v1/^") or "(?P<" in r]
    assert len(viewset_routes) >= 2 * len(router.registry)
    assert len(schema_paths) == 2 * len(router.registry) + _action_routes(schema_paths)


def _action_routes(paths: set[str]) -> int:
    """Extra routes under a record: /history/, and the pledges' /submit/ and /progress-reports/."""
    return sum(1 for path in paths if re.search(r"\}/[a-z-]+/$", path))


@pytest.mark.django_db
def test_schema_and_offline_docs_are_served(client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "citydiplo API"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()  # every asset is vendored
    assert "<script>" not in html.replace("<script src", "")  # no inline script: strict CSP holds


# --- throttling and tokens --------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_and_partner_tokens_raise_the_limit(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "partner": "6/min"},
    }
    cache.clear()
    statuses = [client.get("/api/v1/frameworks/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get("/api/v1/frameworks/")
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["detail"].startswith("Request was throttled")
    _token, key = api_token_create(name="UNHCR dashboard")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    partner = [client.get("/api/v1/frameworks/", **auth).status_code for _ in range(7)]
    assert partner == [200] * 6 + [429]
    api_token_revoke(token=_token)
    assert client.get("/api/v1/frameworks/", **auth).status_code == 401
    cache.clear()


# --- the same rules on every endpoint -----------------------------------------------------------

ENDPOINTS = [prefix for prefix, _viewset, _basename in router.registry]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ENDPOINTS)
def test_every_list_is_strict_capped_searchable_and_sortable(client, resource) -> None:
    call_command("load_seed", verbosity=0)
    base = f"/api/v1/{resource}/"
    body = client.get(base + "?page_size=2&count=true").json()
    assert len(body["results"]) == 2
    assert body["count"] > 2
    assert body["next"]
    for query, parameter in [
        ("colour=red", "colour"),
        ("page_size=101", "page_size"),
        ("page_size=-1", "page_size"),
        ("cursor=%%%", "cursor"),
        ("ordering=nonsense", "ordering"),
        ("search=", "search"),
    ]:
        if parameter in ("ordering", "search") and parameter not in allowed(resource):
            continue
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400, (resource, query)
        assert list(response.json()["errors"]) == [parameter], (resource, query)
    if "search" in allowed(resource):
        assert client.get(base + "?search=a").status_code == 200
    csv_response = client.get(base + "?format=csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(csv_response.streaming_content).decode().splitlines()
    assert len(lines) == body["count"] + 1  # header + every row, whatever the page size
    first = body["results"][0]
    detail = client.get(first.get("api_url") or f"{base}{first['code']}/")
    assert detail.status_code == 200
    history = client.get(detail.request["PATH_INFO"] + "history/")
    assert history.status_code == 200
    assert history.json()["results"][-1]["kind"] == "created"
    missing = client.get(base + ("99999999/" if resource in ID_KEYED else "no-such-record/"))
    assert missing.status_code == 404
    assert missing.json()["detail"]


ID_KEYED = {"memberships", "signatures", "pledges", "objectives"}


def allowed(resource: str) -> set[str]:
    viewset = next(v for prefix, v, _b in router.registry if prefix == resource)
    view = viewset()
    view.action = "list"
    return view.allowed_query_params()


@pytest.mark.django_db
def test_throttle_counters_live_in_redis_when_configured(client, settings) -> None:
    """Production's CACHE_URL=redis://…: every worker counts against the same limit."""
    import redis

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    # Its own key prefix: CI runs the SQLite and PostgreSQL legs side by side on one Redis, and
    # both count requests from 127.0.0.1 (a shared counter, or a flush, would break the other's).
    prefix = f"citydiplo-test-{secrets.token_hex(8)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "partner": "5/min"},
    }
    try:
        assert [client.get("/api/v1/frameworks/").status_code for _ in range(3)] == [200, 200, 429]
        keys = [key.decode() for key in connection.keys(f"{prefix}:*throttle*")]
        assert keys, "the anonymous counter is stored in Redis"
    finally:
        stored = connection.keys(f"{prefix}:*")
        if stored:
            connection.delete(*stored)
