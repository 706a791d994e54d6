"""Frameworks, objectives and pledges: reference data loaded, invariants held by the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pledges.models import Framework, Objective, Pledge
from tests.helpers import assert_db_rejects
from tests.networks.factories import NetworkFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_frameworks_are_loaded_by_migration() -> None:
    counts = {f.code: f.objectives.count() for f in Framework.objects.all()}
    assert counts == {"GCM": 23, "GCR": 4, "SDG": 17}
    assert (
        Objective.objects.get(framework="GCM", number=15).title
        == "Provide access to basic services for migrants"
    )
    assert Framework.objects.get(code="GCR").resolution == "A/RES/73/151"


@pytest.mark.parametrize(
    ("framework", "number"), [("GCM", 24), ("GCR", 5), ("SDG", 18), ("GCM", 0)]
)
def test_objective_outside_its_framework_is_refused(framework: str, number: int) -> None:
    Objective.objects.filter(framework=framework, number=number).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(framework_id=framework, number=number, title="Invented")
    with pytest.raises(ValidationError):
        Objective(framework_id=framework, number=number, title="Invented").full_clean()


def test_objective_number_unique_in_framework() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(framework_id="GCR", number=1, title="Duplicate")


def test_unknown_framework_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(code="NUA", name="New Urban Agenda")


def test_pledge_needs_a_city_or_a_network() -> None:
    assert_db_rejects(PledgeFactory, city=None, network=None)
    assert PledgeFactory(city=None, network=NetworkFactory()).actor is not None


def test_pledge_states_and_statuses_are_known() -> None:
    assert_db_rejects(PledgeFactory, moderation_state="approved")
    assert_db_rejects(PledgeFactory, status="done")
    assert_db_rejects(PledgeFactory, pledge_type="moral")


def test_pledge_planned_end_after_start() -> None:
    assert_db_rejects(
        PledgeFactory, planned_start=dt.date(2020, 1, 1), planned_end=dt.date(2019, 1, 1)
    )


def test_pledge_can_serve_several_frameworks() -> None:
    pledge = PledgeFactory()
    pledge.objectives.set(Objective.objects.filter(framework__in=["GCM", "GCR"], number=1))
    assert {o.framework_id for o in pledge.objectives.all()} == {"GCM", "GCR"}


def test_only_published_pledges_are_public() -> None:
    published = PledgeFactory()
    PledgeFactory(moderation_state="draft")
    PledgeFactory(moderation_state="submitted")
    assert list(Pledge.objects.published()) == [published]
