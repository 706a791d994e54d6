"""Bulk curation in the admin: CSV/XLSX/JSON export and a previewed, all-or-nothing import."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.models import User
from networks.models import City, Membership, Network, Role
from networks.resources import (
    CITY_COLUMNS,
    MEMBERSHIP_COLUMNS,
    NETWORK_COLUMNS,
    MembershipResource,
)
from tests.networks.factories import (
    CityFactory,
    MembershipFactory,
    NetworkFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]


# --- helpers (also used by tests/declarations/test_admin_import.py) ---------------------------


def admin_url(model: type[models.Model], view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def format_index(model: type[models.Model], title: str) -> str:
    """The position of a format in the admin's choice list, as the form posts it."""
    titles = [f().get_title() for f in admin.site._registry[model].get_import_formats()]
    return str(titles.index(title))


def export(client: Client, model: type[models.Model], fmt: str, **extra: str) -> tablib.Dataset:
    response = client.post(
        admin_url(model, "export"), {"format": format_index(model, fmt), "resource": "0"}, **extra
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    content = response.content if fmt == "xlsx" else response.content.decode()
    return tablib.Dataset().load(content, format=fmt)


def to_file(headers: tuple[str, ...] | list[str], rows: list[tuple], fmt: str = "csv") -> bytes:
    data = tablib.Dataset(*rows, headers=list(headers)).export(fmt)
    return data.encode() if isinstance(data, str) else data


def dataset_file(dataset: tablib.Dataset, fmt: str) -> bytes:
    data = dataset.export(fmt)
    return data.encode() if isinstance(data, str) else data


def preview(client: Client, model: type[models.Model], content: bytes, fmt: str = "csv"):
    """The import form's first step: a dry run that shows the preview or the failing rows."""
    upload = SimpleUploadedFile(f"curation.{fmt}", content)
    response = client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": format_index(model, fmt), "import_file": upload},
    )
    assert response.status_code == 200
    assert response.context["result"] is not None
    return response


def confirm(client: Client, model: type[models.Model], previewed):
    form = previewed.context.get("confirm_form")
    assert form is not None, "the preview offered no confirm step"
    return client.post(admin_url(model, "process_import"), form.initial, follow=True)


def totals(previewed) -> dict[str, int]:
    result = previewed.context["result"]
    return {kind: result.totals[kind] for kind in ("new", "update", "skip", "invalid", "error")}


def invalid_rows(previewed) -> dict[int, str]:
    """Row number -> every message on that row, as the preview table lists them."""
    result = previewed.context["result"]
    return {
        row.number: " ".join(m for messages in row.error_dict.values() for m in messages)
        for row in result.invalid_rows
    }


def text(response) -> str:
    return response.content.decode()


def snapshot(model: type[models.Model]) -> list[dict]:
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def curator(client: Client) -> Client:
    user = User.objects.create_superuser("curator", "curator@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def curated() -> dict[str, models.Model]:
    """A small graph with every column filled somewhere: sources, a section, dated memberships."""
    source = SourceFactory(key="un-report")
    berlin = CityFactory(
        name="Berlin",
        slug="berlin",
        country="DE",
        population=3_600_000,
        latitude=Decimal("52.52"),
        longitude=Decimal("13.405"),
        aliases="Berlín\nBerlino",
        wikidata_id="Q64",
        source=source,
        source_locator="p. 4",
        notes="Capital, city and state.",
    )
    palermo = CityFactory(name="Palermo", slug="palermo", country="IT")
    eurocities = NetworkFactory(
        name="Eurocities",
        slug="eurocities",
        acronym="EC",
        scope="regional",
        region="Europe",
        founded_year=1986,
        website="https://eurocities.eu",
        source=source,
    )
    section = NetworkFactory(name="Eurocities Migration", slug="ec-migration", parent=eurocities)
    MembershipFactory(
        city=berlin,
        network=eurocities,
        role=Role.FOUNDER,
        joined_on=dt.date(1986, 1, 1),
        joined_on_precision="year",
        left_on=dt.date(2020, 7, 1),
        left_on_precision="month",
        source=source,
        source_locator="annex",
    )
    MembershipFactory(city=palermo, network=section)
    return {"source": source, "berlin": berlin, "palermo": palermo, "eurocities": eurocities}


# --- pages ------------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>")
INLINE_HANDLER_OR_STYLE = re.compile(r"\s(on[a-z]+|style)\s*=", re.IGNORECASE)


def assert_csp_clean(response) -> None:
    """No inline script, event handler or style attribute: the site's CSP would block them."""
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = text(response)
    assert not INLINE_SCRIPT.findall(html)
    assert not INLINE_HANDLER_OR_STYLE.findall(html)


@pytest.mark.parametrize("model", [City, Network, Membership])
def test_import_and_export_pages_work_under_the_strict_csp(curator, model) -> None:
    changelist = text(curator.get(admin_url(model, "changelist")))
    assert admin_url(model, "import") in changelist
    assert admin_url(model, "export") in changelist
    for view in ("import", "export"):
        response = curator.get(admin_url(model, view))
        assert response.status_code == 200
        assert_csp_clean(response)
        html = text(response)
    formats = re.findall(r'<option value="\d+">(\w+)</option>', html)
    assert formats == FORMATS


def test_import_needs_add_and_change_permissions(client, curated) -> None:
    """A staff member who may only look at cities may export them, not import over them."""
    viewer = User.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_city"))
    client.force_login(viewer)
    assert export(client, City, "csv")
    changelist = text(client.get(admin_url(City, "changelist")))
    assert admin_url(City, "import") not in changelist
    assert client.get(admin_url(City, "import")).status_code == 403
    content = to_file(("slug", "name", "country"), [("naples", "Naples", "IT")])
    upload = SimpleUploadedFile("curation.csv", content)
    response = client.post(
        admin_url(City, "import"),
        {"resource": "0", "format": format_index(City, "csv"), "import_file": upload},
    )
    assert response.status_code == 403
    assert not City.objects.filter(slug="naples").exists()
    assert client.get(admin_url(Network, "export")).status_code == 403


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_city_export_names_relations_by_key(curator, curated, fmt) -> None:
    rows = export(curator, City, fmt)
    assert tuple(rows.headers) == CITY_COLUMNS
    berlin = next(row for row in rows.dict if row["slug"] == "berlin")
    assert berlin["country"] == "DE"
    assert berlin["source"] == "un-report"
    assert berlin["aliases"] == "Berlín\nBerlino"
    assert Decimal(str(berlin["latitude"])) == Decimal("52.52")
    assert {row["slug"] for row in rows.dict} == {"berlin", "palermo"}


def test_export_numbers_do_not_follow_the_interface_language(curator, curated) -> None:
    """A German-speaking curator's file must read "52.52", not "52,52", to import anywhere."""
    rows = export(curator, City, "csv", HTTP_ACCEPT_LANGUAGE="de")
    berlin = next(row for row in rows.dict if row["slug"] == "berlin")
    assert Decimal(berlin["latitude"]) == Decimal("52.52")
    assert berlin["population"] == "3600000"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_network_export_names_parent_by_slug(curator, curated, fmt) -> None:
    rows = export(curator, Network, fmt)
    assert tuple(rows.headers) == NETWORK_COLUMNS
    by_slug = {row["slug"]: row for row in rows.dict}
    assert by_slug["ec-migration"]["parent"] == "eurocities"
    assert by_slug["eurocities"]["parent"] in ("", None)
    assert by_slug["eurocities"]["source"] == "un-report"
    assert str(by_slug["eurocities"]["founded_year"]) == "1986"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_membership_export_names_city_and_network_by_slug(curator, curated, fmt) -> None:
    rows = export(curator, Membership, fmt)
    assert tuple(rows.headers) == MEMBERSHIP_COLUMNS
    founder = next(row for row in rows.dict if row["role"] == "founder")
    assert (founder["city"], founder["network"], founder["source"]) == (
        "berlin",
        "eurocities",
        "un-report",
    )
    assert str(founder["joined_on"]).startswith("1986-01-01")
    assert founder["joined_on_precision"] == "year"
    assert len(rows) == 2


# --- import: preview, confirm -----------------------------------------------------------------


def test_city_import_previews_without_writing_then_confirms(curator, curated) -> None:
    content = to_file(
        ("slug", "name", "country", "kind", "population", "latitude", "longitude", "source"),
        [
            ("berlin", "Berlin", "DE", "city", "3700000", "52.52", "13.405", "un-report"),
            ("naples", "Naples", " it ", "municipality", "", "40.8518", "14.2681", ""),
        ],
    )
    before = snapshot(City)

    previewed = preview(curator, City, content)
    assert totals(previewed) == {"new": 1, "update": 1, "skip": 0, "invalid": 0, "error": 0}
    assert "1 new, 1 to update, 0 unchanged" in text(previewed)
    assert_csp_clean(previewed)
    assert snapshot(City) == before  # the dry run wrote nothing

    done = confirm(curator, City, previewed)
    assert done.redirect_chain[-1][0] == admin_url(City, "changelist")
    assert "Import finished: 1 new, 1 updated" in text(done)
    assert City.objects.get(slug="berlin").population == 3_700_000
    naples = City.objects.get(slug="naples")
    assert (naples.country.code, naples.kind, naples.latitude) == (
        "IT",
        "municipality",
        Decimal("40.8518"),
    )
    assert naples.source is None


def test_city_rows_are_validated_by_the_model(curator, curated) -> None:
    """Choices, check constraints and uniqueness: row numbers and messages, nothing written."""
    content = to_file(
        ("slug", "name", "country", "kind", "latitude", "longitude", "wikidata_id"),
        [
            ("naples", "Naples", "IT", "city", "40.85", "14.27", "Q2634"),
            ("lagos", "Lagos", "NG", "village", "", "", ""),
            ("north-pole", "North Pole", "US", "city", "95", "0", ""),
            ("berlin-2", "Berlin", "DE", "city", "", "", "64"),
            ("sofia", "Sofia", "BG", "city", "42,7", "23.3", ""),
        ],
    )
    before = snapshot(City)

    previewed = preview(curator, City, content)
    errors = invalid_rows(previewed)
    assert sorted(errors) == [2, 3, 4, 5]
    assert "'village' is not a valid choice" in errors[2]
    assert "city_latitude_range" in errors[3]
    assert "name and country already exists" in errors[4].lower()
    assert "city_wikidata_format" in errors[4]
    assert "“42,7” is not a number" in errors[5]
    assert previewed.context.get("confirm_form") is None
    html = text(previewed)
    assert "Nothing can be imported from this file" in html
    assert_csp_clean(previewed)
    assert "is not a number" in html
    assert snapshot(City) == before


def test_network_parent_may_be_created_earlier_in_the_same_file(curator, curated) -> None:
    content = to_file(
        ("slug", "name", "kind", "parent", "has_formal_membership"),
        [
            ("icorn", "ICORN", "city_network", "", "1"),
            ("icorn-nordic", "ICORN Nordic", "city_network", "icorn", "0"),
        ],
    )
    confirm(curator, Network, preview(curator, Network, content))
    nordic = Network.objects.get(slug="icorn-nordic")
    assert nordic.parent.slug == "icorn"
    assert nordic.has_formal_membership is False


def test_network_unknown_parent_slug_is_a_row_error_naming_it(curator, curated) -> None:
    content = to_file(
        ("slug", "name", "kind", "parent"),
        [
            ("icorn", "ICORN", "city_network", ""),
            ("icorn-nordic", "ICORN Nordic", "city_network", "no-such-network"),
            ("solidarity", "Solidarity", "party", ""),
        ],
    )
    before = snapshot(Network)
    previewed = preview(curator, Network, content)
    errors = invalid_rows(previewed)
    assert sorted(errors) == [2, 3]
    assert "no-such-network" in errors[2]
    assert "no-such-network" in text(previewed)
    assert "party" in errors[3]
    assert snapshot(Network) == before


def test_membership_import_identifies_rows_by_city_network_and_role(curator, curated) -> None:
    content = to_file(
        (
            "city",
            "network",
            "role",
            "joined_on",
            "joined_on_precision",
            "left_on",
            "left_on_precision",
        ),
        [
            # same city, network and role: an update (the left date is cleared)
            ("berlin", "eurocities", "founder", "1986-01-01", "year", "", ""),
            # another role of the same city in the same network: a new row
            ("berlin", "eurocities", "board", "2019-05-17", "day", "", ""),
        ],
    )
    previewed = preview(curator, Membership, content)
    assert totals(previewed) == {"new": 1, "update": 1, "skip": 0, "invalid": 0, "error": 0}
    assert Membership.objects.count() == 2

    confirm(curator, Membership, previewed)
    roles = dict(
        Membership.objects.filter(city__slug="berlin").values_list("role", "left_on_precision")
    )
    assert roles == {"founder": "", "board": ""}
    assert Membership.objects.get(role="founder").left_on is None
    assert Membership.objects.get(role="board").joined_on == dt.date(2019, 5, 17)


def test_membership_bad_rows_are_listed_and_nothing_is_written(curator, curated) -> None:
    content = to_file(
        (
            "city",
            "network",
            "role",
            "joined_on",
            "joined_on_precision",
            "left_on",
            "left_on_precision",
        ),
        [
            ("palermo", "eurocities", "member", "2015", "", "", ""),
            ("palermo", "eurocities", "host", "2015-01-01", "year", "", ""),
            ("palermo", "no-such-network", "member", "", "", "", ""),
            ("berlin", "ec-migration", "member", "2018-03-01", "day", "2017-01-01", "year"),
            ("berlin", "ec-migration", "observer", "2018-03-01", "", "", ""),
        ],
    )
    before = snapshot(Membership)
    previewed = preview(curator, Membership, content)
    errors = invalid_rows(previewed)
    assert sorted(errors) == [1, 3, 4, 5]
    assert "YYYY-MM-DD" in errors[1]
    assert "There is no network or organisation with slug “no-such-network”." in errors[3]
    assert "cannot end before it starts" in errors[4]
    assert "Say how precise the date is." in errors[5]
    html = text(previewed)
    assert "no-such-network" in html
    assert "cannot end before it starts" in html
    assert snapshot(Membership) == before


def test_membership_confirm_step_is_all_or_nothing(curator, curated) -> None:
    """The data changes between preview and confirm: the second row now fails, so the first
    (valid) row must not be written either, and the curator is told which row failed."""
    content = to_file(
        ("city", "network", "role"),
        [("palermo", "eurocities", "host"), ("berlin", "ec-migration", "member")],
    )
    previewed = preview(curator, Membership, content)
    assert totals(previewed)["new"] == 2
    Network.objects.filter(slug="ec-migration").update(slug="eurocities-migration")
    before = snapshot(Membership)

    done = confirm(curator, Membership, previewed)
    assert done.redirect_chain[-1][0] == admin_url(Membership, "import")
    html = text(done)
    assert "Nothing was imported" in html
    assert "Row 2, network: There is no network or organisation with slug “ec-migration”." in html
    assert "Import finished" not in html
    assert snapshot(Membership) == before


def test_resource_import_with_one_bad_row_imports_nothing(curated) -> None:
    """The rollback rule lives in the resource, so imports outside the admin are safe too."""
    dataset = tablib.Dataset(
        ("palermo", "eurocities", "host", "", ""),
        ("berlin", "ec-migration", "member", "2018-03-01", "2017-01-01"),
        headers=["city", "network", "role", "joined_on", "left_on"],
    )
    before = snapshot(Membership)
    result = MembershipResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert snapshot(Membership) == before


def test_membership_xlsx_import(curator, curated) -> None:
    content = to_file(
        ("city", "network", "role", "joined_on", "joined_on_precision"),
        [("palermo", "eurocities", "member", dt.date(2016, 9, 1), "month")],
        fmt="xlsx",
    )
    previewed = preview(curator, Membership, content, fmt="xlsx")
    assert totals(previewed)["new"] == 1
    confirm(curator, Membership, previewed)
    membership = Membership.objects.get(city__slug="palermo", network__slug="eurocities")
    assert (membership.joined_on, membership.joined_on_precision) == (dt.date(2016, 9, 1), "month")


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", [City, Network, Membership])
def test_reimporting_an_export_changes_nothing(curator, curated, model, fmt) -> None:
    exported = export(curator, model, fmt)
    before = snapshot(model)

    previewed = preview(curator, model, dataset_file(exported, fmt), fmt=fmt)
    count = model.objects.count()
    assert totals(previewed) == {"new": 0, "update": 0, "skip": count, "invalid": 0, "error": 0}

    done = confirm(curator, model, previewed)
    assert f"0 new, 0 updated, 0 deleted and {count} skipped" in text(done)
    assert snapshot(model) == before
