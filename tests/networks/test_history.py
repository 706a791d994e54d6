"""Every change to a public record is kept, and the public reader reports only public fields."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import models

from networks.history import (
    Change,
    Version,
    history_queryset,
    json_value,
    public_history,
    tracked_fields,
)
from networks.models import City, Membership, Network, Source
from tests.networks.factories import (
    CityFactory,
    MembershipFactory,
    NetworkFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CITY_FIELDS = ("name", "country", "kind", "population", "latitude", "longitude", "source")


def rename(city: City, name: str, **changes: object) -> City:
    """What an editing service does: set the new values and save the whole row."""
    city.name = name
    for field, value in changes.items():
        setattr(city, field, value)
    city.save()
    return city


def as_json(versions: list[Version]) -> str:
    return json.dumps([version.as_dict() for version in versions])


def changed(version: Version) -> dict[str, tuple[object, object]]:
    return {change.field: (change.old, change.new) for change in version.changes}


@pytest.mark.parametrize("model", [Source, City, Network, Membership])
def test_every_networks_model_records_its_history(model: type[models.Model]) -> None:
    assert tracked_fields(model)  # raises for a model without history


def test_custom_querysets_still_work_beside_the_history_manager() -> None:
    city = CityFactory()
    MembershipFactory(city=city)
    assert City.objects.for_listing().get(pk=city.pk).n_networks == 1
    assert City.history.model.__name__ == "HistoricalCity"
    assert City._default_manager.__class__.__name__ != "HistoryManager"


def test_an_edit_records_a_version_with_exactly_the_changed_fields() -> None:
    city = CityFactory(name="Palermo", population=None)
    rename(city, "Palermo (Comune)", population=630_000)

    newest, first = public_history(city, fields=CITY_FIELDS)

    assert newest.kind == "changed"
    assert changed(newest) == {
        "name": ("Palermo", "Palermo (Comune)"),
        "population": (None, 630_000),
    }
    assert first.kind == "created"
    assert [c.field for c in first.changes] == list(CITY_FIELDS)
    assert all(c.old is None for c in first.changes)
    assert newest.date >= first.date


def test_created_changed_and_deleted_versions() -> None:
    city = CityFactory(name="Riace")
    rename(city, "Riace Marina")
    last_pk = city.pk
    city.delete()

    # a deleted record is read through its last historical row, which keeps the pk
    ghost = City.history.filter(id=last_pk).latest().instance
    versions = public_history(ghost, fields=CITY_FIELDS)

    assert [v.kind for v in versions] == ["deleted", "changed", "created"]
    assert versions[0].changes == ()  # a deletion is reported even though nothing changed
    assert changed(versions[1]) == {"name": ("Riace", "Riace Marina")}


def test_a_version_changing_no_public_field_is_dropped() -> None:
    city = CityFactory(name="Naples")
    city.notes = "Internal doubt: the 2019 figure may double-count the metro area."
    city.save()
    city.save()  # a save that changed nothing at all

    versions = public_history(city, fields=CITY_FIELDS)

    assert [v.kind for v in versions] == ["created"]
    assert "Internal doubt" not in as_json(versions)
    assert city.history.count() == 3  # the curators' record keeps every save


def test_values_are_json_ready_and_foreign_keys_are_pks() -> None:
    source = SourceFactory()
    city = CityFactory(country="IT", latitude=Decimal("38.11582"), longitude=Decimal("13.35976"))
    city.source = source
    city.save()
    membership = MembershipFactory(
        city=city, joined_on=datetime.date(2018, 6, 1), joined_on_precision="day"
    )

    newest, created = public_history(city, fields=CITY_FIELDS)
    assert changed(newest) == {"source": (None, source.pk)}
    initial = {c.field: c.new for c in created.changes}
    assert initial["country"] == "IT"
    assert initial["latitude"] == "38.11582"  # decimals as strings, no float rounding
    assert initial["longitude"] == "13.35976"

    (version,) = public_history(membership, fields=["city", "network", "joined_on"])
    assert {c.field: c.new for c in version.changes} == {
        "city": city.pk,
        "network": membership.network_id,
        "joined_on": "2018-06-01",
    }
    assert json.loads(as_json([version]))[0]["date"] == version.date.isoformat()


def test_json_value_handles_datetimes_and_self_references() -> None:
    parent = NetworkFactory()
    child = NetworkFactory(parent=parent)
    (version,) = public_history(child, fields=["parent", "founded_year"])
    assert version.changes == (
        Change("parent", None, parent.pk),
        Change("founded_year", None, None),
    )
    stamp = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert json_value(models.DateTimeField(), stamp) == "2024-05-01T12:30:00+00:00"


def test_who_edited_and_why_is_never_exposed() -> None:
    editor = get_user_model().objects.create_user("curator-agnese", password="x")
    city = CityFactory(name="Bologna")
    city._history_user = editor
    city._change_reason = "confidential-reason-from-the-mayors-office"
    rename(city, "Bologna (Città metropolitana)")
    record = city.history.first()
    assert record.history_user_id == editor.pk  # it is recorded, for curators

    text = as_json(public_history(city, fields=CITY_FIELDS))

    assert "curator-agnese" not in text
    assert "confidential-reason" not in text
    assert "history" not in text
    assert set(Version.__dataclass_fields__) == {"date", "kind", "changes"}


def test_only_tracked_fields_may_be_asked_for() -> None:
    city = CityFactory()
    with pytest.raises(ValueError, match="history_user"):
        public_history(city, fields=["name", "history_user"])
    with pytest.raises(ValueError, match="memberships"):
        public_history(city, fields=["memberships"])


def test_limit_keeps_the_newest_versions() -> None:
    city = CityFactory(name="Version 0")
    for n in range(1, 6):
        rename(city, f"Version {n}")

    versions = public_history(city, fields=["name"], limit=2)

    assert [changed(v)["name"] for v in versions] == [
        ("Version 4", "Version 5"),
        ("Version 3", "Version 4"),
    ]
    assert public_history(city, fields=["name"], limit=0) == []


def test_a_reused_pk_does_not_inherit_the_deleted_records_history() -> None:
    city = CityFactory(name="Old town")
    rename(city, "Older town")
    pk = city.pk
    city.delete()
    reborn = CityFactory(pk=pk, name="New town", slug="new-town")

    versions = public_history(reborn, fields=["name"])

    assert [v.kind for v in versions] == ["created"]
    assert "Old" not in as_json(versions)


def test_visible_skips_hidden_versions_and_diffs_across_them() -> None:
    city = CityFactory(name="A", population=1)
    rename(city, "B", population=2)  # hidden below: population 2 is never seen
    rename(city, "C", population=3)

    versions = public_history(
        city, fields=["name", "population"], visible=lambda record: record.population != 2
    )

    assert [changed(v) for v in versions] == [
        {"name": ("A", "C"), "population": (1, 3)},
        {"name": (None, "A"), "population": (None, 1)},
    ]
    assert '"B"' not in as_json(versions)


def test_history_queryset_is_newest_first_and_needs_a_pk() -> None:
    city = CityFactory(name="First")
    rename(city, "Second")
    assert [r.name for r in history_queryset(city)] == ["Second", "First"]
    with pytest.raises(ValueError, match="primary key"):
        history_queryset(City(name="unsaved"))


@pytest.mark.parametrize("n_versions", [1, 20])
def test_reading_history_costs_one_query(django_assert_num_queries, n_versions: int) -> None:
    city = CityFactory(name="Edit 1")
    for n in range(2, n_versions + 1):
        rename(city, f"Edit {n}")
    city = City.objects.get(pk=city.pk)

    with django_assert_num_queries(1):
        versions = public_history(
            city, fields=CITY_FIELDS, visible=lambda record: record.kind == "city"
        )
        as_json(versions)

    assert len(versions) == n_versions
