"""Generated demo data: valid row by row, deterministic, skewed like the field, kept apart from
the curated knowledge base, and served by the public pages and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import statistics
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models

from citydiplo import demo_data
from citydiplo.demo_data import Plan, generate, is_demo_database
from declarations.models import Declaration, Event, EventSeries, Signature, Topic
from networks.dates import normalise
from networks.models import City, Membership, Network, Source, Sourced
from pledges.models import (
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    ModerationState,
    Objective,
    Pledge,
    ProgressReport,
)
from tests.networks.factories import CityFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

SMALL = {"cities": 40, "pledges": 300}
SEED_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

GENERATED = demo_data.GENERATED_MODELS
# Lookups that name a row without its primary key, which differs from run to run.
NATURAL_KEYS = {
    "Objective": ["framework_id", "number"],
    "Framework": ["code"],
    "User": ["username"],
}


def natural_key(model: type[models.Model]) -> list[str]:
    if model.__name__ in NATURAL_KEYS:
        return NATURAL_KEYS[model.__name__]
    names = {f.name for f in model._meta.concrete_fields}
    return [next(key for key in ("slug", "key", "uuid") if key in names)]


def digest() -> str:
    """A hash of every generated row's values, related rows by their natural keys: equal for
    equal data whatever the primary keys."""
    h = hashlib.sha256()
    for model in GENERATED:
        columns = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.is_relation:
                columns += [f"{f.name}__{key}" for key in natural_key(f.related_model)]
            else:
                columns.append(f.name)
        rows = sorted(map(repr, model.objects.values_list(*columns)))
        h.update(f"{model._meta.label}:{len(rows)}\n".encode())
        h.update("\n".join(rows).encode())
    return h.hexdigest()


def table_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in GENERATED}


@pytest.fixture
def demo() -> dict[str, int]:
    return generate(**SMALL, seed=1)


# --- the rows --------------------------------------------------------------------------------


def test_the_plan_derives_every_size_from_cities_and_pledges() -> None:
    plan = Plan.for_sizes(cities=10_000, pledges=100_000)
    assert (plan.networks, plan.events, plan.declarations, plan.event_series) == (50, 200, 100, 10)
    assert Plan.for_sizes(cities=10_000, pledges=1, networks=7).networks == 7
    with pytest.raises(ValueError, match="cities"):
        Plan.for_sizes(cities=1, pledges=10)


def test_small_scale_fills_every_table_with_valid_sourced_rows(demo) -> None:
    assert list(demo) == list(demo_data.TABLES)
    assert all(demo.values()), demo
    assert demo["sources"] == 1
    assert demo["cities"] == 40
    assert demo["pledges"] == 300
    assert sum(table_counts().values()) == sum(demo.values())
    assert is_demo_database()
    source = Source.objects.get()
    assert source.key == demo_data.DEMO_SOURCE_KEY
    assert "synthetic" in source.title
    for model in [m for m in GENERATED if issubclass(m, Sourced)]:
        assert not model.objects.exclude(source=source).exists(), model
    assert not Topic.objects.exclude(slug__startswith="demo-").exists()
    assert not EventSeries.objects.exclude(slug__startswith="demo-").exists()
    assert Network.objects.filter(name__startswith="Demo Network ").count() == demo["networks"]

    # What the forms would accept, although bulk inserts skipped them; dates come normalised.
    for model in (City, Network, Membership, Event, Declaration, Signature, Pledge):
        for row in model.objects.all():
            before = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
            row.clean_fields()
            row.clean()
            after = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
            assert before == after, row
    for report in ProgressReport.objects.select_related("pledge"):
        report.clean_fields()
        assert report.pledge.moderation_state == ModerationState.PUBLISHED

    submitted = Pledge.objects.filter(moderation_state=ModerationState.SUBMITTED)
    assert submitted.exists()
    for pledge in submitted:
        assert pledge.city_id is not None
        assert SUBMIT_DESCRIPTION_MIN <= len(pledge.description) <= SUBMIT_DESCRIPTION_MAX
    for pledge in Pledge.objects.filter(made_on__isnull=False):
        assert pledge.made_on == normalise(pledge.made_on, pledge.made_on_precision)
        assert dt.date(2010, 1, 1) <= pledge.made_on <= dt.date(2026, 12, 31)
    per_pledge = Counter(Pledge.objectives.through.objects.values_list("pledge_id", flat=True))
    assert len(per_pledge) == 300
    assert set(per_pledge.values()) <= {1, 2, 3, 4}
    assert Objective.objects.count() == 44  # the migrations' rows, none added


def test_invented_names_are_not_the_seed_cities(demo) -> None:
    seed_names = {
        item["fields"]["name"]
        for path in SEED_FIXTURES.glob("seed_*.json")
        for item in json.loads(path.read_text(encoding="utf-8"))
        if item["model"] == "networks.city"
    }
    assert seed_names
    assert not seed_names & set(City.objects.values_list("name", flat=True))


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    generate(**SMALL, seed=1)
    first = digest()
    generate(**SMALL, seed=2, replace=True)
    other = digest()
    generate(**SMALL, seed=1, replace=True)
    assert digest() == first
    assert other != first


def test_proportions_are_skewed_like_the_field() -> None:
    counts = generate(cities=200, pledges=2000, seed=5)
    assert counts["networks"] == round(5 * 200**0.25)
    # ~3 memberships a city; a few big networks, most small.
    assert 2.7 <= counts["memberships"] / 200 <= 3.3
    members = sorted(
        Membership.objects.values("network")
        .annotate(n=models.Count("pk"))
        .values_list("n", flat=True)
    )
    assert members[-1] >= 8 * statistics.median(members)
    # Signatures: the most signed declaration holds many times the typical one.
    signed = sorted(
        Signature.objects.values("declaration")
        .annotate(n=models.Count("pk"))
        .values_list("n", flat=True)
    )
    assert signed[-1] >= 4 * statistics.median(signed)
    # Pledges: a few cities with very many, many with none.
    per_city = Counter(Pledge.objects.exclude(city=None).values_list("city_id", flat=True))
    assert 0.2 <= 1 - len(per_city) / 200 <= 0.4
    assert max(per_city.values()) >= 10 * statistics.median(per_city.values())
    states = Counter(Pledge.objects.values_list("moderation_state", flat=True))
    assert set(states) == set(ModerationState.values)
    assert 0.72 <= states[ModerationState.PUBLISHED] / 2000 <= 0.88
    reports = ProgressReport.objects.count() / states[ModerationState.PUBLISHED]
    assert 0.35 <= reports <= 0.7
    links = Pledge.objectives.through.objects.count() / 2000
    assert 1.8 <= links <= 2.3
    assert Pledge.objects.exclude(event=None).count() > 0.15 * 2000
    assert Pledge.objects.filter(city=None).exclude(network=None).exists()
    countries = Counter(City.objects.values_list("country", flat=True))
    assert countries.most_common(1)[0][1] >= 5 * statistics.median(countries.values())
    assert set(Pledge.objects.values_list("made_on_precision", flat=True)) == {
        "",
        "day",
        "month",
        "year",
    }


# --- kept apart from the knowledge base -------------------------------------------------------


def test_a_database_with_curated_records_is_refused_and_nothing_written() -> None:
    CityFactory(name="Cologne", slug="cologne")
    before = table_counts()
    with pytest.raises(CommandError, match=r"curated records \(1 cities\).*DATABASE_URL"):
        call_command("generate_demo_data", cities=40, pledges=300, seed=1, stderr=StringIO())
    assert table_counts() == before
    assert not is_demo_database()


def test_a_curated_source_alone_is_enough_to_refuse() -> None:
    SourceFactory()
    with pytest.raises(demo_data.DemoDataRefused, match="1 sources"):
        generate(**SMALL, seed=1)
    assert not City.objects.exists()


def test_demo_data_is_replaced_only_when_asked(demo) -> None:
    first = digest()
    # Someone tried the workflow in the demo database: a draft of a demo city, with a history.
    city = City.objects.order_by("pk").first()
    PledgeFactory(city=city, title="Tried out", moderation_state=ModerationState.DRAFT)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_demo_data", **SMALL, seed=1, stderr=StringIO())
    out = StringIO()
    call_command("generate_demo_data", **SMALL, seed=1, replace=True, stdout=out, stderr=StringIO())
    assert "Demo data generated" in out.getvalue()
    assert digest() == first
    assert not Pledge.objects.filter(title="Tried out").exists()
    assert not Pledge.history.filter(title="Tried out").exists()


def test_load_seed_and_export_datapackage_refuse_a_demo_database(demo, tmp_path, settings) -> None:
    before = table_counts()
    with pytest.raises(CommandError, match="demo data"):
        call_command("load_seed", stdout=StringIO())
    assert table_counts() == before
    out_dir = tmp_path / "package"
    with pytest.raises(CommandError, match="demo data"):
        call_command("export_datapackage", str(out_dir), stdout=StringIO())
    assert not out_dir.exists()
    settings.DATAPACKAGE_DIR = tmp_path / "published"
    with pytest.raises(CommandError, match="demo data"):
        call_command("export_datapackage", publish=True, stdout=StringIO())
    assert not (tmp_path / "published").exists()


# --- the command ------------------------------------------------------------------------------


def test_the_command_reports_each_phase_and_a_summary() -> None:
    out, err = StringIO(), StringIO()
    call_command("generate_demo_data", **SMALL, seed=1, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()  # not a terminal: one line per phase, no \r
    assert "\r" not in err.getvalue()
    assert any(line.startswith("cities: 40 done in ") for line in lines)
    assert any(line.startswith("pledges: 300 done in ") for line in lines)
    summary = out.getvalue()
    assert "pledge_objectives" in summary
    assert "Demo data generated:" in summary
    assert " rows in " in summary


def test_bad_sizes_are_command_errors() -> None:
    with pytest.raises(CommandError):
        call_command("generate_demo_data", cities=1, pledges=3, seed=1, stderr=StringIO())
    with pytest.raises(CommandError, match="negative"):
        call_command("generate_demo_data", cities=5, pledges=-1, seed=1, stderr=StringIO())
    assert not is_demo_database()


# --- served ------------------------------------------------------------------------------------


def test_public_pages_and_the_api_answer_over_generated_data(demo, client) -> None:
    city = (
        City.objects.annotate(n=models.Count("pledges")).order_by("-n", "pk").first()
    )  # the busiest profile
    pledge = Pledge.objects.published().exclude(city=None).order_by("pk").first()
    network = Network.objects.order_by("pk").first()
    declaration = Declaration.objects.order_by("pk").first()
    event = Event.objects.order_by("pk").first()
    for url in (
        "/",
        "/cities/",
        "/pledges/",
        city.get_absolute_url(),
        network.get_absolute_url(),
        declaration.get_absolute_url(),
        event.get_absolute_url(),
        pledge.get_absolute_url(),
        "/api/v1/pledges/",
        f"/api/v1/pledges/{pledge.pk}/",
        f"/api/v1/cities/{city.slug}/",
        # No history rows were written: the history answers, empty.
        f"/api/v1/cities/{city.slug}/history/",
        f"/api/v1/pledges/{pledge.pk}/history/",
    ):
        assert client.get(url).status_code == 200, url
    found = client.get("/search/", {"q": city.name})
    assert found.status_code == 200
    assert city.get_absolute_url() in found.content.decode()
    assert client.get(f"/api/v1/pledges/{pledge.pk}/history/").json() == {"results": []}


def test_draft_and_other_unpublished_pledges_stay_out_of_the_api(demo, client) -> None:
    published = Pledge.objects.published().count()
    assert 0 < published < Pledge.objects.count()
    body = client.get("/api/v1/pledges/", {"count": "true", "page_size": 1}).json()
    assert body["count"] == published
    listed = {
        int(line.split(",", 1)[0])
        for line in b"".join(client.get("/api/v1/pledges/", {"format": "csv"}).streaming_content)
        .decode()
        .splitlines()[1:]
    }
    unpublished = set(
        Pledge.objects.exclude(moderation_state="published").values_list("pk", flat=True)
    )
    assert listed == set(Pledge.objects.published().values_list("pk", flat=True))
    assert not listed & unpublished
    draft = Pledge.objects.filter(moderation_state=ModerationState.DRAFT).first()
    assert client.get(f"/api/v1/pledges/{draft.pk}/").status_code == 404


def gin_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
            " WHERE am.amname = 'gin'"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
def test_postgresql_search_indexes_are_rebuilt_and_tables_analysed(client) -> None:
    before = gin_indexes()
    assert any("pledges_pledge" in definition for definition in before)
    generate(**SMALL, seed=1)
    assert gin_indexes() == before  # dropped for the load, built again as they were
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Pledge._meta.db_table]
        )
        (reltuples,) = cursor.fetchone()
    assert reltuples == 300  # ANALYZE ran: the planner knows the table's size
    city = City.objects.order_by("pk").first()
    found = client.get("/search/", {"q": city.name})
    assert city.get_absolute_url() in found.content.decode()
