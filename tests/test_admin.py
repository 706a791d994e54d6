"""Every admin page a curator uses renders: changelist, search, filters, add and change forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.tokens import api_token_create
from pledges.models import CityStaff, Objective, PledgeTransition, ProgressReport
from tests.declarations.factories import EventFactory, EventSeriesFactory, SignatureFactory
from tests.networks.factories import MembershipFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
IDS = [m._meta.label for m in MODELS]


@pytest.fixture
def curator(client):
    user = User.objects.create_superuser("curator", "curator@example.org", "pw-for-tests-only")
    client.force_login(user)
    user.groups.add(Group.objects.create(name="Curators"))
    # One record of every model, so change pages and non-empty changelists are exercised.
    source = SourceFactory()
    membership = MembershipFactory(
        source=source, joined_on=dt.date(2018, 1, 1), joined_on_precision="year"
    )
    signature = SignatureFactory(city=membership.city)
    EventFactory(series=EventSeriesFactory(organiser=membership.network), edition=1)
    signature.declaration.topics.create(name="Sea rescue", slug="sea-rescue")
    pledge = PledgeFactory(city=membership.city, submitted_by=user)
    pledge.objectives.set(Objective.objects.filter(number=1))
    ProgressReport.objects.create(
        pledge=pledge, reported_on=dt.date(2023, 12, 13), status="in_progress", narrative="Started."
    )
    api_token_create(name="UNHCR dashboard", user=user)
    CityStaff.objects.create(user=user, city=membership.city)
    PledgeTransition.objects.create(pledge=pledge, from_state="submitted", to_state="published")
    return client


def admin_url(model, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_changelist_renders_with_search(curator, model) -> None:
    response = curator.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert curator.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_add_page_renders(curator, model) -> None:
    assert curator.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_change_page_renders(curator, model) -> None:
    obj = model._default_manager.first()
    assert curator.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_list_filters_render(curator, model) -> None:
    model_admin = admin.site._registry[model]
    response = curator.get(admin_url(model, "changelist"))
    assert len(response.context["cl"].filter_specs) == len(model_admin.list_filter)


def test_every_foreign_key_uses_autocomplete() -> None:
    """Curated admin: no select box listing thousands of cities."""
    missing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"networks", "declarations", "pledges"}:
            continue
        fields = {f.name for f in model._meta.get_fields() if f.is_relation and f.concrete}
        fields -= {"framework"}  # three fixed UN frameworks: a select box is right
        if model._meta.label == "pledges.Objective":
            continue
        missing += [
            f"{model._meta.label}.{n}" for n in fields - set(model_admin.autocomplete_fields)
        ]
    assert missing == []


def test_region_filter_on_cities(curator) -> None:
    from networks.models import City

    response = curator.get(admin_url(City, "changelist"), {"region": "europe"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == City.objects.filter(country="DE").count()
