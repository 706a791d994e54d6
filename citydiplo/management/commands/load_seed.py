"""Load the curated seed knowledge base from fixtures/seed_*.json, safely and repeatably.

``loaddata`` would overwrite every seed record on each run, undoing curators' edits made in the
admin since. This command matches records by natural key (slugs, keys, uuids) and by default
only adds those that are missing, so ``make run`` can call it every time. ``--update`` takes the
fixture's values for records that exist, for a deliberate refresh.

Deserialisation saves rows raw, which django-simple-history does not record. So afterwards every
knowledge-base row without history gets one initial version, dated now: its history starts when it
entered the knowledge base here. ``--update`` overwrites are recorded as changed versions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from citydiplo.demo_data import is_demo_database
from networks.history import has_history

FIXTURE_GLOB = "seed_*.json"
KNOWLEDGE_BASE_APPS = ("networks", "declarations", "pledges")
HISTORY_BATCH = 500


def seed_files() -> list[Path]:
    return sorted(Path(settings.BASE_DIR, "fixtures").glob(FIXTURE_GLOB))


def history_models() -> list[type[models.Model]]:
    return [
        model
        for label in KNOWLEDGE_BASE_APPS
        for model in apps.get_app_config(label).get_models()
        if has_history(model)
    ]


def start_missing_histories(now: datetime.datetime) -> dict[type[models.Model], set[object]]:
    """Give every row with no history an initial version; two queries per model, any size.

    Returns the pks that got one, by model. Rows with any history are left alone, which is what
    makes a second run add nothing.
    """
    started: dict[type[models.Model], set[object]] = {}
    for model in history_models():
        history = model.history.model
        rows = list(
            model._default_manager.filter(
                ~Exists(history.objects.filter(**{model._meta.pk.attname: OuterRef("pk")}))
            ).order_by("pk")
        )
        if rows:
            model.history.bulk_history_create(rows, default_date=now, batch_size=HISTORY_BATCH)
            started[model] = {row.pk for row in rows}
    return started


def record_updates(
    updated: dict[type[models.Model], set[object]],
    started: dict[type[models.Model], set[object]],
    now: datetime.datetime,
) -> int:
    """A changed version for each record ``--update`` overwrote, read back as finally stored."""
    recorded = 0
    for model, pks in updated.items():
        pks = pks - started.get(model, set())  # their initial version already has these values
        if pks and has_history(model):
            rows = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
            model.history.bulk_history_create(
                rows, update=True, default_date=now, batch_size=HISTORY_BATCH
            )
            recorded += len(rows)
    return recorded


class Command(BaseCommand):
    help = (
        "Load the seed knowledge base; adds what is missing and keeps existing records as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing seed records with the fixtures' values.",
        )

    @transaction.atomic
    def handle(self, *args: object, update: bool = False, **options: object) -> None:
        if is_demo_database():  # curated and generated records must never share a database
            raise CommandError(
                "This database holds generated demo data (generate_demo_data); the seed knowledge "
                "base is not loaded beside it. Use a separate database (DATABASE_URL)."
            )
        files = seed_files()
        if not files:
            self.stderr.write(self.style.ERROR("No fixtures/seed_*.json found."))
            raise SystemExit(1)
        created: Counter[str] = Counter()
        kept: Counter[str] = Counter()
        updated: dict[type[models.Model], set[object]] = {}
        deferred = []
        for path in files:
            with path.open(encoding="utf-8") as fh:
                for item in serializers.deserialize("json", fh, handle_forward_references=True):
                    label = item.object._meta.label
                    if item.object.pk is not None and not update:
                        kept[label] += 1  # the natural key matched a record already here
                        continue
                    existing = item.object.pk is not None
                    (kept if existing else created)[label] += 1
                    item.save()
                    if existing:
                        updated.setdefault(type(item.object), set()).add(item.object.pk)
                    if item.deferred_fields:
                        deferred.append(item)
        for item in deferred:
            item.save_deferred_fields()
        now = timezone.now()
        started = start_missing_histories(now)
        n_updates = record_updates(updated, started, now)
        for label in sorted(set(created) | set(kept)):
            verb = "updated" if update else "kept"
            self.stdout.write(f"{label}: {created[label]} added, {kept[label]} {verb}")
        self.stdout.write(
            f"History: {sum(map(len, started.values()))} records started, "
            f"{n_updates} updates recorded."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Seed loaded: {sum(created.values())} records added.")
        )
