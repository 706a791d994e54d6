"""A pledge's public history shows published versions only; the seed starts every record's
history exactly once."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from citydiplo.management.commands.load_seed import history_models
from declarations.models import Declaration, Event, EventSeries, Signature, Topic
from networks.history import Version, public_history, tracked_fields
from networks.models import City
from pledges.models import Framework, ModerationState, Objective, Pledge, ProgressReport
from pledges.selectors import PLEDGE_PUBLIC_FIELDS, pledge_public_history
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Draft wording nobody outside may read"


def as_json(versions: list[Version]) -> str:
    return json.dumps([version.as_dict() for version in versions])


def changed(version: Version) -> dict[str, tuple[object, object]]:
    return {change.field: (change.old, change.new) for change in version.changes}


def edit(pledge: Pledge, **values: object) -> Pledge:
    for field, value in values.items():
        setattr(pledge, field, value)
    pledge.save()
    return pledge


def load_seed(*args: str) -> list[str]:
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue().splitlines()


def history_counts() -> dict[str, int]:
    return {model._meta.label: model.history.count() for model in history_models()}


@pytest.mark.parametrize(
    "model",
    [
        EventSeries,
        Event,
        Topic,
        Declaration,
        Signature,
        Framework,
        Objective,
        Pledge,
        ProgressReport,
    ],
)
def test_every_public_model_records_its_history(model: type[models.Model]) -> None:
    assert tracked_fields(model)


def test_pledge_history_keeps_every_column_but_its_update_clock() -> None:
    recorded = set(tracked_fields(Pledge))
    assert {"submitted_by", "moderation_state", "notes", "created_at"} <= recorded
    assert "updated_at" not in recorded
    with pytest.raises(ValueError, match="updated_at"):
        public_history(PledgeFactory(), fields=["updated_at"])


def test_only_published_versions_are_shown_and_drafts_never_leak() -> None:
    author = get_user_model().objects.create_user("city-staff-lampedusa", password="x")
    pledge = PledgeFactory(
        title=DRAFT_TITLE, moderation_state=ModerationState.DRAFT, submitted_by=author
    )
    edit(pledge, title="Safe harbour for 200 people")  # still a draft
    edit(pledge, moderation_state=ModerationState.PUBLISHED)
    edit(pledge, title="Safe harbour for 500 people")
    assert pledge.history.count() == 4

    versions = pledge_public_history(pledge)

    assert [v.kind for v in versions] == ["changed", "created"]
    assert changed(versions[0]) == {
        "title": ("Safe harbour for 200 people", "Safe harbour for 500 people")
    }
    initial = {c.field: c.new for c in versions[1].changes}
    assert initial["title"] == "Safe harbour for 200 people"
    assert list(initial) == list(PLEDGE_PUBLIC_FIELDS)
    text = as_json(versions)
    assert DRAFT_TITLE not in text
    assert "submitted_by" not in text
    assert "city-staff-lampedusa" not in text
    assert "moderation_state" not in text
    assert "published" not in text


def test_edits_while_unpublished_show_up_only_as_the_next_published_diff() -> None:
    pledge = PledgeFactory(title="Version one", status="planning")
    edit(pledge, moderation_state=ModerationState.CHANGES_REQUESTED, title=DRAFT_TITLE)
    edit(pledge, status="in_progress")
    edit(pledge, moderation_state=ModerationState.PUBLISHED, title="Version two")

    versions = pledge_public_history(pledge)

    assert [changed(v) for v in versions[:1]] == [
        {"title": ("Version one", "Version two"), "status": ("planning", "in_progress")}
    ]
    assert DRAFT_TITLE not in as_json(versions)


def test_a_never_published_pledge_has_no_public_history() -> None:
    pledge = PledgeFactory(title=DRAFT_TITLE, moderation_state=ModerationState.SUBMITTED)
    edit(pledge, title="Still not public")
    assert pledge_public_history(pledge) == []


def test_changing_only_private_columns_adds_no_public_version() -> None:
    reviewer = get_user_model().objects.create_user("moderator", password="x")
    pledge = PledgeFactory()
    edit(pledge, submitted_by=reviewer)
    assert [v.kind for v in pledge_public_history(pledge)] == ["created"]


@pytest.mark.parametrize("n_versions", [1, 20])
def test_pledge_history_costs_one_query(django_assert_num_queries, n_versions: int) -> None:
    pledge = PledgeFactory(title="Edit 1")
    for n in range(2, n_versions + 1):
        edit(pledge, title=f"Edit {n}", moderation_state=ModerationState.DRAFT)
        edit(pledge, moderation_state=ModerationState.PUBLISHED)
    pledge = Pledge.objects.get(pk=pledge.pk)

    with django_assert_num_queries(1):
        versions = pledge_public_history(pledge)
        as_json(versions)

    assert len(versions) == n_versions


# --- the seed ---------------------------------------------------------------------------------


def test_load_seed_starts_each_records_history_exactly_once() -> None:
    assert sum(history_counts().values()) == 0
    load_seed()

    assert history_counts()["networks.City"] > 0
    for model in history_models():  # seeded rows, and the frameworks a migration created
        rows = model._default_manager.count()
        history = model.history.all()
        assert history.count() == rows, model._meta.label
        assert set(history.values_list("history_type", flat=True)) <= {"+"}
        assert history.values("id").distinct().count() == rows, model._meta.label

    before = history_counts()
    output = load_seed()
    assert output[-1] == "Seed loaded: 0 records added."
    assert history_counts() == before


def test_seeded_records_read_as_created_then_edited() -> None:
    load_seed()
    city = City.objects.order_by("slug").first()
    old_name = city.name
    city.name = f"{old_name} (renamed)"
    city.save()
    load_seed()

    versions = public_history(city, fields=["name"])

    assert [v.kind for v in versions] == ["changed", "created"]
    assert changed(versions[0]) == {"name": (old_name, f"{old_name} (renamed)")}
    assert city.history.count() == 2


def test_load_seed_update_records_what_it_overwrote() -> None:
    load_seed()
    city = City.objects.order_by("slug").first()
    population = city.population
    city.population = 123_456
    city.save()
    before = history_counts()

    load_seed("--update")

    added = {label: n - before[label] for label, n in history_counts().items()}
    seeded = {label: apps.get_model(label).objects.count() for label in added}
    # every record the fixtures name gets one changed version; frameworks live in a migration
    assert added["networks.City"] == seeded["networks.City"]
    assert added["pledges.Framework"] == 0
    (newest, *_) = public_history(city, fields=["population"])
    assert changed(newest) == {"population": (123_456, population)}
