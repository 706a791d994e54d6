"""Bulk curation of declarations and signatures in the admin (see tests/networks)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.test import Client

from accounts.models import User
from declarations.models import Declaration, Signature, Topic
from declarations.resources import DECLARATION_COLUMNS, SIGNATURE_COLUMNS
from tests.declarations.factories import DeclarationFactory, EventFactory, SignatureFactory
from tests.networks.factories import CityFactory, NetworkFactory, SourceFactory
from tests.networks.test_admin_import import (
    FORMATS,
    admin_url,
    confirm,
    dataset_file,
    export,
    invalid_rows,
    preview,
    snapshot,
    text,
    to_file,
    totals,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client: Client) -> Client:
    user = User.objects.create_superuser("curator", "curator@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def curated() -> dict[str, models.Model]:
    source = SourceFactory(key="gaziantep-text")
    network = NetworkFactory(name="United Cities", slug="uclg")
    event = EventFactory(name="Global Mayoral Forum 2019", slug="gmf-2019")
    rescue = Topic.objects.create(name="Sea rescue", slug="sea-rescue")
    services = Topic.objects.create(name="Access to services", slug="services")
    gaziantep = DeclarationFactory(
        title="Gaziantep Declaration",
        slug="gaziantep",
        aliases="Gaziantep Mayors Declaration",
        issuer=network,
        event=event,
        place="Gaziantep",
        date=dt.date(2019, 11, 27),
        date_precision="day",
        language="en",
        url="https://example.org/gaziantep.pdf",
        summary="Cities commit to inclusion.",
        declared_signatory_count=30,
        declared_count_qualifier="more_than",
        source=source,
        source_locator="p. 1",
    )
    gaziantep.topics.set([rescue, services])
    palermo = DeclarationFactory(title="Palermo Charter", slug="palermo-charter", kind="charter")
    berlin = CityFactory(name="Berlin", slug="berlin")
    SignatureFactory(
        declaration=gaziantep,
        city=berlin,
        signed_on=dt.date(2019, 11, 1),
        signed_on_precision="month",
        signatory_office="Mayor",
        source=source,
    )
    SignatureFactory(declaration=palermo, city=CityFactory(name="Naples", slug="naples"))
    return {"gaziantep": gaziantep, "berlin": berlin}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_declaration_export_names_relations_by_slug(curator, curated, fmt) -> None:
    rows = export(curator, Declaration, fmt)
    assert tuple(rows.headers) == DECLARATION_COLUMNS
    row = next(row for row in rows.dict if row["slug"] == "gaziantep")
    assert (row["issuer"], row["event"], row["source"]) == ("uclg", "gmf-2019", "gaziantep-text")
    assert row["topics"] == "services,sea-rescue"  # ordered by topic name
    assert str(row["date"]).startswith("2019-11-27")
    assert (str(row["declared_signatory_count"]), row["declared_count_qualifier"]) == (
        "30",
        "more_than",
    )
    assert len(rows) == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_signature_export_names_declaration_and_city_by_slug(curator, curated, fmt) -> None:
    rows = export(curator, Signature, fmt)
    assert tuple(rows.headers) == SIGNATURE_COLUMNS
    row = next(row for row in rows.dict if row["city"] == "berlin")
    assert (row["declaration"], row["signed_on_precision"], row["signatory_office"]) == (
        "gaziantep",
        "month",
        "Mayor",
    )
    assert len(rows) == 2


def test_declaration_import_sets_topics_by_slug(curator, curated) -> None:
    content = to_file(
        ("slug", "title", "kind", "issuer", "date", "date_precision", "topics"),
        [
            (
                "gaziantep",
                "Gaziantep Declaration",
                "declaration",
                "uclg",
                "2019-11-27",
                "day",
                "sea-rescue",
            ),
            (
                "marrakech",
                "Marrakech Mayors Declaration",
                "statement",
                "",
                "2018-12-08",
                "day",
                "services, sea-rescue",
            ),
        ],
    )
    previewed = preview(curator, Declaration, content)
    assert totals(previewed) == {"new": 1, "update": 1, "skip": 0, "invalid": 0, "error": 0}
    assert set(curated["gaziantep"].topics.values_list("slug", flat=True)) == {
        "sea-rescue",
        "services",
    }
    assert not Declaration.objects.filter(slug="marrakech").exists()

    confirm(curator, Declaration, previewed)
    assert list(curated["gaziantep"].topics.values_list("slug", flat=True)) == ["sea-rescue"]
    marrakech = Declaration.objects.get(slug="marrakech")
    assert set(marrakech.topics.values_list("slug", flat=True)) == {"sea-rescue", "services"}
    assert (marrakech.kind, marrakech.issuer) == ("statement", None)


def test_declaration_bad_rows_are_listed_and_nothing_is_written(curator, curated) -> None:
    content = to_file(
        (
            "slug",
            "title",
            "kind",
            "issuer",
            "event",
            "topics",
            "declared_signatory_count",
            "declared_count_qualifier",
        ),
        [
            ("marrakech", "Marrakech Declaration", "declaration", "uclg", "", "services", "", ""),
            ("athens", "Athens Statement", "manifesto", "", "", "", "", ""),
            ("lisbon", "Lisbon Letter", "letter", "no-such-network", "no-such-event", "", "", ""),
            ("rome", "Rome Charter", "charter", "", "", "sea-rescue,no-such-topic", "", ""),
            ("paris", "Paris Statement", "statement", "", "", "", "", "about"),
        ],
    )
    before = (snapshot(Declaration), list(Declaration.topics.through.objects.values()))
    previewed = preview(curator, Declaration, content)
    errors = invalid_rows(previewed)
    assert sorted(errors) == [2, 3, 4, 5]
    assert "'manifesto' is not a valid choice" in errors[2]
    assert "“no-such-network”" in errors[3]
    assert "“no-such-event”" in errors[3]
    assert "There is no topic with slug “no-such-topic”." in errors[4]
    assert "Give the number the qualifier is about." in errors[5]
    assert "no-such-topic" in text(previewed)
    assert previewed.context.get("confirm_form") is None
    assert (snapshot(Declaration), list(Declaration.topics.through.objects.values())) == before


def test_signature_import_and_bad_rows(curator, curated) -> None:
    good = [("palermo-charter", "berlin", "2016-03-01", "month", "Governing Mayor")]
    content = to_file(
        ("declaration", "city", "signed_on", "signed_on_precision", "signatory_office"),
        [
            *good,
            ("gaziantep", "atlantis", "", "", ""),
            ("gaziantep", "naples", "", "day", ""),
        ],
    )
    before = snapshot(Signature)
    failed = preview(curator, Signature, content)
    errors = invalid_rows(failed)
    assert sorted(errors) == [2, 3]
    assert "There is no city with slug “atlantis”." in errors[2]
    assert "Give the date, or clear its precision." in errors[3]
    assert snapshot(Signature) == before

    headers = ("declaration", "city", "signed_on", "signed_on_precision", "signatory_office")
    previewed = preview(curator, Signature, to_file(headers, good))
    assert totals(previewed)["new"] == 1
    confirm(curator, Signature, previewed)
    signature = Signature.objects.get(declaration__slug="palermo-charter", city__slug="berlin")
    assert (signature.signed_on, signature.signatory_office) == (
        dt.date(2016, 3, 1),
        "Governing Mayor",
    )


@pytest.mark.parametrize("model", [Declaration, Signature])
def test_import_and_export_pages_render(curator, model) -> None:
    changelist = text(curator.get(admin_url(model, "changelist")))
    assert admin_url(model, "import") in changelist
    assert curator.get(admin_url(model, "import")).status_code == 200
    assert curator.get(admin_url(model, "export")).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", [Declaration, Signature])
def test_reimporting_an_export_changes_nothing(curator, curated, model, fmt) -> None:
    exported = export(curator, model, fmt)
    before = (snapshot(model), list(Declaration.topics.through.objects.values()))

    previewed = preview(curator, model, dataset_file(exported, fmt), fmt=fmt)
    count = model.objects.count()
    assert totals(previewed) == {"new": 0, "update": 0, "skip": count, "invalid": 0, "error": 0}

    confirm(curator, model, previewed)
    assert (snapshot(model), list(Declaration.topics.through.objects.values())) == before
