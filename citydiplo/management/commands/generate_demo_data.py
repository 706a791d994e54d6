"""Fill a separate database with synthetic demo data at volume, for demonstrations and benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/citydiplo_demo \\
        python manage.py generate_demo_data --cities 10000 --pledges 100000 --seed 1

Everything else (networks, events, declarations, memberships, signatures, objectives, partners,
progress reports) follows from the two sizes; see ``citydiplo.demo_data``. A database holding
curated records is refused, and so is one already holding demo data unless ``--replace`` is given.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citydiplo import demo_data


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class ProgressLine:
    """Progress on the command's stderr: on a terminal one line per phase, redrawn in place;
    otherwise (logs, CI) one line per phase once it is done, so logs stay readable."""

    WIDTH = 30

    def __init__(self, out: object, *, tty: bool) -> None:
        self.out = out
        self.tty = tty
        self.phase: str | None = None
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self._finish_line()
            self.phase, self.started = phase, time.monotonic()
        if self.tty:
            share = done / total if total else 1.0
            bar = "#" * round(share * self.WIDTH)
            self.out.write(
                f"\r{phase:<24} [{bar:<{self.WIDTH}}] {done:>9,}/{total:,}",
                ending="",
                style_func=lambda text: text,
            )
            self.out.flush()
        if done >= total:
            elapsed = time.monotonic() - self.started
            if self.tty:
                self.out.write(f"  {elapsed:.1f}s", style_func=lambda text: text)
            else:
                count = f" {total:,}" if total > 1 else ""
                self.out.write(f"{phase}:{count} done in {elapsed:.1f}s", style_func=lambda t: t)
            self.phase = None

    def _finish_line(self) -> None:
        if self.tty and self.phase is not None:
            self.out.write("", style_func=lambda text: text)  # end an unfinished line


class Command(BaseCommand):
    help = (
        "Generate synthetic demo data (invented cities, networks, declarations, pledges) into an "
        "empty, separate database. Never run it against the curated knowledge base."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cities", type=positive, required=True, help="Number of cities.")
        parser.add_argument("--pledges", type=int, required=True, help="Number of pledges.")
        parser.add_argument(
            "--seed", type=int, required=True, help="Random seed; the same seed, the same rows."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the demo data already in the database first.",
        )
        for name, default in (
            ("networks", "5·cities^¼"),
            ("events", "2·√cities"),
            ("declarations", "√cities"),
        ):
            parser.add_argument(
                f"--{name}", type=positive, default=None, help=f"Override (default {default})."
            )

    def handle(self, *args: object, **options: object) -> None:
        pledges = int(options["pledges"])  # type: ignore[call-overload]
        if pledges < 0:
            raise CommandError("--pledges must not be negative.")
        progress = ProgressLine(self.stderr, tty=self.stderr.isatty())
        started = time.monotonic()
        try:
            counts = demo_data.generate(
                cities=options["cities"],  # type: ignore[arg-type]
                pledges=pledges,
                seed=options["seed"],  # type: ignore[arg-type]
                progress=progress,
                replace=bool(options["replace"]),
                networks=options["networks"],  # type: ignore[arg-type]
                events=options["events"],  # type: ignore[arg-type]
                declarations=options["declarations"],  # type: ignore[arg-type]
            )
        except (demo_data.DemoDataRefused, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        width = max(map(len, counts))
        for table, n in counts.items():
            self.stdout.write(f"{table:<{width}}  {n:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data generated: {sum(counts.values()):,} rows in {elapsed:.1f}s "
                f"(seed {options['seed']}, source '{demo_data.DEMO_SOURCE_KEY}')."
            )
        )
