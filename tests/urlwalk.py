"""Every URL pattern of the site, each with a concrete example address on a seeded dataset.

``tests/test_security_headers.py`` and ``tests/test_access_control.py`` walk these addresses. A
pattern this module cannot give an example for fails both (``unknown_routes``), so no URL can be
added without being checked: add it to ``EXAMPLES`` (and to the access table), and the checks
cover it from then on. The admin is walked as one family: every ModelAdmin's changelist, add,
change, history, delete and import/export URL gets a real row of its model, and a ModelAdmin URL
of a kind not listed in ``ADMIN_MODEL_VIEWS`` fails like any other unknown pattern.

The dataset (``seed_world``) holds one pledge in every moderation state, users for every role,
a partner token, a password-reset link and a published data package, so that every address
answers as a real visitor would see it. Its private texts carry the ``CANARY`` marker, for the
leak checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import api_token_create
from citydiplo import datapackage
from pledges.models import ModerationState, Objective, Pledge, PledgeTransition, ProgressReport
from tests.accounts.factories import UserFactory
from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory, SourceFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory, moderator, staff_of

# Every private text of the dataset contains this (any case); no public answer may.
CANARY = "qqcanary"


@dataclass(frozen=True)
class Route:
    """One URL pattern as the resolver holds it."""

    key: str  # "namespace:name", or the full route text for an unnamed pattern
    route: str  # the full pattern text, e.g. "pledges/<int:pk>/edit/"
    callback: Callable[..., Any] = field(compare=False, repr=False)  # the view

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str | None, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def all_routes() -> list[Route]:
    """Every pattern of the root URLconf, included URLconfs, the API router and the admin."""
    routes = []
    for text, name, pattern in _walk(get_resolver().url_patterns):
        routes.append(Route(name or text, text, pattern.callback))
    keys = [r.key for r in routes]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"two patterns share a name: {duplicates}"
    return routes


# --- the dataset ------------------------------------------------------------------------------


@dataclass
class World:
    """The seeded records and users every example address points at."""

    city: Any
    other_city: Any
    network: Any
    source: Any
    event: Any
    declaration: Any
    membership: Any
    signature: Any
    objective: Objective
    pledges: dict[str, Pledge]  # by moderation state; "published" is the public one
    # reader (no role), own (staff of city), other (staff of other_city), moderator, admin
    users: dict[str, User]
    partner_key: str  # an API token with no user behind it
    reset_link: tuple[str, str]  # uidb64 and token of a password-reset e-mail
    package: str  # file name of the published data package


def _complete_draft(**fields: Any) -> Pledge:
    """A pledge that could be submitted as it stands (description long enough)."""
    return PledgeFactory(**{"description": LONG_DESCRIPTION, **fields})


def seed_world() -> World:
    """The dataset; call with ``settings.DATAPACKAGE_DIR`` pointing at a temporary directory.

    Private on purpose, each with a canary text: the drafts, submitted, sent-back and rejected
    pledges (titles, descriptions), the submitter's and the moderator's identities, moderation
    comments, a progress report on an unpublished pledge, an earlier unpublished wording of the
    published pledge, editors and change reasons in the history tables, an API token's name.
    """
    source = SourceFactory(key="walk-source", title="Walk report", url="https://example.org/r")
    city = CityFactory(
        name="Walkton",
        slug="walkton",
        country="DE",
        latitude=Decimal("50.93750"),
        longitude=Decimal("6.96028"),
        source=source,
    )
    other_city = CityFactory(name="Otherburg", slug="otherburg", country="FR")
    network = NetworkFactory(name="Walk Network", slug="walk-network", source=source)
    membership = MembershipFactory(city=city, network=network, source=source)
    series = EventSeriesFactory(name="Walk Forum", slug="walk-forum", organiser=network)
    event = EventFactory(
        name="Walk Forum 2019", slug="walk-forum-2019", series=series, edition=1, city=city
    )
    declaration = DeclarationFactory(
        title="Walk Declaration", slug="walk-declaration", issuer=network, event=event
    )
    declaration.topics.create(name="Walk topic", slug="walk-topic")
    signature = SignatureFactory(declaration=declaration, city=city)
    objective = Objective.objects.get(framework="GCM", number=15)

    users = {
        "reader": UserFactory(username="reader"),  # signed in, no role
        "own": staff_of(
            city,
            username=f"{CANARY}-submitter",
            email=f"{CANARY}-mail@example.org",
            first_name=f"{CANARY.title()}first",
            last_name=f"{CANARY.title()}last",
        ),
        "other": staff_of(other_city, username="other-staff"),
        "moderator": moderator(username=f"{CANARY}-moderator"),
        "admin": User.objects.create_superuser(
            "walk-admin", "walk-admin@example.org", "pw-for-tests-only"
        ),
    }
    own, mod = users["own"], users["moderator"]

    pledges: dict[str, Pledge] = {}
    for state in ModerationState.values:
        if state == ModerationState.PUBLISHED:
            continue
        pledges[state] = _complete_draft(
            city=city,
            title=f"{CANARY}-{state}-title",
            description=f"{LONG_DESCRIPTION} {CANARY}-{state}-text",
            moderation_state=state,
            submitted_by=own,
            notes=f"{CANARY}-{state}-notes",
        )
    for state in (ModerationState.CHANGES_REQUESTED, ModerationState.REJECTED):
        PledgeTransition.objects.create(
            pledge=pledges[state],
            from_state=ModerationState.SUBMITTED,
            to_state=state,
            actor=mod,
            comment=f"{CANARY}-{state}-comment",
        )
    # A report on a pledge that is not public (the service refuses it; the database does not).
    ProgressReport.objects.create(
        pledge=pledges[ModerationState.REJECTED],
        reported_on=dt.date(2024, 5, 1),
        status="in_progress",
        narrative=f"{CANARY}-hidden-report",
        created_by=own,
    )

    # The public pledge: drafted under another wording, then published. Its public face is its
    # published wording; its submitter, moderator, comment and old wording are private.
    published = _complete_draft(
        city=city,
        title=f"{CANARY}-old-draft-title",
        moderation_state=ModerationState.DRAFT,
        submitted_by=own,
        event=event,
        source=source,
    )
    published.title = "Walkton welcome centre"
    published.moderation_state = ModerationState.PUBLISHED
    published.made_on, published.made_on_precision = dt.date(2019, 12, 1), "month"
    published._history_user = own  # type: ignore[attr-defined]
    published._change_reason = f"{CANARY}-change-reason"  # type: ignore[attr-defined]
    published.save()
    PledgeTransition.objects.create(
        pledge=published,
        from_state=ModerationState.SUBMITTED,
        to_state=ModerationState.PUBLISHED,
        actor=mod,
        comment=f"{CANARY}-published-comment",
    )
    ProgressReport.objects.create(
        pledge=published,
        reported_on=dt.date(2023, 12, 13),
        status="in_progress",
        narrative="Opened in March.",
        created_by=own,
        review=event,
    )
    pledges[ModerationState.PUBLISHED] = published
    for pledge in pledges.values():
        pledge.objectives.add(objective)
    # A curator's edit of a public record: the history names the editor and a reason.
    city.population = 1_000_000
    city._history_user = mod  # type: ignore[attr-defined]
    city._change_reason = f"{CANARY}-city-edit"  # type: ignore[attr-defined]
    city.save()

    _, partner_key = api_token_create(name=f"{CANARY}-partner-token")
    reset_user = UserFactory(username="forgetful")  # never signs in, so its token stays valid
    reset_link = (
        urlsafe_base64_encode(force_bytes(reset_user.pk)),
        default_token_generator.make_token(reset_user),
    )
    call_command("export_datapackage", "--publish", verbosity=0)
    package = datapackage.published_packages()[0].filename
    return World(
        city=city,
        other_city=other_city,
        network=network,
        source=source,
        event=event,
        declaration=declaration,
        membership=membership,
        signature=signature,
        objective=objective,
        pledges=pledges,
        users=users,
        partner_key=partner_key,
        reset_link=reset_link,
        package=package,
    )


# --- example addresses ------------------------------------------------------------------------

Example = Callable[[World], str]


def _pk(state: str, name: str, **kwargs: Any) -> Example:
    return lambda w: reverse(name, kwargs={"pk": w.pledges[state].pk, **kwargs})


PUBLISHED, DRAFT, SUBMITTED = "published", "draft", "submitted"

# Every pattern outside the admin's ModelAdmins, keyed as ``Route.key``.
EXAMPLES: dict[str, Example] = {
    "healthz": lambda w: "/healthz",
    "set_language": lambda w: "/i18n/setlang/",
    # the site's pages
    "site:home": lambda w: "/",
    "site:city-list": lambda w: "/cities/",
    "site:city-csv": lambda w: "/cities/cities.csv",
    "site:city-detail": lambda w: reverse("site:city-detail", args=[w.city.slug]),
    "site:timeline": lambda w: "/timeline/",
    "site:search": lambda w: "/search/?q=walk",
    "site:data": lambda w: "/data/",
    "site:data-latest": lambda w: "/data/latest.zip",
    "site:data-download": lambda w: reverse("site:data-download", args=[w.package]),
    "networks:network-list": lambda w: "/networks/",
    "networks:network-detail": lambda w: reverse("networks:network-detail", args=[w.network.slug]),
    "networks:source-detail": lambda w: reverse("networks:source-detail", args=[w.source.key]),
    "declarations:declaration-list": lambda w: "/declarations/",
    "declarations:declaration-detail": lambda w: reverse(
        "declarations:declaration-detail", args=[w.declaration.slug]
    ),
    "declarations:event-list": lambda w: "/events/",
    "declarations:event-detail": lambda w: reverse(
        "declarations:event-detail", args=[w.event.slug]
    ),
    "sitemap": lambda w: "/sitemap.xml",
    "sitemap-section": lambda w: reverse("sitemap-section", args=["pledges"]),
    # pledges: the public ones, city staff's forms, the moderators' pages
    "pledges:pledge-list": lambda w: "/pledges/",
    "pledges:pledge-detail": _pk(PUBLISHED, "pledges:pledge-detail"),
    "pledges:pledge-create": lambda w: "/pledges/new/",
    "pledges:pledge-edit": _pk(DRAFT, "pledges:pledge-edit"),
    "pledges:report-create": _pk(PUBLISHED, "pledges:report-create"),
    "pledges:pledge-export": _pk(PUBLISHED, "pledges:pledge-export", key="gcm"),
    "pledges:moderation-queue": lambda w: "/moderation/",
    "pledges:moderation-decide": _pk(SUBMITTED, "pledges:moderation-decide"),
    "pledges:dashboard": lambda w: "/my-city/",
    # accounts
    "login": lambda w: "/accounts/login/",
    "logout": lambda w: "/accounts/logout/",
    "password_change": lambda w: "/accounts/password_change/",
    "password_change_done": lambda w: "/accounts/password_change/done/",
    "password_reset": lambda w: "/accounts/password_reset/",
    "password_reset_done": lambda w: "/accounts/password_reset/done/",
    "password_reset_confirm": lambda w: reverse("password_reset_confirm", args=w.reset_link),
    "password_reset_complete": lambda w: "/accounts/reset/done/",
    # the API
    "api:schema": lambda w: "/api/v1/schema/",
    "api:docs": lambda w: "/api/v1/docs/",
    "api:city-list": lambda w: "/api/v1/cities/",
    "api:city-detail": lambda w: reverse("api:city-detail", args=[w.city.slug]),
    "api:city-history": lambda w: reverse("api:city-history", args=[w.city.slug]),
    "api:network-list": lambda w: "/api/v1/networks/",
    "api:network-detail": lambda w: reverse("api:network-detail", args=[w.network.slug]),
    "api:network-history": lambda w: reverse("api:network-history", args=[w.network.slug]),
    "api:membership-list": lambda w: "/api/v1/memberships/",
    "api:membership-detail": lambda w: reverse("api:membership-detail", args=[w.membership.pk]),
    "api:membership-history": lambda w: reverse("api:membership-history", args=[w.membership.pk]),
    "api:event-list": lambda w: "/api/v1/events/",
    "api:event-detail": lambda w: reverse("api:event-detail", args=[w.event.slug]),
    "api:event-history": lambda w: reverse("api:event-history", args=[w.event.slug]),
    "api:declaration-list": lambda w: "/api/v1/declarations/",
    "api:declaration-detail": lambda w: reverse(
        "api:declaration-detail", args=[w.declaration.slug]
    ),
    "api:declaration-history": lambda w: reverse(
        "api:declaration-history", args=[w.declaration.slug]
    ),
    "api:signature-list": lambda w: "/api/v1/signatures/",
    "api:signature-detail": lambda w: reverse("api:signature-detail", args=[w.signature.pk]),
    "api:signature-history": lambda w: reverse("api:signature-history", args=[w.signature.pk]),
    "api:pledge-list": lambda w: "/api/v1/pledges/",
    "api:pledge-detail": _pk(PUBLISHED, "api:pledge-detail"),
    "api:pledge-history": _pk(PUBLISHED, "api:pledge-history"),
    "api:pledge-submit": _pk(DRAFT, "api:pledge-submit"),
    "api:pledge-progress-reports": _pk(PUBLISHED, "api:pledge-progress-reports"),
    "api:framework-list": lambda w: "/api/v1/frameworks/",
    "api:framework-detail": lambda w: reverse("api:framework-detail", args=["GCM"]),
    "api:framework-history": lambda w: reverse("api:framework-history", args=["GCM"]),
    "api:objective-list": lambda w: "/api/v1/objectives/",
    "api:objective-detail": lambda w: reverse("api:objective-detail", args=[w.objective.pk]),
    "api:objective-history": lambda w: reverse("api:objective-history", args=[w.objective.pk]),
    r"api/v1/^[\s\S]*$": lambda w: "/api/v1/no-such-endpoint/",
    # the admin site's own pages (its ModelAdmins' follow below)
    "admin:index": lambda w: "/admin/",
    "admin:login": lambda w: "/admin/login/",
    "admin:logout": lambda w: "/admin/logout/",
    "admin:password_change": lambda w: "/admin/password_change/",
    "admin:password_change_done": lambda w: "/admin/password_change/done/",
    "admin:autocomplete": lambda w: (
        "/admin/autocomplete/?app_label=pledges&model_name=pledge&field_name=city&term=walk"
    ),
    "admin:jsi18n": lambda w: "/admin/jsi18n/",
    "admin:view_on_site": lambda w: reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(w.city).pk, w.city.pk]
    ),
    "admin:app_list": lambda w: "/admin/pledges/",
    "admin/(?P<url>.*)$": lambda w: "/admin/no-such-page/",
}

# The URLs a ModelAdmin adds, by the end of their name; "redirect" is the unnamed
# ``<object_id>/`` pattern that redirects to the change page.
ADMIN_MODEL_VIEWS = (
    "changelist",
    "add",
    "change",
    "history",
    "delete",
    "import",
    "process_import",
    "export",
    "password_change",  # UserAdmin's set-password form
    "redirect",
)


@dataclass(frozen=True)
class AdminModelRoute:
    model: type[models.Model]
    view: str  # one of ADMIN_MODEL_VIEWS, or "" when the kind is unknown
    name: str | None
    pattern: URLPattern


def admin_model_routes() -> dict[str, AdminModelRoute]:
    """Every ModelAdmin URL, keyed as ``Route.key``."""
    found = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin/{opts.app_label}/{opts.model_name}/"
        for pattern in model_admin.get_urls():
            name = pattern.name
            if name is None:
                view = "redirect" if str(pattern.pattern) == "<path:object_id>/" else ""
                key = prefix + str(pattern.pattern)
            else:
                # "process_import" also ends in "_import": the longest suffix that fits
                views = [v for v in ADMIN_MODEL_VIEWS if name.endswith(f"_{v}")]
                view = max(views, key=len, default="")
                key = f"admin:{name}"
            found[key] = AdminModelRoute(model, view, name, pattern)
    return found


def admin_row(model: type[models.Model]) -> models.Model:
    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"seed_world() has no {model._meta.label} row for its admin pages"
    return row


def admin_example(entry: AdminModelRoute) -> str:
    opts = entry.model._meta
    if entry.view == "redirect":
        return f"/admin/{opts.app_label}/{opts.model_name}/{admin_row(entry.model).pk}/"
    kwargs = {name: admin_row(entry.model).pk for name in entry.pattern.pattern.regex.groupindex}
    return reverse(f"admin:{entry.name}", kwargs=kwargs)


def unknown_routes() -> list[str]:
    """Patterns the walker has no example for (new URLs nobody has checked yet)."""
    admin_routes = admin_model_routes()
    unknown = []
    for route in all_routes():
        if route.key in EXAMPLES:
            continue
        entry = admin_routes.get(route.key)
        if entry is None or not entry.view:
            unknown.append(f"{route.key}  ({route.route})")
    return unknown


def stale_examples() -> list[str]:
    """Examples for patterns that no longer exist."""
    keys = {route.key for route in all_routes()}
    return sorted(set(EXAMPLES) - keys)


def examples(world: World) -> dict[str, str]:
    """The example address of every pattern, keyed as ``Route.key``."""
    admin_routes = admin_model_routes()
    paths = {}
    for route in all_routes():
        if route.key in EXAMPLES:
            paths[route.key] = EXAMPLES[route.key](world)
        elif route.key in admin_routes and admin_routes[route.key].view:
            paths[route.key] = admin_example(admin_routes[route.key])
        else:
            raise LookupError(f"no example address for {route.key}: add one to EXAMPLES")
    return paths
