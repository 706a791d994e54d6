"""The city staff's and moderators' pages cost the same number of queries with 1 pledge (and 1 of
everything related) as with 15. Run with ``-s`` to see the counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pledges.models import Objective, PledgeTransition, ProgressReport
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory, moderator, staff_of

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "changes_requested", "published", "rejected"]


def build(n: int) -> dict:
    """A city with n pledges in every state, each with n objectives, partners, reports, steps."""
    city = CityFactory(name=f"Barcelona {n}", slug=f"barcelona-{n}", country="ES")
    staff = staff_of(city, username=f"staff-{n}")
    mod = moderator(username=f"mod-{n}")
    objectives = list(Objective.objects.order_by("pk")[:n])
    partners = CityFactory.create_batch(n)
    networks = NetworkFactory.create_batch(n)
    pledges = {}
    for state in STATES:
        for _ in range(n):
            pledge = PledgeFactory(
                city=city, moderation_state=state, description=LONG_DESCRIPTION, submitted_by=staff
            )
            pledge.objectives.set(objectives)
            pledge.partner_cities.set(partners)
            pledge.partner_networks.set(networks)
            for k in range(n):
                PledgeTransition.objects.create(
                    pledge=pledge, from_state="draft", to_state="submitted", actor=staff
                )
                if state == "published":
                    ProgressReport.objects.create(
                        pledge=pledge,
                        reported_on=dt.date(2024, 1, 1) + dt.timedelta(days=k),
                        status="in_progress",
                        narrative="Going on.",
                    )
            pledges.setdefault(state, pledge)
    return {"staff": staff, "moderator": mod, "pledges": pledges}


def pages(world: dict) -> dict[str, tuple[str, str]]:
    p = world["pledges"]
    return {
        "dashboard": ("staff", "/my-city/"),
        "new pledge": ("staff", "/pledges/new/"),
        "edit pledge": ("staff", f"/pledges/{p['changes_requested'].pk}/edit/"),
        "own published pledge": ("staff", f"/pledges/{p['published'].pk}/"),
        "own draft": ("staff", f"/pledges/{p['draft'].pk}/"),
        "new report": ("staff", f"/pledges/{p['published'].pk}/reports/new/"),
        "GCM form": ("staff", f"/pledges/{p['published'].pk}/export/gcm/"),
        "GRF form": ("staff", f"/pledges/{p['published'].pk}/export/grf/"),
        "moderation queue": ("moderator", "/moderation/"),
        "moderation page": ("moderator", f"/moderation/{p['submitted'].pk}/"),
    }


def count(world: dict, name: str) -> int:
    role, url = pages(world)[name]
    client = Client()
    client.force_login(world[role])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize(
    "name",
    [
        "dashboard",
        "new pledge",
        "edit pledge",
        "own published pledge",
        "own draft",
        "new report",
        "GCM form",
        "GRF form",
        "moderation queue",
        "moderation page",
    ],
)
def test_page_queries_do_not_grow_with_data(name: str) -> None:
    small, large = count(build(1), name), count(build(15), name)
    print(f"\n{name}: {small} queries")
    assert large == small
