"""Access control over every URL, and what the public can learn from each public answer.

1. ``ACCESS`` says, for every URL pattern ``tests/urlwalk.py`` walks, who may open it; each
   kind of visitor then opens its example address. tests/pledges/test_permissions.py holds the
   full matrix of the pledge workflow (every state, every role, the POSTs); this file's job is
   that no URL is missing from such a table.
2. Canaries: every private text of the seeded dataset (drafts, submitted, sent-back and rejected
   pledges, the submitter's and the moderator's identities, moderation comments, a report on an
   unpublished pledge, an earlier unpublished wording, editors and change reasons in the history
   tables, a token's name) carries a marker that no public answer may contain: no HTML page, API
   list, detail, CSV or history, sitemap, search result, schema or data package.
3. Filters and sort orders, of the API and the HTML listings, reach public fields only.

Public by design (see pledges/api.py and templates/pledges/pledge_detail.html): a published
pledge's title, description, notes, actor, partners, objectives, dates, status, evidence,
source and progress reports (without who wrote them), and on its API detail
``moderation_state`` (always "published" for the public). Who submitted a pledge, who moderated
it and what they wrote, and any unpublished wording or pledge, are private.
"""

from __future__ import annotations

import inspect
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django_filters
import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import models
from django.http import HttpResponseBase
from django.test import Client
from rest_framework import serializers

from citydiplo.api import router
from citydiplo.sitemaps import SITEMAPS
from networks.api_base import ApiFilterBackend
from networks.listing import FilteredListView, ListingFilterSet, StableOrderingFilter
from pledges.models import ModerationState, Pledge
from tests import urlwalk
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path: Path) -> urlwalk.World:
    settings.DATAPACKAGE_DIR = tmp_path / "datapackages"
    return urlwalk.seed_world()


# --- who may open what --------------------------------------------------------------------------

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login"  # any signed-in user
CITY_STAFF = "city staff"  # staff of any city
OWN_CITY = "own city"  # staff of the city the pledge in the address belongs to
MODERATOR = "moderator"  # the Moderators group
ADMIN = "admin"  # a staff user of the admin (here a superuser)


@dataclass(frozen=True)
class Rule:
    role: str
    status: int = 200  # what a visitor with the role gets
    method: str = "get"
    body: dict | None = None  # JSON body of an API write
    refused: Any = None  # what a visitor without the role gets, when not the role's default


def public(status: int = 200) -> Rule:
    return Rule(PUBLIC, status)


REPORT = {"reported_on": "2025-05-01", "status": "in_progress", "narrative": "Opened."}

# Every pattern outside the ModelAdmins (those follow by kind, ADMIN_MODEL_ACCESS).
ACCESS: dict[str, Rule] = {
    "healthz": public(),
    "set_language": public(302),  # a GET only redirects back; the switch is a POST
    "sitemap": public(),
    "sitemap-section": public(),
    # the site's pages and open data
    "site:home": public(),
    "site:city-list": public(),
    "site:city-csv": public(),
    "site:city-detail": public(),
    "site:timeline": public(),
    "site:search": public(),
    "site:data": public(),
    "site:data-latest": public(302),  # to the dated file
    "site:data-download": public(),
    "networks:network-list": public(),
    "networks:network-detail": public(),
    "networks:source-detail": public(),
    "declarations:declaration-list": public(),
    "declarations:declaration-detail": public(),
    "declarations:event-list": public(),
    "declarations:event-detail": public(),
    # pledges
    "pledges:pledge-list": public(),
    "pledges:pledge-detail": public(),  # a published one; unpublished: test_permissions.py
    "pledges:pledge-create": Rule(CITY_STAFF),
    "pledges:pledge-edit": Rule(OWN_CITY),
    "pledges:report-create": Rule(OWN_CITY),
    "pledges:pledge-export": Rule(OWN_CITY),
    "pledges:moderation-queue": Rule(MODERATOR),
    "pledges:moderation-decide": Rule(MODERATOR),
    "pledges:dashboard": Rule(LOGIN),
    # accounts
    "login": public(),
    "logout": public(405),  # POST only: a link or an image cannot log anyone out
    "password_change": Rule(LOGIN),
    "password_change_done": Rule(LOGIN),
    "password_reset": public(),
    "password_reset_done": public(),
    "password_reset_confirm": public(302),  # a valid link: on to the set-password form
    "password_reset_complete": public(),
    # the API: reading is open, writing needs the pledge's city staff
    "api:schema": public(),
    "api:docs": public(),
    **{
        f"api:{resource}-{view}": public()
        for resource in (
            "city",
            "network",
            "membership",
            "event",
            "declaration",
            "signature",
            "pledge",
            "framework",
            "objective",
        )
        for view in ("list", "detail", "history")
    },
    "api:pledge-submit": Rule(OWN_CITY, 200, "post", {}),
    "api:pledge-progress-reports": Rule(OWN_CITY, 201, "post", REPORT),
    r"api/v1/^[\s\S]*$": public(404),
    # the admin site's own pages
    "admin:login": public(),
    "admin:logout": Rule(ADMIN, 405, refused=302),  # POST only; others are sent to the index
    "admin:index": Rule(ADMIN),
    "admin:password_change": Rule(ADMIN),
    "admin:password_change_done": Rule(ADMIN),
    "admin:autocomplete": Rule(ADMIN),
    "admin:jsi18n": Rule(ADMIN),
    "admin:view_on_site": Rule(ADMIN, 302),
    "admin:app_list": Rule(ADMIN),
    "admin/(?P<url>.*)$": Rule(ADMIN, 404),
}

# A ModelAdmin's URLs, by kind: the whole admin is for staff.
ADMIN_MODEL_ACCESS: dict[str, Rule] = {
    "changelist": Rule(ADMIN),
    "add": Rule(ADMIN),
    "change": Rule(ADMIN),
    "history": Rule(ADMIN),
    "delete": Rule(ADMIN),  # the confirmation page
    "import": Rule(ADMIN),
    "process_import": Rule(ADMIN, 405),  # POST only
    "export": Rule(ADMIN),
    "password_change": Rule(ADMIN),
    "redirect": Rule(ADMIN, 302),  # <object_id>/ to its change page
}


def access_rules() -> dict[str, Rule]:
    """The rule of every walked pattern (KeyError for one neither table knows)."""
    admin_routes = urlwalk.admin_model_routes()
    rules = {}
    for route in urlwalk.all_routes():
        if route.key in ACCESS:
            rules[route.key] = ACCESS[route.key]
        else:
            rules[route.key] = ADMIN_MODEL_ACCESS[admin_routes[route.key].view]
    return rules


def test_every_url_pattern_has_an_access_rule() -> None:
    """A new URL fails here until ACCESS says who may open it."""
    admin_routes = urlwalk.admin_model_routes()
    missing = [
        route.key
        for route in urlwalk.all_routes()
        if route.key not in ACCESS
        and not (route.key in admin_routes and admin_routes[route.key].view in ADMIN_MODEL_ACCESS)
    ]
    stale = set(ACCESS) - {route.key for route in urlwalk.all_routes()}
    assert (missing, sorted(stale)) == ([], [])
    assert set(ADMIN_MODEL_ACCESS) == set(urlwalk.ADMIN_MODEL_VIEWS)


# What each kind of visitor is expected to get: "login" is a redirect to the login page (an
# API answers 401 instead), "admin-login" one to the admin's login form (how the admin refuses
# a signed-in user who is not staff), a set means any of those statuses.
VISITORS = ("anonymous", "partner", "reader", "other", "own", "moderator", "admin")
REFUSED = frozenset({403, 404})  # 404 where the pledge is not even visible to the visitor


def expected(rule: Rule, visitor: str, is_api: bool) -> Any:
    """What ``visitor`` gets, or None where this visitor tells nothing new about the rule."""
    if rule.role == PUBLIC:  # (signed-in users render these pages in test_security_headers)
        return rule.status if visitor == "anonymous" or (visitor == "partner" and is_api) else None
    if rule.role == ADMIN:
        if visitor == "admin":
            return rule.status
        if visitor in ("anonymous", "reader", "moderator"):
            return rule.refused or "admin-login"
        return None
    if visitor == "anonymous":
        return 401 if is_api else "login"
    if visitor == "partner":
        return 403 if is_api else None  # a token with no user reads only
    if rule.role == LOGIN:  # a signed-in user with no role at all
        return rule.status if visitor == "reader" else None
    has_role = {
        CITY_STAFF: visitor in ("other", "own"),
        OWN_CITY: visitor == "own",
        MODERATOR: visitor == "moderator",
    }[rule.role]
    if has_role:
        return rule.status
    if visitor in ("reader", "other", "own", "moderator"):
        return REFUSED
    return None


def outcome(response: HttpResponseBase) -> int | str:
    if response.status_code == 302:
        if response["Location"].startswith("/accounts/login/?next="):
            return "login"
        if response["Location"].startswith("/admin/login/?next="):
            return "admin-login"
    return response.status_code


def matches(got: int | str, wanted: Any) -> bool:
    return got in wanted if isinstance(wanted, frozenset) else got == wanted


def client_for(world: urlwalk.World, visitor: str) -> Client:
    if visitor == "partner":
        return Client(headers={"Authorization": f"Token {world.partner_key}"})
    client = Client()
    if visitor != "anonymous":
        client.force_login(world.users[visitor])
    return client


def request(client: Client, rule: Rule, path: str) -> HttpResponseBase:
    if rule.method == "post":
        return client.post(path, rule.body, content_type="application/json")
    return client.get(path)


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_url_answers_each_visitor_as_its_rule_says(world, visitor: str) -> None:
    rules = access_rules()
    paths = urlwalk.examples(world)
    routes = {route.key: route for route in urlwalk.all_routes()}
    # writes last: submitting the draft would change what its edit page answers
    order = sorted(rules, key=lambda key: rules[key].method == "post")
    client = client_for(world, visitor)
    wrong, checked = {}, 0
    for key in order:
        wanted = expected(rules[key], visitor, routes[key].is_api)
        if wanted is None:
            continue
        got = outcome(request(client, rules[key], paths[key]))
        checked += 1
        if not matches(got, wanted):
            wanted_text = sorted(wanted) if isinstance(wanted, frozenset) else wanted
            wrong[f"{key} {rules[key].method.upper()} {paths[key]}"] = (
                f"expected {wanted_text}, got {got}"
            )
    assert wrong == {}
    assert checked >= 5  # never a walk that checked nothing


def test_the_table_names_each_role_and_its_pages() -> None:
    """Each role has pages of its own: a table of public pages only would check no refusal."""
    rules = access_rules()
    by_role = defaultdict(set)
    for key, rule in rules.items():
        by_role[rule.role].add(key)
    assert {"pledges:pledge-edit", "api:pledge-submit"} <= by_role[OWN_CITY]
    assert {"pledges:moderation-queue", "pledges:moderation-decide"} <= by_role[MODERATOR]
    assert "admin:pledges_pledge_changelist" in by_role[ADMIN]
    assert len(by_role[ADMIN]) > 100  # every ModelAdmin's pages


# The admin lists a moderator with staff status opens: the Moderators group's models
# (pledges.access.MODERATOR_PERMISSIONS); every other list of the admin is refused.
MODERATOR_ADMIN_LISTS = {
    "admin:pledges_pledge_changelist",
    "admin:pledges_progressreport_changelist",
    "admin:pledges_citystaff_changelist",
    "admin:accounts_user_changelist",
    "admin:networks_city_changelist",
}


def test_a_staff_moderator_opens_only_the_moderators_admin_pages(world) -> None:
    """Within the admin, the Moderators group is a role of its own (demo_accounts makes its
    moderator staff): it assigns city staff and reads pledges, and edits nothing else."""
    moderator = world.users["moderator"]
    moderator.is_staff = True
    moderator.save()
    client = client_for(world, "moderator")
    paths = urlwalk.examples(world)
    lists = {k: v for k, v in urlwalk.admin_model_routes().items() if v.view == "changelist"}
    opened = {key for key in lists if client.get(paths[key]).status_code == 200}
    assert opened == MODERATOR_ADMIN_LISTS
    citystaff = paths["admin:pledges_citystaff_add"]
    assert client.get(citystaff).status_code == 200  # assigning staff is their job
    assert client.get(paths["admin:pledges_pledge_add"]).status_code == 403
    assert client.get(paths["admin:accounts_apitoken_changelist"]).status_code == 403


# --- canaries: nothing private in any public answer --------------------------------------------


def body_of(response: HttpResponseBase) -> bytes:
    """Everything a response carries: headers, the body (streamed or not), a zip's files."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    head = "\n".join(f"{k}: {v}" for k, v in response.headers.items()).encode()
    parts = [head, content]
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
            parts += [name.encode() for name in archive.namelist()]
    return b"\n".join(parts)


def leaks(text: str, world: urlwalk.World, asked: str = "") -> list[str]:
    """Canary texts and links to unpublished pledges in a public answer (to the address asked
    for itself, which a 404 page repeats, aside)."""
    found = []
    lowered = text.lower()
    start = lowered.find(urlwalk.CANARY)
    if start != -1:
        found.append(f"canary: …{text[max(0, start - 40) : start + 60]}…")
    other_text = text.replace(asked, "") if asked else text
    for state, pledge in world.pledges.items():
        if state == ModerationState.PUBLISHED:
            continue
        for link in (f"/pledges/{pledge.pk}/", f"/api/v1/pledges/{pledge.pk}/"):
            if link in other_text:
                found.append(f"link to the {state} pledge: {link}")
        if str(pledge.uuid) in text:
            found.append(f"uuid of the {state} pledge")
    return found


def public_addresses(world: urlwalk.World) -> dict[str, int]:
    """Every public address and the status it must answer: each public pattern's example, every
    API list as CSV and counted, each sitemap section, and the unpublished pledges' own
    addresses, which must not exist for the public (404)."""
    rules = access_rules()
    paths = urlwalk.examples(world)
    addresses = {paths[key]: rule.status for key, rule in rules.items() if rule.role == PUBLIC}
    for prefix, _viewset, _basename in router.registry:
        addresses[f"/api/v1/{prefix}/?format=csv"] = 200
        addresses[f"/api/v1/{prefix}/?count=true"] = 200
    addresses |= {f"/sitemap-{section}.xml": 200 for section in SITEMAPS}
    addresses[f"/pledges/?city={world.city.slug}"] = 200
    addresses[f"/api/v1/pledges/?city={world.city.slug}"] = 200
    for state, pledge in world.pledges.items():
        if state != ModerationState.PUBLISHED:
            for path in ("/pledges/{}/", "/api/v1/pledges/{}/", "/api/v1/pledges/{}/history/"):
                addresses[path.format(pledge.pk)] = 404
    return addresses


@pytest.mark.parametrize("visitor", ["anonymous", "partner"])
def test_no_public_answer_holds_a_private_text(world, visitor: str) -> None:
    client = client_for(world, visitor)
    problems, statuses = {}, {}
    for path, status in public_addresses(world).items():
        response = client.get(path)
        if response.status_code != status:
            statuses[path] = response.status_code
        found = leaks(body_of(response).decode("utf-8", "replace"), world, asked=path)
        if found:
            problems[path] = found
    assert (statuses, problems) == ({}, {})


def canary_words(world: urlwalk.World) -> list[str]:
    """The bare marker (on both databases it matches every private text as a word or a
    substring) and the marker words of the private records' names and texts."""
    words = [f"{urlwalk.CANARY}-{state}-title" for state in world.pledges]
    return [
        urlwalk.CANARY,
        *words,
        f"{urlwalk.CANARY}-draft-text",
        f"{urlwalk.CANARY}-submitter",
        f"{urlwalk.CANARY}-published-comment",
        f"{urlwalk.CANARY}-hidden-report",
    ]


def test_search_finds_no_private_text(world, client) -> None:
    """The site search, the API's ``search`` and the listing's text filter, for every marker."""
    for word in canary_words(world):
        response = client.get("/search/", {"q": word})
        assert response.status_code == 200
        assert response.context["hits"] == [], word
        # the page repeats the query itself; nothing else may hold a marker
        assert leaks(response.content.decode().replace(word, ""), world) == [], word
        assert client.get("/search/", {"q": word, "kind": "pledge"}).context["hits"] == []
        assert client.get("/api/v1/pledges/", {"search": word}).json()["results"] == [], word
        assert list(client.get("/pledges/", {"q": word}).context["pledges"]) == [], word


def test_the_data_package_holds_no_private_text(world, tmp_path: Path) -> None:
    """A freshly exported package, every file of it; and the published zip as served."""
    out = tmp_path / "export"
    call_command("export_datapackage", str(out), verbosity=0)
    files = sorted(out.iterdir())
    assert len(files) > 10
    for path in files:
        assert leaks(path.read_text(encoding="utf-8-sig"), world) == [], path.name
    served = Client().get(f"/data/{world.package}")
    names = zipfile.ZipFile(io.BytesIO(b"".join(served.streaming_content))).namelist()
    assert sorted(names) == sorted(path.name for path in files)


def test_the_published_pledge_shows_its_public_face_only(world, client) -> None:
    """A public record with private fields: its page and API detail show what the public may
    know (its wording, its city, its report), and not who submitted or moderated it."""
    pledge = world.pledges[ModerationState.PUBLISHED]
    page = client.get(f"/pledges/{pledge.pk}/").content.decode()
    assert "Walkton welcome centre" in page
    assert "Opened in March." in page
    assert "Moderation history" not in page
    detail = client.get(f"/api/v1/pledges/{pledge.pk}/").json()
    assert detail["moderation_state"] == "published"
    assert "submitted_by" not in detail
    (report,) = detail["progress_reports"]
    assert set(report) == {"reported_on", "status", "narrative", "evidence_url", "review"}
    assert report["narrative"] == "Opened in March."
    history = client.get(f"/api/v1/pledges/{pledge.pk}/history/").json()["results"]
    assert [version["kind"] for version in history] == ["created"]  # the draft is not a version
    city = client.get(f"/api/v1/cities/{world.city.slug}/").json()
    assert city["n_pledges"] == 1  # five pledges, one published
    assert [p["id"] for p in city["pledges"]] == [pledge.pk]


# --- filters and sort orders reach public fields only ------------------------------------------


# Shown, but no public filter or order may use them: a pledge's detail shows moderation_state,
# which is always "published" for the public; filtering on it could only tell hidden rows apart.
NOT_FILTERABLE: dict[type[models.Model], set[str]] = {Pledge: {"moderation_state"}}


def public_fields() -> dict[type[models.Model], set[str]]:
    """Per model, the fields the public API shows (its serializers, nested ones included):
    the allowlist a public filter or sort order may reach."""
    allowed: dict[type[models.Model], set[str]] = defaultdict(set)
    seen: set[type] = set()

    def visit(serializer_class: type[serializers.Serializer]) -> None:
        if serializer_class in seen:
            return
        seen.add(serializer_class)
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            allowed[model].add(name)
            if field.source and field.source != "*":
                allowed[model].add(field.source.split(".")[0])
            nested = getattr(field, "child", field)
            if isinstance(nested, serializers.ModelSerializer):
                visit(type(nested))

    for _prefix, viewset, _basename in router.registry:
        for serializer_class in (viewset.serializer_class, viewset.detail_serializer_class):
            if serializer_class is not None:
                visit(serializer_class)
    for model, names in NOT_FILTERABLE.items():
        allowed[model] -= names
    return allowed


# Filters whose ``method`` does the filtering, with what they reach (reviewed by reading each).
# A text filter (networks.listing.text_filter) names its fields itself and needs no entry.
METHOD_FILTER_TARGETS: dict[tuple[str, str], tuple[str, ...]] = {
    ("CityFilter", "region"): ("country",),
    ("CityFilter", "network"): ("memberships__network__slug",),
    ("CityFilter", "declaration"): ("signatures__declaration__slug",),
    ("CityFilter", "has_pledges"): ("pledges",),  # Pledge.objects.published() only
    ("CityFilter", "compact"): ("pledges__objectives__framework",),  # published only
    ("PledgeFilter", "compact"): ("objectives__framework",),
    ("NetworkFilter", "has_members"): ("n_members",),
    ("MembershipFilter", "current"): ("left_on",),
}


def filtersets() -> list[type[django_filters.FilterSet]]:
    """Every listing FilterSet (they all derive from ListingFilterSet), and those the API's
    viewsets and the HTML listings use (which must be among them)."""

    def subclasses(cls: type) -> Iterable[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = set(subclasses(ListingFilterSet))
    used = {viewset.filterset_class for _, viewset, _ in router.registry}
    for route in urlwalk.all_routes():
        view_class = getattr(route.callback, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, FilteredListView):
            used.add(view_class.filterset_class)
    assert used <= found, used - found
    return sorted(found, key=lambda cls: cls.__name__)


def filter_targets(filterset: type[django_filters.FilterSet]) -> dict[str, list[str]]:
    """Each filter's field paths (relation fields, to_field_name included), by filter name."""
    targets: dict[str, list[str]] = {}
    for name, flt in filterset.base_filters.items():
        if isinstance(flt, StableOrderingFilter):
            targets[name] = [*flt.param_map.values(), *flt.tiebreak]
        elif isinstance(flt, django_filters.OrderingFilter):
            targets[name] = ["<an ordering filter that is not a StableOrderingFilter>"]
        elif flt.method is not None:
            method = flt.method
            if isinstance(method, str):
                method = getattr(filterset, method)
            closure = inspect.getclosurevars(method).nonlocals
            if "fields" in closure and method.__name__ == "apply":  # text_filter
                targets[name] = list(closure["fields"])
            else:
                key = (filterset.__name__, name)
                targets[name] = list(METHOD_FILTER_TARGETS.get(key, [f"<unreviewed {key}>"]))
        else:
            path = flt.field_name
            to_field = flt.extra.get("to_field_name")
            targets[name] = [f"{path}__{to_field}" if to_field else path]
    return targets


def is_public(model: type[models.Model], path: str, allowed: dict) -> bool:
    for part in path.split("__"):
        if part == "pk":
            continue
        if part not in allowed[model]:
            return False
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return part == path.split("__")[-1]  # an annotation the serializer shows
        model = field.related_model or model
    return True


def test_every_filter_and_sort_order_reaches_public_fields_only() -> None:
    allowed = public_fields()
    assert {"submitted_by", "moderation_state"}.isdisjoint(allowed[Pledge])
    assert {"title", "description", "city", "objectives"} <= allowed[Pledge]
    private = {}
    checked = 0
    for filterset in filtersets():
        model = filterset._meta.model
        for name, paths in filter_targets(filterset).items():
            for path in paths:
                checked += 1
                if not is_public(model, path, allowed):
                    private[f"{filterset.__name__}.{name}"] = path
    assert private == {}
    assert checked > 40
    assert not set(METHOD_FILTER_TARGETS) - {
        (fs.__name__, name) for fs in filtersets() for name in fs.base_filters
    }, "a reviewed method filter no longer exists"


def test_the_api_filters_and_sorts_through_the_filtersets_only() -> None:
    """No viewset adds DRF's own search or ordering (which would take any field named)."""
    for _prefix, viewset, _basename in router.registry:
        assert viewset.filter_backends == [ApiFilterBackend], viewset
        for attribute in ("ordering_fields", "search_fields", "filterset_fields"):
            assert getattr(viewset, attribute, None) is None, (viewset, attribute)


# Parameters naming private fields: each is refused (400) or changes nothing.
PRIVATE_FILTERS = {
    "submitted_by": "{own}",
    "submitted_by__email": "{email}",
    "moderation_state": "draft",
    "created_by": "{own}",
    "history_user": "{own}",
}
PRIVATE_ORDERS = [
    {"ordering": "submitted_by__email"},
    {"ordering": "-moderation_state"},
    {"sort": "submitted_by__email"},
    {"sort": "-created_at"},
    {"sort": "moderation_state"},
]


def probes(address: str, own: Any) -> list[dict[str, str]]:
    """The private parameters to try on a listing. The API refuses any parameter it does not
    know, so each is tried alone there (together, one refusal would hide another's success);
    the HTML listings ignore unknown ones, so one request carries all the filters."""
    filters = {
        name: value.format(own=own.pk, email=own.email) for name, value in PRIVATE_FILTERS.items()
    }
    if address.startswith("/api/"):
        return [{name: value} for name, value in filters.items()] + PRIVATE_ORDERS
    return [filters, *PRIVATE_ORDERS]


def listing_addresses(world: urlwalk.World) -> list[str]:
    """Every API list (JSON and CSV), every HTML listing (FilteredListView) and its CSV."""
    addresses = [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]
    addresses += [f"/api/v1/{prefix}/?format=csv" for prefix, _, _ in router.registry]
    paths = urlwalk.examples(world)
    for route in urlwalk.all_routes():
        view_class = getattr(route.callback, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, FilteredListView):
            addresses.append(paths[route.key])
    assert "/pledges/" in addresses
    return [*addresses, paths["site:city-csv"]]


def listed(response: HttpResponseBase) -> Any:
    """The rows a listing answered with, in order."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()["results"]
    if response.streaming:
        return b"".join(response.streaming_content)
    return [row.pk for row in response.context["object_list"]]


def test_filters_and_orders_on_private_fields_change_nothing(world) -> None:
    client = Client()
    wrong = {}
    for address in listing_addresses(world):
        baseline = client.get(address)
        assert baseline.status_code == 200, address
        rows = listed(baseline)
        for params in probes(address, world.users["own"]):
            response = client.get(address, params)
            if response.status_code == 400:
                continue
            if response.status_code != 200 or listed(response) != rows:
                wrong[f"{address} {params}"] = response.status_code
    assert wrong == {}


def test_the_pledge_api_refuses_private_filters_by_name(world) -> None:
    """The API is strict: a parameter naming a private field is a 400 that says so."""
    client = Client()
    for params in (
        {"submitted_by": world.users["own"].pk},
        {"moderation_state": "draft"},
        {"ordering": "submitted_by__email"},
    ):
        response = client.get("/api/v1/pledges/", params)
        assert response.status_code == 400, params
        assert set(response.json()["errors"]) == set(params)


def test_public_filters_over_pledges_count_published_ones_only(world) -> None:
    """A filter on a public relation (a city's pledges) must not see unpublished rows: a city
    whose only pledge is a draft has no pledges, for every filter that asks."""
    draft = PledgeFactory(city=world.other_city, title="Otherburg draft", moderation_state="draft")
    draft.objectives.add(world.objective)
    client = Client()
    for params in ({"has_pledges": "yes"}, {"compact": "GCM"}):
        api = client.get("/api/v1/cities/", params).json()["results"]
        assert [city["slug"] for city in api] == [world.city.slug], params
        page = client.get("/cities/", params)
        assert [city.slug for city in page.context["object_list"]] == [world.city.slug]
    no_pledges = client.get("/api/v1/cities/", {"has_pledges": "no"}).json()["results"]
    assert [city["slug"] for city in no_pledges] == [world.other_city.slug]
