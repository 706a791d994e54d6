"""Security headers on every URL: each pattern the resolver knows (``tests/urlwalk.py``) is
fetched as an anonymous visitor and as signed-in users, beside error pages, the API docs and a
static file, and each answer must carry:

- a Content-Security-Policy whose scripts allow neither ``'unsafe-inline'`` nor
  ``'unsafe-eval'``, with ``object-src 'none'`` and ``frame-ancestors 'none'`` (or
  X-Frame-Options DENY);
- ``X-Content-Type-Options: nosniff`` and a Referrer-Policy that sends no path to other sites;
- under the production settings, over HTTPS: Strict-Transport-Security, and cookies (session,
  CSRF, language, messages, the read replica's pin) that are Secure, HttpOnly and SameSite.

The policy only helps if the pages need no exception to it, so rendered pages and every template
are searched for inline scripts, ``on*=`` handler attributes and ``javascript:`` URLs. JSON-LD
(``<script type="application/ld+json">``) is allowed: a script element whose type is not a
JavaScript MIME type is a data block, which the browser never runs, so CSP's script rules do not
apply to it (HTML "prepare the script element" stops before the CSP check).
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import sys
from collections.abc import Callable
from http.cookies import Morsel
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponseBase
from django.test import Client
from django.urls import resolve

from tests import urlwalk

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Policies that send no path or query to another site (the values Django accepts).
STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
SCRIPT_DIRECTIVES = ("script-src", "script-src-elem", "script-src-attr", "default-src")
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"}
# Script element types that are data blocks, not scripts.
DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}


@pytest.fixture
def world(settings, tmp_path: Path) -> urlwalk.World:
    settings.DATAPACKAGE_DIR = tmp_path / "datapackages"
    return urlwalk.seed_world()


def client_for(world: urlwalk.World, visitor: str, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if visitor != "anonymous":
        client.force_login(world.users[visitor])
    return client


# --- what a response must carry ---------------------------------------------------------------


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives.setdefault(name.lower(), values)  # the first one counts (CSP 3)
    return directives


def header_problems(response: HttpResponseBase) -> list[str]:
    problems = []
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(policy)
        scripts = next((directives[d] for d in SCRIPT_DIRECTIVES if d in directives), None)
        if scripts is None:
            problems.append("CSP does not restrict scripts")
        for name in SCRIPT_DIRECTIVES:
            unsafe = UNSAFE_SCRIPT_SOURCES.intersection(directives.get(name, []))
            if unsafe:
                problems.append(f"CSP {name} allows {sorted(unsafe)}")
        if directives.get("object-src") != ["'none'"]:
            problems.append(f"CSP object-src is {directives.get('object-src')}, not 'none'")
        framing = directives.get("frame-ancestors")
        if framing != ["'none'"] and response.headers.get("X-Frame-Options") != "DENY":
            problems.append("neither CSP frame-ancestors 'none' nor X-Frame-Options DENY")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    referrer = {p.strip() for p in response.headers.get("Referrer-Policy", "").split(",")}
    if not referrer & STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    return problems


SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
# An attribute named on… inside a tag (onclick=, onload=, onchange= …).
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(
    r"""\b(?:href|src|action|formaction|data|xlink:href)\s*=\s*["']?\s*javascript:""",
    re.IGNORECASE,
)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)


def markup_problems(html: str) -> list[str]:
    """What the site's CSP would block, or what would only work with an exception to it."""
    problems = []
    for attributes, content in SCRIPT_ELEMENT.findall(html):
        kind = SCRIPT_TYPE.search(attributes)
        if kind and kind.group(1).lower() in DATA_BLOCK_TYPES:
            continue
        if content.strip() and not re.search(r"\bsrc\s*=", attributes, re.IGNORECASE):
            problems.append(f"inline script: <script{attributes}>{content.strip()[:60]}")
    problems += [f"event handler attribute: {m[-40:]}" for m in HANDLER_ATTRIBUTE.findall(html)]
    problems += [f"javascript: URL: {m}" for m in JAVASCRIPT_URL.findall(html)]
    return problems


def response_problems(response: HttpResponseBase) -> list[str]:
    problems = header_problems(response)
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        problems += markup_problems(response.content.decode())
    return problems


def walk(
    client: Client,
    paths: dict[str, str],
    check: Callable[[HttpResponseBase], list[str]] = response_problems,
    **request: Any,
) -> dict[str, list[str]]:
    """Fetch every address; what is wrong with each answer, by route key, path and status."""
    problems = {}
    for key, path in paths.items():
        response = client.get(path, **request)
        found = check(response)
        if found:
            problems[f"{key} {path} -> {response.status_code}"] = found
    return problems


# --- every URL --------------------------------------------------------------------------------


def test_the_walker_knows_every_url_pattern() -> None:
    """A new URL pattern fails here until tests/urlwalk.py gives it an example address (and
    tests/test_access_control.py says who may open it): no URL goes unchecked."""
    assert urlwalk.unknown_routes() == []
    assert urlwalk.stale_examples() == []


def test_every_example_address_is_one_of_its_own_pattern(world) -> None:
    """An example that resolved to another pattern would leave its own unchecked."""
    wrong = {}
    for key, path in urlwalk.examples(world).items():
        match = resolve(urlsplit(path).path)
        found = match.view_name if match.url_name else match.route
        if found != key.replace("^", ""):  # (a match's route drops a regex's anchors)
            wrong[key] = f"{path} is {found}"
    assert wrong == {}


# Signed-in visitors see role pages answer 200 (city staff, moderator, admin): every template is
# rendered at least once. The admin's pages only render for the superuser (others are sent to
# its login page, which the anonymous walk covers); the superuser's view of the rest of the site
# is the moderator's.
VISITORS = {
    "anonymous": lambda key: True,
    "admin": lambda key: key.startswith("admin"),
    "own": lambda key: not key.startswith("admin"),
    "moderator": lambda key: not key.startswith("admin"),
}


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_url_sends_the_security_headers(world, visitor: str) -> None:
    paths = {k: p for k, p in urlwalk.examples(world).items() if VISITORS[visitor](k)}
    assert walk(client_for(world, visitor), paths) == {}


def test_error_pages_send_the_security_headers(world, monkeypatch) -> None:
    anonymous = Client(raise_request_exception=False)
    csrf_checked = Client(enforce_csrf_checks=True)
    responses = {
        "404 page": anonymous.get("/no-such-page/"),
        "404 record": anonymous.get("/cities/no-such-city/"),
        "400 bad filter": anonymous.get("/cities/?country=XX"),
        "400 bad API parameter": anonymous.get("/api/v1/pledges/?yaer=2018"),
        "403 CSRF failure": csrf_checked.post("/accounts/login/", {"username": "x"}),
        "403 CSRF failure (API)": client_for(world, "own", enforce_csrf_checks=True).post(
            "/api/v1/pledges/", {}, content_type="application/json"
        ),
        "405 API write to a read-only resource": anonymous.post("/api/v1/cities/"),
        "API docs script": anonymous.get("/api/v1/docs/?script="),
    }
    monkeypatch.setattr("citydiplo.views.selectors.home_counts", _raise)
    responses["500 server error"] = anonymous.get("/")
    codes = {name: response.status_code for name, response in responses.items()}
    assert codes == {
        "404 page": 404,
        "404 record": 404,
        "400 bad filter": 400,
        "400 bad API parameter": 400,
        "403 CSRF failure": 403,
        "403 CSRF failure (API)": 403,
        "405 API write to a read-only resource": 405,
        "API docs script": 200,
        "500 server error": 500,
    }
    problems = {name: response_problems(r) for name, r in responses.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def _raise() -> None:
    raise RuntimeError("a bug")


def test_the_markup_check_finds_what_the_policy_would_block() -> None:
    """The check itself: each of these would need an exception to the policy."""
    blocked = [
        "<script>alert(1)</script>",
        '<script type="text/javascript">go()</script>',
        '<button onclick="go()">',
        "<body onload=go()>",
        '<a href="javascript:go()">',
    ]
    for html in blocked:
        assert markup_problems(html), html
    allowed = [
        '<script type="application/ld+json">{"@context": "https://schema.org"}</script>',
        '<script src="/static/js/row-anchors.js" defer></script>',
        '<form action="/search/" role="search"><p>click on=nothing</p></form>',
    ]
    for html in allowed:
        assert markup_problems(html) == [], html


TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 30
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script(path: Path) -> None:
    source = TEMPLATE_COMMENT.sub("", path.read_text())
    assert markup_problems(source) == []


def test_no_script_of_the_site_reads_cookies() -> None:
    """Production marks the CSRF and language cookies HttpOnly: no script of the site's own may
    need to read them (forms carry the CSRF token; Swagger UI gets it from its page)."""
    sources = [*ROOT.glob("static/js/**/*.js"), *TEMPLATES]
    assert sources
    assert [str(p.relative_to(ROOT)) for p in sources if "document.cookie" in p.read_text()] == []


def test_json_ld_is_a_data_block() -> None:
    """The one script element the site writes itself (networks/templatetags/linked_data.py)."""
    from networks.templatetags.linked_data import jsonld_script

    html = jsonld_script({"@type": "City", "name": "</script><script>alert(1)</script>"})
    assert html.startswith('<script type="application/ld+json">')
    assert markup_problems(html) == []


# --- production settings ----------------------------------------------------------------------

PROD_ENV = {
    "SECRET_KEY": "prod-like-key-for-header-tests-" + "x7Kq2!Lm9pZr4" * 3,
    "ALLOWED_HOSTS": "testserver",
    "DEBUG": "False",
    # configures the read replica's middleware, so its pin cookie is checked too
    "DATABASE_REPLICA_URL": "postgres://citydiplo@replica.invalid:5432/citydiplo",
}
# Outer variables that would change what prod.py configures.
PROD_ENV_CLEARED = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
)
# The settings that shape headers and cookies.
HEADER_SETTINGS = re.compile(
    r"^(SECURE_|SESSION_COOKIE_|CSRF_COOKIE_|LANGUAGE_COOKIE_|CONTENT_SECURITY_POLICY"
    r"|WHITENOISE_|X_FRAME_OPTIONS$|MIDDLEWARE$|REPLICA_PIN_SECONDS$)"
)


def load_prod_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``citydiplo/settings/prod.py`` executed as a production process would: with its
    environment, on a fresh ``base`` module (the loaded one read the test environment)."""
    for name in PROD_ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in PROD_ENV.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("citydiplo.settings.base")
    assert spec is not None
    assert spec.loader is not None
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    monkeypatch.setitem(sys.modules, "citydiplo.settings.base", base)
    return runpy.run_module("citydiplo.settings.prod")


@pytest.fixture
def prod(settings, monkeypatch, tmp_path: Path) -> dict[str, Any]:
    """This process switched to production's header and cookie settings and middleware (WhiteNoise
    and the replica's middleware included); the database and the rest stay the test's."""
    values = load_prod_settings(monkeypatch)
    for name, value in values.items():
        if HEADER_SETTINGS.match(name):
            setattr(settings, name, value)
    # Production serves collectstatic's hashed copies; here WhiteNoise finds the same files where
    # they are, through the static file finders, without a collect step.
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    return values


def test_prod_settings_name_every_cookie_flag(prod) -> None:
    assert prod["DEBUG"] is False
    assert prod["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 30
    assert prod["SECURE_SSL_REDIRECT"] is True
    for cookie in ("SESSION_COOKIE", "CSRF_COOKIE", "LANGUAGE_COOKIE"):
        assert prod[f"{cookie}_SECURE"] is True, cookie
        assert prod[f"{cookie}_HTTPONLY"] is True, cookie
        assert prod[f"{cookie}_SAMESITE"] in ("Lax", "Strict"), cookie
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in django_settings.MIDDLEWARE
    assert "citydiplo.db_router.ReplicaMiddleware" in django_settings.MIDDLEWARE


def cookie_problems(name: str, morsel: Morsel) -> list[str]:
    if morsel["max-age"] == 0 and not morsel.value:
        return []  # a deletion: nothing left to protect
    problems = [flag for flag in ("secure", "httponly") if not morsel[flag]]
    if str(morsel["samesite"]).lower() not in ("lax", "strict"):
        problems.append(f"samesite={morsel['samesite']!r}")
    return [f"cookie {name}: {p}" for p in problems]


def https_problems(response: HttpResponseBase) -> list[str]:
    problems = response_problems(response)
    hsts = response.headers.get("Strict-Transport-Security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not match or int(match.group(1)) < 60 * 60 * 24 * 30:
        problems.append(f"Strict-Transport-Security {hsts!r}")
    for name, morsel in response.cookies.items():
        problems += cookie_problems(name, morsel)
    return problems


@pytest.mark.parametrize("visitor", ["anonymous", "own"])
def test_prod_every_url_over_https_has_hsts_and_secure_cookies(world, prod, visitor) -> None:
    paths = urlwalk.examples(world)
    if visitor != "anonymous":  # the anonymous walk saw the admin refuse non-staff the same way
        paths = {key: path for key, path in paths.items() if not key.startswith("admin")}
    assert walk(client_for(world, visitor), paths, https_problems, secure=True) == {}


def test_prod_every_cookie_the_site_sets_is_secure_httponly_and_samesite(world, prod) -> None:
    """Each cookie the site sets, set for real: the CSRF token (a form page), the session and
    the replica's pin (logging in), the language (the switcher), messages (a saved form)."""
    user = world.users["own"]
    user.set_password("pw-for-tests-only")
    user.save()
    client = Client()
    https = {"secure": True}
    responses = [
        client.get("/accounts/login/", **https),
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "pw-for-tests-only"},
            **https,
        ),
        client.post("/i18n/setlang/", {"language": "de", "next": "/"}, **https),
        client.post(
            "/pledges/new/",
            {
                "city": world.city.pk,
                "title": "Saved in production",
                "description": "Draft.",
                "action": "draft",
            },
            **https,
        ),
        client.post("/accounts/logout/", **https),
    ]
    assert [r.status_code for r in responses] == [200, 302, 302, 302, 302]
    seen = {name for r in responses for name in r.cookies}
    assert {"csrftoken", "sessionid", "django_language", "messages", "citydiplo_primary"} <= seen
    problems = {}
    for response in responses:
        found = https_problems(response)
        if found:
            problems[response.request["PATH_INFO"]] = found
    assert problems == {}


def test_prod_redirects_http_to_https_except_the_health_probe(world, prod) -> None:
    client = Client()
    response = client.get("/cities/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/cities/"
    assert client.get("/healthz").status_code == 200
    # behind the proxy, its X-Forwarded-Proto says the request came over HTTPS
    behind_proxy = client.get("/cities/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
    assert https_problems(behind_proxy) == []


@pytest.mark.parametrize(
    "path", ["/static/css/site.css", "/static/favicon.svg", "/static/js/row-anchors.js"]
)
def test_prod_static_files_send_the_security_headers(prod, path: str) -> None:
    response = Client().get(path, secure=True)
    assert response.status_code == 200
    assert "WhiteNoise" in type(response).__name__  # served before Django's own middleware
    assert https_problems(response) == []
