"""Delete the ``Idempotency-Key`` records older than 24 hours (run it daily, e.g. from cron).

    python manage.py purge_idempotency_keys

An expired key is also freed when its owner sends it again, so skipping a run changes nothing
for clients; the command only keeps the table small.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        if options["verbosity"] > 0:
            self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
