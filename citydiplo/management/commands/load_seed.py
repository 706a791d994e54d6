"""Load the curated seed knowledge base from fixtures/seed_*.json, safely and repeatably.

``loaddata`` would overwrite every seed record on each run, undoing curators' edits made in the
admin since. This command matches records by natural key (slugs, keys, uuids) and by default
only adds those that are missing, so ``make run`` can call it every time. ``--update`` takes the
fixture's values for records that exist, for a deliberate refresh.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

FIXTURE_GLOB = "seed_*.json"


def seed_files() -> list[Path]:
    return sorted(Path(settings.BASE_DIR, "fixtures").glob(FIXTURE_GLOB))


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
        files = seed_files()
        if not files:
            self.stderr.write(self.style.ERROR("No fixtures/seed_*.json found."))
            raise SystemExit(1)
        created: Counter[str] = Counter()
        kept: Counter[str] = Counter()
        deferred = []
        for path in files:
            with path.open(encoding="utf-8") as fh:
                for item in serializers.deserialize("json", fh, handle_forward_references=True):
                    label = item.object._meta.label
                    if item.object.pk is not None and not update:
                        kept[label] += 1  # the natural key matched a record already here
                        continue
                    (kept if item.object.pk is not None else created)[label] += 1
                    item.save()
                    if item.deferred_fields:
                        deferred.append(item)
        for item in deferred:
            item.save_deferred_fields()
        for label in sorted(set(created) | set(kept)):
            verb = "updated" if update else "kept"
            self.stdout.write(f"{label}: {created[label]} added, {kept[label]} {verb}")
        self.stdout.write(
            self.style.SUCCESS(f"Seed loaded: {sum(created.values())} records added.")
        )
