"""The curated seed knowledge base: loads everywhere, valid row by row, sourced, idempotent,
and accounted for against the extracts it was curated from."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from declarations.models import Declaration
from networks.models import City, Source, Sourced

from .conftest import SHARED

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "fixtures" / "curation_manifest.json").read_text(encoding="utf-8"))
SEED_MODELS = sorted(MANIFEST["counts"])
EXTRACT_LISTS = [
    "networks",
    "declarations",
    "cities",
    "events",
    "organisations",
    "other_actors",
    "pledges_or_commitments",
]

pytestmark = pytest.mark.django_db


def load_seed(*args: str) -> str:
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in SEED_MODELS}


def test_seed_loads_with_the_curated_counts() -> None:
    load_seed()
    assert counts() == MANIFEST["counts"]
    # the floor: every declaration of the policy paper, 27 table rows and 4 from the text
    assert Declaration.objects.count() >= 31


def test_every_seed_record_passes_model_validation() -> None:
    load_seed()
    errors = []
    for label in SEED_MODELS:
        for obj in apps.get_model(label).objects.all():
            try:
                obj.full_clean()
            except Exception as exc:  # collect every invalid row, then fail once
                errors.append(f"{label} {obj}: {exc}")
    assert errors == []


def test_every_seed_fact_cites_its_source() -> None:
    load_seed()
    unsourced = [
        f"{label} {obj}"
        for label in SEED_MODELS
        if issubclass(model := apps.get_model(label), Sourced)
        for obj in model.objects.filter(source__isnull=True)
    ]
    assert unsourced == []


def test_seed_load_is_idempotent_and_keeps_curators_edits() -> None:
    load_seed()
    before = counts()
    city = City.objects.order_by("slug").first()
    city.population = 123_456
    city.save()

    output = load_seed()
    assert "Seed loaded: 0 records added." in output
    assert counts() == before
    city.refresh_from_db()
    assert city.population == 123_456  # not overwritten

    load_seed("--update")
    assert counts() == before
    city.refresh_from_db()
    assert city.population is None  # --update takes the fixture's value on purpose


def test_seed_restores_a_deleted_record() -> None:
    load_seed()
    before = counts()
    declaration = Declaration.objects.filter(signatures__isnull=True).order_by("slug").first()
    declaration.topics.clear()
    declaration.delete()
    load_seed()
    assert counts() == before


def test_every_seed_record_has_a_working_page(client) -> None:
    load_seed()
    failures = []
    pages = ["networks.City", "networks.Network", "networks.Source", "declarations.Event"]
    for label in [*pages, "declarations.Declaration", "pledges.Pledge"]:
        for obj in apps.get_model(label).objects.all():
            response = client.get(obj.get_absolute_url())
            if response.status_code != 200:
                failures.append(f"{label} {obj.get_absolute_url()} -> {response.status_code}")
    assert failures == []


def test_manifest_counts_every_fixture_record() -> None:
    from_files: dict[str, int] = {}
    for path in sorted((ROOT / "fixtures").glob("seed_*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            label = apps.get_model(row["model"])._meta.label
            from_files[label] = from_files.get(label, 0) + 1
    assert from_files == MANIFEST["counts"]


@pytest.mark.shared
def test_every_extracted_record_is_loaded_or_its_omission_explained() -> None:
    load_seed()
    entries = {(e["extract"], e["list"], e["index"]): e for e in MANIFEST["records"]}
    problems = []
    for path in sorted((SHARED / "data").glob("seed_*.json")):
        extract = json.loads(path.read_text(encoding="utf-8"))
        for name in EXTRACT_LISTS:
            for index, _record in enumerate(extract.get(name, [])):
                entry = entries.get((path.name, name, index))
                if entry is None:
                    problems.append(f"{path.name} {name}[{index}] is not in the manifest")
                elif entry["fixture"] is None:
                    if not entry.get("omitted"):
                        problems.append(f"{path.name} {name}[{index}] omitted without a reason")
                else:
                    label, key = entry["fixture"]
                    model = apps.get_model(label)
                    try:
                        model.objects.get_by_natural_key(*key)
                    except model.DoesNotExist:
                        problems.append(f"{path.name} {name}[{index}] -> {label} {key} not loaded")
    assert problems == []


@pytest.mark.shared
def test_all_declarations_of_the_policy_paper_are_loaded() -> None:
    records = [
        e
        for e in MANIFEST["records"]
        if e["extract"] == "seed_000.json" and e["list"] == "declarations"
    ]
    assert len(records) == 31
    assert [e for e in records if e["fixture"] is None] == []


def test_every_seeded_city_point_cites_geonames() -> None:
    load_seed()
    assert Source.objects.filter(key="geonames", publisher="GeoNames").exists()
    placed = City.objects.with_coordinates()
    assert placed.exists()
    uncited = [
        city.slug
        for city in placed
        if not any(line.startswith("Coordinates: GeoNames ") for line in city.notes.splitlines())
    ]
    assert uncited == []


def test_no_region_or_district_has_coordinates() -> None:
    load_seed()
    areas = City.objects.filter(kind__in=["region", "district"])
    assert areas.exists()
    assert list(areas.with_coordinates().values_list("slug", flat=True)) == []
