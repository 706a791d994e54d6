"""Restore a backup made by ``backup`` into the default database, replacing what it holds.

An empty database (freshly created: no table holds a row) is restored into at once. A database
holding rows is replaced only with ``--yes`` or after typing "yes" at the prompt, since its rows
are lost. The restore is all or nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from citydiplo import backup

SHOWN = 5


class Command(BaseCommand):
    help = (
        "Restore a backup file (.dump on PostgreSQL, .sqlite3 on SQLite) into the default "
        "database. A database that holds rows is replaced only with --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Backup file written by manage.py backup.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database's current contents without asking.",
        )

    def handle(self, *args: object, path: Path, yes: bool, **options: object) -> None:
        try:
            tables = backup.check_backup(path, backup.default_connection())
            occupied = backup.occupied_tables(backup.default_connection())
            if occupied and not yes:
                self._confirm(occupied)
            warnings = backup.restore(path, tables=tables)
            result = backup.fingerprint()
        except (backup.BackupError, OperationalError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            "Fingerprint of the restored database (db_fingerprint on the source gives the same):"
        )
        for line in result.lines():
            self.stdout.write(line)
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(f"Restored {path}: {len(result.tables)} tables, {result.rows} rows.")
        )

    def _confirm(self, occupied: list[str]) -> None:
        """Ask at a terminal; anywhere else (cron, CI, a pipe) refuse without --yes."""
        shown = ", ".join(occupied[:SHOWN]) + (
            f" and {len(occupied) - SHOWN} more" if len(occupied) > SHOWN else ""
        )
        problem = f"The database is not empty ({len(occupied)} tables hold rows: {shown})."
        if not sys.stdin.isatty():
            raise CommandError(
                f"{problem} Restoring replaces them; pass --yes to do so, or restore into a "
                "freshly created database."
            )
        try:
            answer = input(f"{problem}\nRestoring replaces all its data. Type 'yes' to go on: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
