"""Load a citydiplo data package into an empty, migrated database (a restore, or a mirror).

Every file is checked against the package's byte counts and SHA-256 hashes before anything is
written; the rows then go in with their ids, in one transaction, so a failure leaves nothing
behind. The framework and objective tables, which migrations fill, may already hold exactly
the package's rows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from citydiplo import datapackage


class Command(BaseCommand):
    help = (
        "Load a citydiplo data package (a directory with datapackage.json) into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Directory holding datapackage.json.")

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        try:
            counts = datapackage.import_package(directory)
        except datapackage.PackageError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"The database refused the package; nothing was imported: {exc}"
            ) from exc
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n} rows")
        self.stdout.write(self.style.SUCCESS(f"Imported {sum(counts.values())} rows."))
