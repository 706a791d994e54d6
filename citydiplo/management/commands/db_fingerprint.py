"""Print a SHA-256 per table over all its rows, and one over all tables.

Run it on a database and on its restore: equal output means every row of every table came back.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from citydiplo import backup


class Command(BaseCommand):
    help = (
        "Fingerprint every table of the default database: 'table rows sha256' lines and an "
        "overall hash, the same for a database and its restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print one JSON object instead."
        )

    def handle(self, *args: object, as_json: bool, **options: object) -> None:
        try:
            result = backup.fingerprint()
        except (backup.BackupError, OperationalError) as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, sort_keys=True))
            return
        for line in result.lines():
            self.stdout.write(line)
