"""Back up the whole database: ``pg_dump`` on PostgreSQL, SQLite's online backup API on SQLite.

``backup`` writes ``var/backups/citydiplo-<UTC timestamp>.dump`` (PostgreSQL) or ``….sqlite3``
(SQLite, with the public data package beside it); ``--output PATH`` writes elsewhere. The file
appears under its name only once complete. ``restore`` loads it back.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from citydiplo import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (accounts, drafts and moderation history included) to "
        "var/backups/citydiplo-<UTC timestamp>.dump (PostgreSQL) or .sqlite3 (SQLite)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write (it must not exist yet), or a directory to write it into.",
        )

    def handle(self, *args: object, output: Path | None, **options: object) -> None:
        try:
            result = backup.backup(output)
        except (backup.BackupError, OperationalError) as exc:
            raise CommandError(str(exc)) from None
        for name, n in result.rows.items():
            self.stdout.write(f"{name}: {n} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(result.rows)} tables, {sum(result.rows.values())} rows, to "
                f"{result.path} ({_size(result.size)})"
            )
        )
        if result.vendor == backup.POSTGRESQL:
            self.stdout.write(f"Restore it with: manage.py restore {result.path}")
        else:
            self.stdout.write(
                f"{result.path.name} is the full backup (restore it with: manage.py restore "
                f"{result.path})."
            )
            if result.datapackage is not None:
                self.stdout.write(
                    f"The data package {result.datapackage} holds only the published data (no "
                    "accounts, no drafts): portable, e.g. into PostgreSQL with import_datapackage."
                )
            else:
                self.stdout.write(f"No data package was written: {result.datapackage_skipped}.")


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
