"""Data package dumps: what is exported (and never), the round trip, publishing and /data/."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citydiplo import datapackage, views
from citydiplo.datapackage import TABLES
from declarations.models import Topic
from networks.models import City, Network, Source
from pledges.models import ModerationState, Objective, Pledge, ProgressReport
from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory, SourceFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

TABLE_NAMES = [
    "sources",
    "cities",
    "networks",
    "memberships",
    "event_series",
    "events",
    "event_organisers",
    "topics",
    "declarations",
    "declaration_topics",
    "signatures",
    "frameworks",
    "objectives",
    "pledges",
    "pledge_objectives",
    "pledge_partner_cities",
    "pledge_partner_networks",
    "progress_reports",
]
SECRETS = ["Secret draft pledge", "Rejected pledge text", "Secret draft report", "curator"]
PRIVATE_COLUMNS = {
    "submitted_by_id",
    "moderation_state",
    "created_at",
    "updated_at",
    "created_by_id",
}


def build_world(tag: str = "") -> dict[str, Any]:
    """One row at least in every table, published and unpublished pledges alike."""
    user = get_user_model().objects.create_user(
        username=f"curator{tag}", email=f"curator{tag}@example.org", password="x"
    )
    source = SourceFactory(url="https://example.org/report", notes="Read twice.")
    city = CityFactory(
        latitude=Decimal("50.93750"),
        longitude=Decimal("6.96028"),
        population=1_000_000,
        aliases="Köln\nCologne",
        source=source,
    )
    partner = CityFactory()
    parent = NetworkFactory(has_formal_membership=False, founded_year=2016)
    child = NetworkFactory(parent=parent)
    MembershipFactory(
        city=city, network=child, joined_on=dt.date(2016, 1, 1), joined_on_precision="year"
    )
    series = EventSeriesFactory(organiser=parent)
    event = EventFactory(
        series=series,
        edition=1,
        city=city,
        start_date=dt.date(2018, 12, 8),
        start_date_precision="day",
    )
    event.organisers.add(parent)
    topic = Topic.objects.create(name=f"Test topic {tag}", slug=f"test-topic{tag}")
    declaration = DeclarationFactory(
        issuer=parent,
        event=event,
        declared_signatory_count=30,
        declared_count_qualifier="more_than",
    )
    declaration.topics.add(topic)
    SignatureFactory(
        declaration=declaration,
        city=city,
        signed_on=dt.date(2019, 6, 1),
        signed_on_precision="month",
    )
    objective = Objective.objects.get(framework="GCM", number=15)
    published = PledgeFactory(
        city=city,
        event=event,
        source=source,
        submitted_by=user,
        made_on=dt.date(2018, 12, 10),
        made_on_precision="day",
    )
    published.objectives.add(objective)
    published.partner_cities.add(partner)
    published.partner_networks.add(child)
    ProgressReport.objects.create(
        pledge=published,
        reported_on=dt.date(2020, 1, 1),
        status="in_progress",
        narrative="Half done.",
        created_by=user,
    )
    draft = PledgeFactory(
        city=city,
        title=f"Secret draft pledge{tag}",
        moderation_state=ModerationState.DRAFT,
        submitted_by=user,
    )
    draft.objectives.add(Objective.objects.get(framework="GCM", number=1))
    draft.partner_cities.add(partner)
    draft.partner_networks.add(parent)
    ProgressReport.objects.create(
        pledge=draft,
        reported_on=dt.date(2020, 1, 1),
        status="planning",
        narrative="Secret draft report",
    )
    rejected = PledgeFactory(title=f"Rejected pledge text{tag}", moderation_state="rejected")
    return {"published": published, "draft": draft, "rejected": rejected, "city": city}


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


@pytest.fixture
def seeded() -> dict[str, Any]:
    call_command("load_seed", stdout=io.StringIO())
    return build_world()


def export(directory: Path, *args: str) -> dict[str, Any]:
    call_command("export_datapackage", str(directory), *args, stdout=io.StringIO())
    return json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))


def import_(directory: Path) -> str:
    out = io.StringIO()
    call_command("import_datapackage", str(directory), stdout=out)
    return out.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def wipe(*, keep_reference: bool = False) -> None:
    """Empty every exported table, dependents first (the state of a fresh database)."""
    Network.objects.update(parent=None)  # the self-reference would PROTECT the parents
    for table in reversed(TABLES):
        if not (keep_reference and table.reference):
            table.model._base_manager.all().delete()


def rehash(directory: Path, name: str) -> None:
    """Make the descriptor agree with an edited CSV, as a forger (or a careless hand) would."""
    descriptor_path = directory / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    data = (directory / f"{name}.csv").read_bytes()
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


def assert_nothing_secret(directory: Path) -> None:
    for path in directory.iterdir():
        text = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in text, (secret, path.name)


# --- the descriptor ---------------------------------------------------------------------------


def test_descriptor_follows_the_tabular_data_package_spec(world, tmp_path):
    descriptor = export(tmp_path / "out")

    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "citydiplo"
    today = timezone.now().date()
    assert descriptor["version"] == f"{today.year}.{today.month}.{today.day}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", descriptor["created"])
    assert descriptor["id"]
    assert descriptor["title"]
    assert descriptor["description"]
    assert descriptor["keywords"]
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    expected_sources = [
        {"title": s.title, **({"path": s.url} if s.url else {})}
        for s in Source.objects.order_by("pk")
    ]
    assert descriptor["sources"] == expected_sources
    assert {"title": world["published"].source.title, "path": "https://example.org/report"} in (
        descriptor["sources"]
    )
    assert [r["name"] for r in descriptor["resources"]] == TABLE_NAMES


def test_every_resource_is_described_hashed_and_typed(world, tmp_path):
    out = tmp_path / "out"
    descriptor = export(out)
    resources = {r["name"]: r for r in descriptor["resources"]}

    for name, resource in resources.items():
        data = (out / resource["path"]).read_bytes()
        assert resource["path"] == f"{name}.csv"
        assert resource["profile"] == "tabular-data-resource"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["description"].strip()
        schema = resource["schema"]
        assert schema["primaryKey"] == "id"
        assert schema["missingValues"] == [""]
        for column in schema["fields"]:
            assert column["type"] in {"string", "integer", "number", "boolean", "date", "datetime"}
            assert column["title"].strip(), (name, column["name"])
            assert column["description"].strip().endswith("."), (name, column["name"])
            # Written out, not the bare verbose_name ("Date.") a reader learns nothing from.
            assert column["description"] != f"{column['title']}.", (name, column["name"])
            assert len(column["description"]) > 20, (name, column["name"])
        names = [c["name"] for c in schema["fields"]]
        for fk in schema.get("foreignKeys", []):
            assert fk["fields"] in names
            target = resources[fk["reference"]["resource"] or name]
            assert fk["reference"]["fields"] in [c["name"] for c in target["schema"]["fields"]]

    def column(resource: str, name: str) -> dict[str, Any]:
        return next(c for c in resources[resource]["schema"]["fields"] if c["name"] == name)

    assert column("cities", "kind")["constraints"]["enum"] == [
        "city",
        "municipality",
        "district",
        "region",
    ]
    assert column("memberships", "joined_on_precision")["constraints"]["enum"] == [
        "year",
        "month",
        "day",
    ]
    assert column("cities", "latitude")["type"] == "number"
    assert column("networks", "has_formal_membership")["type"] == "boolean"
    assert column("pledges", "made_on")["type"] == "date"
    assert column("pledges", "uuid")["format"] == "uuid"
    assert column("objectives", "framework_id")["type"] == "string"
    assert {"fields": "parent_id", "reference": {"resource": "", "fields": "id"}} in resources[
        "networks"
    ]["schema"]["foreignKeys"]
    assert {
        "fields": "framework_id",
        "reference": {"resource": "frameworks", "fields": "code"},
    } in (resources["objectives"]["schema"]["foreignKeys"])


def test_data_license_setting_replaces_the_default(world, tmp_path, settings):
    settings.DATA_LICENSE = {
        "name": "ODbL-1.0",
        "path": "https://opendatacommons.org/licenses/odbl/",
    }
    assert export(tmp_path / "out")["licenses"] == [settings.DATA_LICENSE]


# --- the CSV files ----------------------------------------------------------------------------


def test_csv_files_have_stable_formatting(world, tmp_path):
    out = tmp_path / "out"
    descriptor = export(out)

    for resource in descriptor["resources"]:
        data = (out / resource["path"]).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
        header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert header == [c["name"] for c in resource["schema"]["fields"]]
        ids = [int(row["id"]) for row in read_csv(out / resource["path"])]
        assert ids == sorted(ids), resource["name"]

    city = world["city"]
    cities = {row["id"]: row for row in read_csv(out / "cities.csv")}
    row = cities[str(city.pk)]
    assert (row["latitude"], row["longitude"]) == ("50.93750", "6.96028")
    assert row["country"] == "DE"
    assert row["aliases"] == "Köln\nCologne"
    assert row["source_id"] == str(city.source_id)
    assert row["wikidata_id"] == ""
    networks = read_csv(out / "networks.csv")
    assert {n["has_formal_membership"] for n in networks} == {"true", "false"}
    assert {n["parent_id"] for n in networks} == {"", str(Network.objects.get(parent=None).pk)}
    pledge = next(r for r in read_csv(out / "pledges.csv") if r["id"] == str(world["published"].pk))
    assert (pledge["made_on"], pledge["made_on_precision"]) == ("2018-12-10", "day")
    assert pledge["uuid"] == str(world["published"].uuid)
    assert (pledge["planned_start"], pledge["network_id"]) == ("", "")
    objectives = read_csv(out / "objectives.csv")
    assert len(objectives) == Objective.objects.count()
    assert objectives[0]["framework_id"] in {"GCM", "GCR", "SDG"}


def test_private_columns_and_unpublished_pledges_are_never_exported(world, tmp_path):
    out = tmp_path / "out"
    descriptor = export(out)

    for resource in descriptor["resources"]:
        columns = {c["name"] for c in resource["schema"]["fields"]}
        if resource["name"] != "frameworks":  # its "source" is the citation text
            assert not columns & PRIVATE_COLUMNS, resource["name"]
    assert_nothing_secret(out)
    assert "curator@example.org" not in (out / "datapackage.json").read_text(encoding="utf-8")

    published = world["published"]
    assert [r["id"] for r in read_csv(out / "pledges.csv")] == [str(published.pk)]
    for name in ("pledge_objectives", "pledge_partner_cities", "pledge_partner_networks"):
        assert {r["pledge_id"] for r in read_csv(out / f"{name}.csv")} == {str(published.pk)}
    reports = read_csv(out / "progress_reports.csv")
    assert [r["narrative"] for r in reports] == ["Half done."]
    assert list(reports[0]) == [
        "id",
        "pledge_id",
        "reported_on",
        "status",
        "narrative",
        "evidence_url",
        "review_id",
    ]


def test_export_costs_one_query_per_table_however_many_rows(world, tmp_path):
    def queries(directory: Path) -> int:
        with CaptureQueriesContext(connection) as ctx:
            datapackage.export_package(directory)
        return len(ctx)

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    few = queries(tmp_path / "a")
    for i in range(4):
        build_world(tag=f"-{i}")
    assert queries(tmp_path / "b") == few
    assert few <= len(TABLES) + 4  # the tables, the sources list, savepoints


def test_export_refuses_a_non_empty_directory_unless_forced(world, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="not empty"):
        export(out)
    assert not (out / "datapackage.json").exists()

    export(out, "--force")
    assert (out / "pledges.csv").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_export_needs_exactly_one_destination(tmp_path):
    with pytest.raises(CommandError, match="OUT_DIR or --publish"):
        call_command("export_datapackage", stdout=io.StringIO())
    with pytest.raises(CommandError, match="OUT_DIR or --publish"):
        call_command("export_datapackage", str(tmp_path), "--publish", stdout=io.StringIO())


# --- round trip and import --------------------------------------------------------------------


def test_round_trip_gives_byte_identical_csv_files(seeded, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    export(first)
    n_published = Pledge.objects.published().count()
    assert Pledge.objects.count() == n_published + 2  # the draft and the rejected pledge

    wipe()
    assert not City.objects.exists()
    assert not Objective.objects.exists()
    import_(first)
    export(second)

    for table in TABLES:
        assert (first / table.filename).read_bytes() == (second / table.filename).read_bytes(), (
            table.name
        )
    assert Pledge.objects.count() == Pledge.objects.published().count() == n_published
    assert_nothing_secret(first)
    assert_nothing_secret(second)
    assert City.objects.filter(name="Cologne", slug="cologne").exists()


def test_import_accepts_reference_data_put_there_by_migrations(world, tmp_path):
    export(tmp_path / "first")
    wipe(keep_reference=True)
    out = import_(tmp_path / "first")

    assert "objectives: 0 rows" in out  # left as the migration made them
    export(tmp_path / "second")
    for table in TABLES:
        assert (tmp_path / "first" / table.filename).read_bytes() == (
            tmp_path / "second" / table.filename
        ).read_bytes()


def test_import_refuses_reference_data_that_differs(world, tmp_path):
    export(tmp_path / "out")
    wipe(keep_reference=True)
    Objective.objects.filter(framework="GCM", number=15).update(title="Edited here")

    with pytest.raises(CommandError, match=r"not empty.*objectives"):
        import_(tmp_path / "out")
    assert not City.objects.exists()


def test_import_refuses_a_database_that_holds_any_data(world, tmp_path):
    export(tmp_path / "out")
    wipe()
    Topic.objects.create(name="Entered by hand", slug="entered-by-hand")

    with pytest.raises(CommandError, match=r"not empty \(topics hold rows\)"):
        import_(tmp_path / "out")
    assert not City.objects.exists()
    assert list(Topic.objects.values_list("slug", flat=True)) == ["entered-by-hand"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda data: data.replace(b"Half done.", b"Half gone."), "does not match its sha256"),
        (lambda data: data + b"99,1,2020-01-01,planning,Added,\r\n", "bytes"),
    ],
    ids=["changed", "appended"],
)
def test_import_checks_every_file_before_writing(world, tmp_path, edit, message):
    out = tmp_path / "out"
    export(out)
    wipe()
    reports = out / "progress_reports.csv"
    reports.write_bytes(edit(reports.read_bytes()))

    with pytest.raises(CommandError, match=message):
        import_(out)
    assert not Source.objects.exists()  # the first table was not written either


def test_import_is_all_or_nothing(world, tmp_path):
    out = tmp_path / "out"
    export(out)
    wipe()
    # The last table refers to a pledge that is not in the package; the hash is made to match.
    reports = out / "progress_reports.csv"
    rows = reports.read_text(encoding="utf-8").splitlines()
    rows[1] = re.sub(r"^(\d+),\d+,", r"\1,987654,", rows[1])
    reports.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8", newline="")
    rehash(out, "progress_reports")

    with pytest.raises(CommandError, match="nothing was imported"):
        import_(out)
    for table in TABLES:
        assert not table.model._base_manager.exists(), table.name


def test_import_refuses_paths_outside_the_package(world, tmp_path):
    out = tmp_path / "out"
    export(out)
    wipe()
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../elsewhere.csv"
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(CommandError, match="must have path"):
        import_(out)


@pytest.mark.postgres
def test_import_moves_the_id_sequences_past_the_imported_rows(world, tmp_path):
    export(tmp_path / "out")
    wipe()
    models = [t.model for t in TABLES]
    with connection.cursor() as cursor:  # as in a freshly created database
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    import_(tmp_path / "out")

    highest = Pledge.objects.order_by("-pk").values_list("pk", flat=True)[0]
    city = CityFactory()  # would collide with imported id 1 if the sequence stayed put
    pledge = PledgeFactory(city=city)
    pledge.objectives.add(Objective.objects.first())
    pledge.partner_cities.add(world["city"].pk)
    assert pledge.pk > highest
    assert city.pk > max(City.objects.exclude(pk=city.pk).values_list("pk", flat=True))


# --- publishing and /data/ --------------------------------------------------------------------


def fake_zip(directory: Path, day: dt.date) -> Path:
    path = directory / datapackage.package_filename(day)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("datapackage.json", "{}")
    return path


def test_publish_writes_a_dated_zip_and_keeps_the_five_newest(world, tmp_path, settings):
    settings.DATAPACKAGE_DIR = tmp_path
    old = [fake_zip(tmp_path, dt.date(2001, 1, day)) for day in range(1, 7)]
    (tmp_path / "README.txt").write_text("not a package", encoding="utf-8")

    call_command("export_datapackage", "--publish", stdout=io.StringIO())
    call_command("export_datapackage", "--publish", stdout=io.StringIO())  # same day: replaced

    today = datapackage.package_filename(timezone.now().date())
    kept = sorted(p.name for p in tmp_path.glob("*.zip"))
    assert kept == sorted([today, *(p.name for p in old[-4:])])
    assert (tmp_path / "README.txt").exists()
    assert not list(tmp_path.glob(".*"))  # no partial file left behind
    with zipfile.ZipFile(tmp_path / today) as zf:
        descriptor = json.loads(zf.read("datapackage.json"))
        for resource in descriptor["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert descriptor["version"] == datapackage.package_version(timezone.now().date())


def test_data_page_lists_published_packages_newest_first(world, tmp_path, settings, client):
    settings.DATAPACKAGE_DIR = tmp_path
    older = fake_zip(tmp_path, dt.date(2001, 1, 1))
    call_command("export_datapackage", "--publish", stdout=io.StringIO())
    newest = tmp_path / datapackage.package_filename(timezone.now().date())

    response = client.get(reverse("site:data"))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index(newest.name) < html.index(older.name)
    assert hashlib.sha256(newest.read_bytes()).hexdigest() in html
    assert reverse("site:data-download", kwargs={"filename": newest.name}) in html
    assert reverse("site:data-latest") in html
    assert "/api/v1/docs/" in html
    assert "Creative Commons Attribution 4.0" in html
    assert "pledge_partner_cities.csv" in html
    assert f"version {datapackage.package_version(timezone.now().date())}" in html


def test_download_serves_the_zip_as_an_attachment(world, tmp_path, settings, client):
    settings.DATAPACKAGE_DIR = tmp_path
    call_command("export_datapackage", "--publish", stdout=io.StringIO())
    name = datapackage.package_filename(timezone.now().date())

    response = client.get(reverse("site:data-download", kwargs={"filename": name}))
    content = b"".join(response.streaming_content)
    response.close()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert json.loads(zf.read("datapackage.json"))["name"] == "citydiplo"


def test_latest_redirects_to_the_newest_file(tmp_path, settings, client):
    settings.DATAPACKAGE_DIR = tmp_path
    fake_zip(tmp_path, dt.date(2001, 1, 1))
    newest = fake_zip(tmp_path, dt.date(2001, 2, 1))

    response = client.get(reverse("site:data-latest"))

    assert response.status_code == 302
    assert response["Location"] == reverse("site:data-download", kwargs={"filename": newest.name})


@pytest.mark.parametrize(
    "filename",
    [
        "settings.zip",
        "citydiplo-datapackage-2001-13-01.zip",  # the pattern, but no date
        "citydiplo-datapackage-2001-01-01.zip.bak",
        "citydiplo-datapackage-2001-01-02.zip",  # well formed, not there
        "citydiplo-datapackage-2001-01-03.zip",  # a directory of that name
    ],
)
def test_download_refuses_anything_but_a_published_file(tmp_path, settings, client, filename):
    settings.DATAPACKAGE_DIR = tmp_path
    fake_zip(tmp_path, dt.date(2001, 1, 1))
    (tmp_path / "settings.zip").write_bytes(b"PK")
    (tmp_path / "citydiplo-datapackage-2001-01-01.zip.bak").write_bytes(b"PK")
    (tmp_path / "citydiplo-datapackage-2001-01-03.zip").mkdir()

    response = client.get(reverse("site:data-download", kwargs={"filename": filename}))
    assert response.status_code == 404


def test_download_never_builds_a_path_from_the_request(tmp_path, settings, rf):
    settings.DATAPACKAGE_DIR = tmp_path / "packages"
    secret = tmp_path / "citydiplo-datapackage-2001-01-01.zip"
    secret.write_bytes(b"PK")
    for filename in ("../citydiplo-datapackage-2001-01-01.zip", str(secret)):
        with pytest.raises(Http404):
            views.data_download(rf.get("/"), filename)
    assert datapackage.package_date("../citydiplo-datapackage-2001-01-01.zip") is None


@pytest.mark.parametrize("exists", [True, False], ids=["empty-dir", "no-dir"])
def test_pages_without_any_package_are_friendly(tmp_path, settings, client, exists):
    directory = tmp_path / "packages"
    if exists:
        directory.mkdir()
    settings.DATAPACKAGE_DIR = directory

    page = client.get(reverse("site:data"))
    latest = client.get(reverse("site:data-latest"))

    assert page.status_code == 200
    assert "No data package has been published yet" in page.content.decode()
    assert latest.status_code == 404
    assert "No data package has been published yet" in latest.content.decode()
    assert "How to cite" in latest.content.decode()
