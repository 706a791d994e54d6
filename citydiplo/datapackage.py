"""Citable dumps of the public knowledge base as a Frictionless Data Package (v1).

A researcher cites a dated, checksummed snapshot rather than pages that keep changing, and the
same snapshot restores an empty database. One list of tables (``TABLES``) drives the export,
the import and the ``/data/`` page, so the three cannot disagree about what is public.

Spec: https://specs.frictionlessdata.io/data-package/ (tabular data package, Table Schema, CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import json
import os
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_noop
from django_countries.fields import CountryField

from declarations.models import Declaration, Event, EventSeries, Signature, Topic
from networks.models import City, Membership, Network, Source
from pledges.models import Framework, ModerationState, Objective, Pledge, ProgressReport

PACKAGE_NAME = "citydiplo"
DESCRIPTOR = "datapackage.json"
MISSING_VALUES = [""]
HASH_ALGORITHM = "sha256"
KEEP_PUBLISHED = 5
CHUNK_SIZE = 2000
PACKAGE_FILENAME = re.compile(r"citydiplo-datapackage-(\d{4}-\d{2}-\d{2})\.zip")

DEFAULT_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}

KEYWORDS = [
    "city diplomacy",
    "migration",
    "refugees",
    "cities",
    "local government",
    "city networks",
    "declarations",
    "pledges",
    "Global Compact for Migration",
    "Global Compact on Refugees",
]

# The CSV dialect Python's csv module writes, stated so that readers need not guess.
DIALECT = {
    "csvddfVersion": 1.2,
    "delimiter": ",",
    "doubleQuote": True,
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "header": True,
}

# --- column descriptions ----------------------------------------------------------------------
# verbose_name alone ("name", "kind") tells a reader of the CSV little, so every column is
# described here; a column added to a model later falls back to verbose_name and help_text.

SOURCED = {
    "source_id": "Identifier of the source (see sources) the record's facts come from; empty when the source is unknown.",
    "source_locator": "Where in the source the facts are found: page, section or line numbers.",
    "notes": "Curators' notes on the record: doubts, contradictions between sources and how they were resolved.",
}


def _precision(date_column: str) -> str:
    return (
        f"How precise {date_column} is: day, month (stored as the 1st of the month) or year "
        f"(stored as 1 January); empty exactly when {date_column} is empty."
    )


def _partial_date(what: str, date_column: str) -> str:
    return f"{what}; {date_column}_precision says whether the day, only the month or only the year is known."


def _link_id(what: str) -> str:
    return f"Numeric identifier of this link between {what}."


COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "sources": {
        "id": "Numeric identifier of the source; other tables refer to it in their source_id column.",
        "key": "Short unique key of the source (lowercase words joined by hyphens), used in the address of its page.",
        "title": "Title of the document, paper or web page the facts come from.",
        "author": "Author or authors of the source, where known.",
        "publisher": "Publisher or issuing organisation of the source, where known.",
        "year": "Year the source was published, where known.",
        "url": "Web address at which the source can be read, where there is one.",
        "language": "Language code of the source's text (e.g. en, de).",
        "notes": "Curators' notes on the source: what it is, how it was read and what it lacks.",
    },
    "cities": {
        "id": "Numeric identifier of the city; other tables refer to it in their city_id columns.",
        **SOURCED,
        "name": "Name of the city or other local government as recorded; other names are in aliases.",
        "slug": "Unique name of the city in the site's addresses (lowercase ASCII words joined by hyphens).",
        "country": "ISO 3166-1 alpha-2 code of the city's country (XK for Kosovo).",
        "kind": "Kind of local government: city, municipality, district (or county) or region (or state).",
        "population": "Number of inhabitants, where recorded.",
        "latitude": "Latitude in decimal degrees, positive north of the equator; empty when no coordinates are recorded.",
        "longitude": "Longitude in decimal degrees, positive east of Greenwich; empty when no coordinates are recorded.",
        "aliases": "Other names and spellings of the city (other languages, older names), one per line.",
        "wikidata_id": "Wikidata item identifier of the city (Q followed by digits), where known.",
    },
    "networks": {
        "id": "Numeric identifier of the network or organisation; other tables refer to it.",
        **SOURCED,
        "name": "Full name of the network or organisation.",
        "acronym": "Acronym or short name, where it has one.",
        "slug": "Unique name of the network in the site's addresses (lowercase ASCII words joined by hyphens).",
        "kind": "Kind of body: city network, mechanism or initiative, alliance, movement or organisation.",
        "scope": "Geographical scope: global, regional, national or sub-national; empty when not recorded.",
        "region": "Where the body acts, in words (e.g. Europe, Africa, Germany).",
        "founded_year": "Year the body was founded, where known.",
        "website": "Address of the body's website.",
        "description": "Short description of the body and its work.",
        "aliases": "Other names of the body, one per line.",
        "parent_id": "Identifier of the parent network in this same table, for regional sections; empty for a body that sits below no other.",
        "has_formal_membership": "Whether the body has formal members (true) or only partners (false).",
    },
    "memberships": {
        "id": "Numeric identifier of the membership.",
        **SOURCED,
        "city_id": "Identifier of the member city (see cities).",
        "network_id": "Identifier of the network the city belongs to (see networks).",
        "role": "The city's role in the network: member, founder, co-lead, host, board or observer.",
        "joined_on": _partial_date("Date the city joined or took up the role", "joined_on"),
        "joined_on_precision": _precision("joined_on"),
        "left_on": _partial_date("Date the city left or gave up the role", "left_on"),
        "left_on_precision": _precision("left_on"),
    },
    "event_series": {
        "id": "Numeric identifier of the series; events refer to it in their series_id column.",
        "name": "Full name of the recurring meeting.",
        "acronym": "Acronym or short name of the series, where it has one.",
        "slug": "Unique name of the series in the site's addresses (lowercase ASCII words joined by hyphens).",
        "organiser_id": "Identifier of the network or organisation that convenes the series (see networks), where recorded.",
        "description": "Short description of the series.",
    },
    "events": {
        "id": "Numeric identifier of the event; other tables refer to it in their event_id columns.",
        **SOURCED,
        "name": "Name of the conference, forum or summit.",
        "slug": "Unique name of the event in the site's addresses (lowercase ASCII words joined by hyphens).",
        "series_id": "Identifier of the series this event is an edition of (see event_series); empty for a one-off event.",
        "edition": "Number of the edition within its series, where known.",
        "start_date": _partial_date("First day of the event", "start_date"),
        "start_date_precision": _precision("start_date"),
        "end_date": "Last day of the event, where known.",
        "place": "Where the event took place, in words.",
        "city_id": "Identifier of the host city (see cities), where it is a city on record.",
        "website": "Address of the event's website.",
        "description": "Short description of the event.",
    },
    "event_organisers": {
        "id": _link_id("an event and one of its organisers"),
        "event_id": "Identifier of the event (see events).",
        "network_id": "Identifier of a network or organisation that organised the event (see networks).",
    },
    "topics": {
        "id": "Numeric identifier of the topic; declaration_topics refers to it.",
        "name": "Name of the theme (e.g. sea rescue, access to services).",
        "slug": "Unique name of the topic in the site's addresses (lowercase ASCII words joined by hyphens).",
    },
    "declarations": {
        "id": "Numeric identifier of the declaration; other tables refer to it in their declaration_id columns.",
        **SOURCED,
        "title": "Title of the text as adopted.",
        "slug": "Unique name of the declaration in the site's addresses (lowercase ASCII words joined by hyphens).",
        "aliases": "Other titles the same text is known by, one per line.",
        "kind": "Kind of text: declaration, charter, statement, letter, position paper, council resolution or report.",
        "issuer_id": "Identifier of the network or organisation that issued the text (see networks), where it is on record.",
        "issuer_text": "Who issued the text, in the source's words, where that is no network on record.",
        "event_id": "Identifier of the event at which the text was adopted (see events), where there was one.",
        "place": "Where the text was adopted, in words.",
        "date": _partial_date("Date the text was adopted", "date"),
        "date_precision": _precision("date"),
        "language": "Language code of the text (e.g. en, de, fr).",
        "url": "Web address of the text itself.",
        "summary": "Short summary of what the text says.",
        "declared_signatory_count": "Number of signatories stated for a text whose signatories are not all named individually.",
        "declared_count_qualifier": "How the stated number of signatories is meant: exactly, more than, about or at least; empty when no number is stated.",
    },
    "declaration_topics": {
        "id": _link_id("a declaration and one of its topics"),
        "declaration_id": "Identifier of the declaration (see declarations).",
        "topic_id": "Identifier of a topic the declaration addresses (see topics).",
    },
    "signatures": {
        "id": "Numeric identifier of the signature.",
        **SOURCED,
        "declaration_id": "Identifier of the signed declaration (see declarations).",
        "city_id": "Identifier of the city that signed or formally endorsed it (see cities).",
        "signed_on": _partial_date("Date the city signed", "signed_on"),
        "signed_on_precision": _precision("signed_on"),
        "signatory_office": "Office of the person who signed for the city (e.g. Mayor, Lord Mayor).",
    },
    "frameworks": {
        "id": "Numeric identifier of the framework.",
        "code": "Short code of the framework (GCM, GCR or SDG); objectives refer to it in their framework_id column.",
        "name": "Full name of the framework.",
        "adopted_on": "Date the framework was adopted.",
        "resolution": "Symbol of the UN General Assembly resolution that adopted it (e.g. A/RES/73/195).",
        "source": "Citation of the text the framework and its objectives are taken from.",
    },
    "objectives": {
        "id": "Numeric identifier of the objective; pledge_objectives refers to it.",
        "framework_id": "Code of the framework the objective belongs to (see frameworks, column code).",
        "number": "Number of the objective within its framework (e.g. 15 for GCM objective 15).",
        "title": "Title of the objective as worded in the framework.",
    },
    "pledges": {
        "id": "Numeric identifier of the pledge, as in the address of its page; other tables refer to it.",
        **SOURCED,
        "uuid": "Globally unique public identifier of the pledge (a UUID).",
        "city_id": "Identifier of the city that made the pledge (see cities); empty for a collective pledge of a network.",
        "network_id": "Identifier of the network that made the pledge as a collective commitment (see networks), rather than one city.",
        "actor_text": "Who made the pledge, in the source's words.",
        "title": "Short title of the pledge.",
        "description": "What the pledge commits to.",
        "pledge_type": "Type of commitment: policy, financial, programme or capacity; empty when not classified.",
        "event_id": "Identifier of the event at which the pledge was made (see events), where there was one.",
        "made_on": _partial_date("Date the pledge was made", "made_on"),
        "made_on_precision": _precision("made_on"),
        "planned_start": "Date implementation is planned to start, where stated.",
        "planned_end": "Date implementation is planned to end, where stated.",
        "evidence_url": "Web address of evidence that the pledge was made.",
        "status": "Implementation status: planning, in progress or fulfilled.",
    },
    "pledge_objectives": {
        "id": _link_id("a pledge and one of its objectives"),
        "pledge_id": "Identifier of the published pledge (see pledges).",
        "objective_id": "Identifier of a framework objective the pledge is mapped to (see objectives).",
    },
    "pledge_partner_cities": {
        "id": _link_id("a pledge and one of its partner cities"),
        "pledge_id": "Identifier of the published pledge (see pledges).",
        "city_id": "Identifier of a partner city named in the pledge (see cities).",
    },
    "pledge_partner_networks": {
        "id": _link_id("a pledge and one of its partner networks"),
        "pledge_id": "Identifier of the published pledge (see pledges).",
        "network_id": "Identifier of a partner network or organisation named in the pledge (see networks).",
    },
    "progress_reports": {
        "id": "Numeric identifier of the progress report.",
        "pledge_id": "Identifier of the published pledge reported on (see pledges).",
        "reported_on": "Date on which the progress report was made.",
        "status": "Implementation status the report gives: planning, in progress or fulfilled.",
        "narrative": "How the pledge is being implemented, in the report's words.",
        "evidence_url": "Web address of evidence for what the report says.",
        "review_id": "Identifier of the UN review the report was made for, e.g. GRF 2023 (see events).",
    },
}


# --- the tables -------------------------------------------------------------------------------


def _published_pledges() -> models.QuerySet:
    return Pledge.objects.published()


def _of_published_pledges(model: type[models.Model]) -> Callable[[], models.QuerySet]:
    """Rows hanging off a pledge are public exactly when the pledge is."""
    return lambda: model._default_manager.filter(pledge__in=_published_pledges().values("pk"))


@dataclass(frozen=True)
class Table:
    """One CSV of the package: which model, which rows and which columns are public."""

    name: str
    model: type[models.Model]
    description: str
    rows: Callable[[], models.QuerySet] | None = None
    private: frozenset[str] = frozenset()
    # Filled by a migration (frameworks, objectives): an import accepts them already present
    # when they equal the package's rows.
    reference: bool = False
    fixed: dict[str, Any] = field(default_factory=dict)  # values an import sets on every row

    def queryset(self) -> models.QuerySet:
        qs = self.rows() if self.rows else self.model._default_manager.all()
        return qs.order_by("pk")

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def fields(self) -> list[models.Field]:
        """The concrete columns, less private ones and anything pointing at an account."""
        user_model = get_user_model()
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.private and not (f.is_relation and f.related_model is user_model)
        ]

    def columns(self) -> list[str]:
        return [f.attname for f in self.fields()]


PLEDGE_PRIVATE = frozenset({"submitted_by", "moderation_state", "created_at", "updated_at"})
REPORT_PRIVATE = frozenset({"created_by", "created_at"})

# Dependency order: a table comes after every table it refers to (imports insert in this order).
TABLES: list[Table] = [
    Table(
        "sources",
        Source,
        gettext_noop("Documents the facts come from: papers, web pages and the texts themselves."),
    ),
    Table(
        "cities",
        City,
        gettext_noop(
            "Local governments acting beyond their borders: cities, municipalities, districts "
            "and regions."
        ),
    ),
    Table(
        "networks",
        Network,
        gettext_noop(
            "City networks, mechanisms, alliances, movements and organisations that cities act "
            "through."
        ),
    ),
    Table("memberships", Membership, gettext_noop("A city's role in a network over time.")),
    Table(
        "event_series",
        EventSeries,
        gettext_noop("Recurring meetings such as the Global Mayoral Forum."),
    ),
    Table(
        "events",
        Event,
        gettext_noop(
            "Conferences, forums and summits; one edition of a series where there is one."
        ),
    ),
    Table(
        "event_organisers",
        Event.organisers.through,
        gettext_noop("Which networks and organisations organised which event."),
    ),
    Table("topics", Topic, gettext_noop("Themes the declarations address.")),
    Table(
        "declarations",
        Declaration,
        gettext_noop(
            "Texts cities or their networks adopted: declarations, charters, statements, letters "
            "and more."
        ),
    ),
    Table(
        "declaration_topics",
        Declaration.topics.through,
        gettext_noop("Which topics each declaration addresses."),
    ),
    Table(
        "signatures",
        Signature,
        gettext_noop("Cities that signed or formally endorsed a declaration."),
    ),
    Table(
        "frameworks",
        Framework,
        gettext_noop(
            "The UN frameworks pledges are mapped to: the Global Compact for Migration (GCM), the "
            "Global Compact on Refugees (GCR) and the 2030 Agenda (SDGs)."
        ),
        reference=True,
    ),
    Table(
        "objectives",
        Objective,
        gettext_noop("The numbered objectives of each framework."),
        reference=True,
    ),
    Table(
        "pledges",
        Pledge,
        gettext_noop(
            "Published commitments made by cities or, collectively, by networks; pledges still "
            "in moderation are not included."
        ),
        rows=_published_pledges,
        private=PLEDGE_PRIVATE,
        fixed={"moderation_state": ModerationState.PUBLISHED},
    ),
    Table(
        "pledge_objectives",
        Pledge.objectives.through,
        gettext_noop("Which framework objectives each published pledge is mapped to."),
        rows=_of_published_pledges(Pledge.objectives.through),
    ),
    Table(
        "pledge_partner_cities",
        Pledge.partner_cities.through,
        gettext_noop("Partner cities named in published pledges."),
        rows=_of_published_pledges(Pledge.partner_cities.through),
    ),
    Table(
        "pledge_partner_networks",
        Pledge.partner_networks.through,
        gettext_noop("Partner networks and organisations named in published pledges."),
        rows=_of_published_pledges(Pledge.partner_networks.through),
    ),
    Table(
        "progress_reports",
        ProgressReport,
        gettext_noop("Dated accounts of how published pledges are being implemented."),
        rows=_of_published_pledges(ProgressReport),
        private=REPORT_PRIVATE,
    ),
]
TABLE_BY_NAME = {t.name: t for t in TABLES}
TABLE_BY_MODEL = {t.model: t for t in TABLES}


# --- Table Schema -----------------------------------------------------------------------------

STRING_FIELDS = (models.CharField, models.TextField)


def _value_field(f: models.Field) -> models.Field:
    """The field whose values a column holds: a foreign key holds its target's values."""
    return f.target_field if f.is_relation else f


def column_type(f: models.Field) -> tuple[str, str | None]:
    """Table Schema type and format of a model field's column."""
    f = _value_field(f)
    if isinstance(f, models.BooleanField):
        return "boolean", None
    if isinstance(f, models.AutoField | models.IntegerField):
        return "integer", None
    if isinstance(f, models.DecimalField | models.FloatField):
        return "number", None
    if isinstance(f, models.DateTimeField):
        return "datetime", None
    if isinstance(f, models.DateField):
        return "date", None
    if isinstance(f, models.UUIDField):
        return "string", "uuid"
    if isinstance(f, models.URLField):
        return "string", "uri"
    return "string", None


def column_description(table: Table, f: models.Field) -> str:
    explicit = COLUMN_DESCRIPTIONS.get(table.name, {}).get(f.attname)
    if explicit:
        return explicit
    label = capfirst(str(f.verbose_name))
    if f.is_relation:
        target = TABLE_BY_MODEL.get(f.related_model)
        label = f"Identifier of the {f.verbose_name}" + (f" (see {target.name})" if target else "")
    help_text = str(f.help_text).strip()
    return f"{label}. {help_text}".strip() if help_text else f"{label}."


def _is_stringish(f: models.Field) -> bool:
    return isinstance(_value_field(f), STRING_FIELDS) and not f.is_relation


def field_schema(table: Table, f: models.Field) -> dict[str, Any]:
    kind, fmt = column_type(f)
    schema: dict[str, Any] = {
        "name": f.attname,
        "type": kind,
        "title": "ID" if f.primary_key else capfirst(str(f.verbose_name)),
        "description": column_description(table, f),
    }
    if fmt:
        schema["format"] = fmt
    if kind == "boolean":
        schema["trueValues"] = ["true"]
        schema["falseValues"] = ["false"]
    constraints: dict[str, Any] = {}
    # Empty text is exported as "" (a missing value), so only columns that can never be empty
    # are required.
    if f.primary_key or not (f.null or (f.blank and _is_stringish(f))):
        constraints["required"] = True
    if f.unique and not f.primary_key:
        constraints["unique"] = True
    if isinstance(f, CountryField):
        constraints["pattern"] = "[A-Z]{2}"
    elif f.choices:
        constraints["enum"] = [str(value) for value, _label in f.flatchoices if value != ""]
    if isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        constraints["minimum"] = 0
    if constraints:
        schema["constraints"] = constraints
    return schema


def table_schema(table: Table) -> dict[str, Any]:
    fields = table.fields()
    foreign_keys = []
    for f in fields:
        if not f.is_relation:
            continue
        target = TABLE_BY_MODEL[f.related_model]
        foreign_keys.append(
            {
                "fields": f.attname,
                # The spec spells a reference to the same resource as "".
                "reference": {
                    "resource": "" if target is table else target.name,
                    "fields": f.target_field.attname,
                },
            }
        )
    schema: dict[str, Any] = {
        "fields": [field_schema(table, f) for f in fields],
        "primaryKey": table.model._meta.pk.attname,
        "missingValues": MISSING_VALUES,
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


# --- cells ------------------------------------------------------------------------------------


def to_cell(value: object) -> str:
    """One stable text form per value, whatever the database backend returned."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def from_cell(f: models.Field, text: str) -> object:
    """The value ``to_cell`` wrote, back in the type the model field takes."""
    if text == "":
        if f.null:
            return None
        if _is_stringish(f):
            return ""
        raise ValueError(f"{f.attname} may not be empty")
    kind, fmt = column_type(f)
    if kind == "integer":
        return int(text)
    if kind == "number":
        return Decimal(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{f.attname}: {text!r} is neither true nor false")
        return text == "true"
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "datetime":
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if fmt == "uuid":
        return uuid.UUID(text)
    return text


# --- export -----------------------------------------------------------------------------------


def file_digest(path: Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 hex digest, read in blocks (dumps may outgrow memory)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(functools.partial(fh.read, 1 << 16), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def package_version(day: dt.date) -> str:
    """Calendar version, valid semver (no leading zeros): 2026.11.2."""
    return f"{day.year}.{day.month}.{day.day}"


def licenses() -> list[dict[str, str]]:
    value = getattr(settings, "DATA_LICENSE", None)
    if not value:
        return [dict(DEFAULT_LICENSE)]
    return [dict(item) for item in value] if isinstance(value, list | tuple) else [dict(value)]


def package_sources() -> list[dict[str, str]]:
    """The documents the knowledge base was built from, as recorded in networks.Source."""
    result = []
    for title, url in Source.objects.order_by("pk").values_list("title", "url"):
        entry = {"title": title}
        if url:
            entry["path"] = url
        result.append(entry)
    return result


def package_description(day: dt.date) -> str:
    return (
        "The public records of citydiplo, the knowledge base on city diplomacy in migration: "
        "cities and the networks they belong to, events, the declarations cities adopted and "
        "signed, and the published pledges cities and networks made to the UN Global Compacts, "
        "with their progress reports. Every fact can cite its source (see the sources table). "
        "Dates from sources may be partial: a date column's companion <name>_precision says "
        "whether the day, the month or only the year is known. Pledges still in moderation and "
        "everything about user accounts are left out. Each table is one UTF-8 CSV file "
        "described by its Table Schema; identifiers are the database's and stay the same when "
        "the package is loaded into an empty database with "
        "`python manage.py import_datapackage`. "
        f"Cite as: citydiplo, data package of {day.isoformat()} "
        f"(version {package_version(day)})."
    )


def write_csv(table: Table, path: Path) -> int:
    """Stream one table into ``path`` with a single query; returns the number of rows."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(table.columns())
        rows = table.queryset().values_list(*table.columns())
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            writer.writerow([to_cell(value) for value in row])
            n += 1
    return n


@dataclass
class ExportResult:
    descriptor: dict[str, Any]
    rows: dict[str, int]


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction for all tables, so that links never point at rows read a moment apart.

    PostgreSQL's default isolation gives each query its own snapshot; repeatable read gives the
    whole export one. Inside an outer transaction (tests) the outer one decides.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_package(out_dir: Path, *, created: dt.datetime | None = None) -> ExportResult:
    """Write ``datapackage.json`` and one CSV per table into an existing directory."""
    created = (created or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    day = created.date()
    resources = []
    counts: dict[str, int] = {}
    with translation.override("en"), _snapshot():
        sources = package_sources()
        for table in TABLES:
            path = out_dir / table.filename
            counts[table.name] = write_csv(table, path)
            size, digest = file_digest(path)
            resources.append(
                {
                    "name": table.name,
                    "path": table.filename,
                    "profile": "tabular-data-resource",
                    "title": capfirst(table.name.replace("_", " ")),
                    "description": table.description,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "bytes": size,
                    "hash": f"{HASH_ALGORITHM}:{digest}",
                    "dialect": DIALECT,
                    "schema": table_schema(table),
                }
            )
    # Same data on the same day gives the same id; any change of data gives a new one.
    fingerprint = ",".join(r["hash"] for r in resources)
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:citydiplo:{day.isoformat()}:{fingerprint}")),
        "title": f"citydiplo: city diplomacy in migration, data of {day.isoformat()}",
        "description": package_description(day),
        "version": package_version(day),
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": KEYWORDS,
        "licenses": licenses(),
        "sources": sources,
        "resources": resources,
    }
    (out_dir / DESCRIPTOR).write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return ExportResult(descriptor, counts)


# --- published zips ---------------------------------------------------------------------------


def package_filename(day: dt.date) -> str:
    return f"citydiplo-datapackage-{day.isoformat()}.zip"


def package_date(filename: str) -> dt.date | None:
    """The date in a published file's name, or None for any other name (never a path)."""
    match = PACKAGE_FILENAME.fullmatch(filename)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


@dataclass(frozen=True)
class PublishedPackage:
    filename: str
    date: dt.date
    size: int
    sha256: str

    @property
    def version(self) -> str:
        return package_version(self.date)


@functools.lru_cache(maxsize=32)
def _cached_digest(path: str, mtime_ns: int, size: int) -> str:
    return file_digest(Path(path))[1]


def _package_files(directory: Path) -> Iterator[tuple[dt.date, Path]]:
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        day = package_date(path.name)
        if day is not None and path.is_file():
            yield day, path


def published_packages(directory: Path | None = None) -> list[PublishedPackage]:
    """Zips in DATAPACKAGE_DIR, newest first; digests are cached until a file changes."""
    directory = Path(directory or settings.DATAPACKAGE_DIR)
    result = []
    for day, path in sorted(_package_files(directory), reverse=True):
        try:
            stat = path.stat()
        except FileNotFoundError:  # pruned by a publish running right now
            continue
        digest = _cached_digest(str(path), stat.st_mtime_ns, stat.st_size)
        result.append(PublishedPackage(path.name, day, stat.st_size, digest))
    return result


def publish(
    directory: Path | None = None, *, keep: int = KEEP_PUBLISHED, created: dt.datetime | None = None
) -> tuple[Path, ExportResult]:
    """Export into a dated zip in DATAPACKAGE_DIR (same day: replaced) and keep the newest few.

    The zip is written beside its final name and renamed into place, so a download never sees
    half a file.
    """
    directory = Path(directory or settings.DATAPACKAGE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    created = (created or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    target = directory / package_filename(created.date())
    with tempfile.TemporaryDirectory(prefix="citydiplo-export-") as tmp:
        result = export_package(Path(tmp), created=created)
        names = [DESCRIPTOR, *(r["path"] for r in result.descriptor["resources"])]
        partial = directory / f".{target.name}.partial"
        stamp = created.timetuple()[:6]
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with Path(tmp, name).open("rb") as src, zf.open(info, "w") as dst:
                    for block in iter(functools.partial(src.read, 1 << 16), b""):
                        dst.write(block)
        os.replace(partial, target)
    prune(directory, keep)
    return target, result


def prune(directory: Path, keep: int = KEEP_PUBLISHED) -> list[Path]:
    """Delete all but the ``keep`` newest published zips; returns what was deleted."""
    old = [path for _day, path in sorted(_package_files(directory), reverse=True)[keep:]]
    for path in old:
        path.unlink()
    return old


# --- import -----------------------------------------------------------------------------------


class PackageError(Exception):
    """The package cannot be loaded; the message says why, for the command line."""


def read_descriptor(directory: Path) -> dict[str, Any]:
    path = directory / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"No {DESCRIPTOR} in {directory}.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(descriptor, dict) or descriptor.get("name") != PACKAGE_NAME:
        raise PackageError(f"{path} does not describe a {PACKAGE_NAME} data package.")
    return descriptor


def check_package(directory: Path, descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every table present, each file exactly as described (bytes and hash); by table name."""
    resources = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    missing = [t.name for t in TABLES if t.name not in resources]
    unknown = sorted(str(name) for name in resources if name not in TABLE_BY_NAME)
    if missing or unknown:
        raise PackageError(
            "The package's tables do not match this version of citydiplo"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + "."
        )
    for table in TABLES:
        resource = resources[table.name]
        # Only the expected plain file name is opened: a path from the descriptor could point
        # anywhere on the disk.
        if resource.get("path") != table.filename:
            raise PackageError(f"Resource {table.name} must have path {table.filename!r}.")
        expected = resource.get("hash", "")
        algorithm, _, hex_digest = str(expected).partition(":")
        if algorithm != HASH_ALGORITHM or not hex_digest:
            raise PackageError(f"Resource {table.name} has no {HASH_ALGORITHM} hash.")
        path = directory / table.filename
        if not path.is_file():
            raise PackageError(f"{path} is missing.")
        size, digest = file_digest(path)
        if size != resource.get("bytes"):
            raise PackageError(
                f"{table.filename} has {size} bytes, the package says {resource.get('bytes')}."
            )
        if digest != hex_digest.lower():
            raise PackageError(f"{table.filename} does not match its {HASH_ALGORITHM} hash.")
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
            raise PackageError(f"Resource {table.name} has no Table Schema fields.")
        declared = [f.get("name") for f in fields]
        known = set(table.columns())
        if "id" not in declared or not set(declared) <= known or len(set(declared)) < len(declared):
            raise PackageError(
                f"Columns of {table.name} do not match this version of citydiplo: "
                f"{', '.join(sorted(set(declared) - known)) or 'no id column'}."
            )
    return resources


def read_rows(directory: Path, table: Table, columns: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their line numbers, after checking the header names the schema's columns."""
    with (directory / table.filename).open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != columns:
            raise PackageError(f"The header of {table.filename} differs from its schema.")
        for row in reader:
            if len(row) != len(columns):
                raise PackageError(
                    f"{table.filename}, line {reader.line_num}: {len(row)} cells, "
                    f"expected {len(columns)}."
                )
            yield reader.line_num, row


def _db_cells(table: Table, columns: list[str]) -> list[list[str]]:
    rows = table.model._base_manager.order_by("pk").values_list(*columns)
    return [[to_cell(v) for v in row] for row in rows]


def _batches(objects: Iterable[models.Model], size: int) -> Iterator[list[models.Model]]:
    batch: list[models.Model] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_package(directory: Path, *, batch_size: int = 1000) -> dict[str, int]:
    """Load a checked package into a database whose tables are empty; all or nothing.

    Ids are kept, so links inside the package and addresses of pages stay valid; afterwards
    the id sequences (PostgreSQL) continue above the highest imported id.
    """
    descriptor = read_descriptor(directory)
    resources = check_package(directory, descriptor)
    columns_of = {
        name: [f["name"] for f in resource["schema"]["fields"]]
        for name, resource in resources.items()
    }
    keep_reference: set[str] = set()
    occupied: list[str] = []
    for table in TABLES:
        if not table.model._base_manager.exists():
            continue
        if table.reference:
            columns = columns_of[table.name]
            package_rows = [row for _line, row in read_rows(directory, table, columns)]
            if _db_cells(table, columns) == package_rows:
                keep_reference.add(table.name)  # put there by the migration, identical
                continue
        occupied.append(table.name)
    if occupied:
        raise PackageError(
            f"The database is not empty ({', '.join(occupied)} hold rows); import only into a "
            "freshly migrated database."
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        for table in TABLES:
            if table.name in keep_reference:
                counts[table.name] = 0
                continue
            counts[table.name] = _insert(directory, table, columns_of[table.name], batch_size)
        touched = [t.model for t in TABLES]
        # Foreign keys are checked at commit, which may lie outside this call (an outer
        # transaction): check them now so a bad package fails here, with nothing kept.
        connection.check_constraints(table_names=[m._meta.db_table for m in touched])
        statements = connection.ops.sequence_reset_sql(no_style(), touched)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
    return counts


def _insert(directory: Path, table: Table, columns: list[str], batch_size: int) -> int:
    by_attname = {f.attname: f for f in table.fields()}
    fields = [by_attname[c] for c in columns]

    def objects() -> Iterator[models.Model]:
        for line, row in read_rows(directory, table, columns):
            try:
                values = {
                    f.attname: from_cell(f, text) for f, text in zip(fields, row, strict=True)
                }
            except ValueError as exc:
                raise PackageError(f"{table.filename}, line {line}: {exc}") from None
            yield table.model(**values, **table.fixed)

    n = 0
    for batch in _batches(objects(), batch_size):
        table.model._base_manager.bulk_create(batch)
        n += len(batch)
    return n
