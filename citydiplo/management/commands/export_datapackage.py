"""Write the public knowledge base as a dated Frictionless Data Package.

``export_datapackage OUT_DIR`` writes ``datapackage.json`` and one CSV per table into OUT_DIR;
``export_datapackage --publish`` writes a dated zip into ``settings.DATAPACKAGE_DIR`` instead,
which the ``/data/`` page lists and serves (run it from cron, e.g. nightly).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from citydiplo import datapackage
from citydiplo.demo_data import is_demo_database


class Command(BaseCommand):
    help = (
        "Export the public data as a Frictionless Data Package: datapackage.json plus one CSV "
        "per table in OUT_DIR, or with --publish a dated zip in DATAPACKAGE_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "out_dir", nargs="?", type=Path, help="Directory to write (created if missing)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Write into OUT_DIR even if it is not empty."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=(
                "Write citydiplo-datapackage-YYYY-MM-DD.zip into DATAPACKAGE_DIR (replacing "
                f"today's) and keep the {datapackage.KEEP_PUBLISHED} newest zips."
            ),
        )

    def handle(
        self, *args: object, out_dir: Path | None, force: bool, publish: bool, **options: object
    ) -> None:
        if publish == (out_dir is not None):
            raise CommandError("Give either OUT_DIR or --publish.")
        if is_demo_database():  # synthetic records must never reach a citable package
            raise CommandError(
                "This database holds generated demo data (generate_demo_data); no data package "
                "is written from it. Export from the curated knowledge base's database."
            )
        if publish:
            target, result = datapackage.publish(Path(settings.DATAPACKAGE_DIR))
            self._report(result)
            self.stdout.write(self.style.SUCCESS(f"Published {target}"))
            return
        assert out_dir is not None
        if out_dir.exists() and not out_dir.is_dir():
            raise CommandError(f"{out_dir} exists and is not a directory.")
        if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
            raise CommandError(f"{out_dir} is not empty; use --force to write into it anyway.")
        out_dir.mkdir(parents=True, exist_ok=True)
        result = datapackage.export_package(out_dir)
        self._report(result)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote data package {result.descriptor['version']} to {out_dir / datapackage.DESCRIPTOR}"
            )
        )

    def _report(self, result: datapackage.ExportResult) -> None:
        for name, n in result.rows.items():
            self.stdout.write(f"{name}: {n} rows")
