"""Synthetic demo data at volume, for demonstrations and benchmarks; never mixed with real data.

``generate(cities=10_000, pledges=100_000, seed=1)`` fills an empty database with invented cities,
networks, events, declarations and pledges whose proportions and skew resemble the real field, so
that listings, maps, search and the API can be tried and timed at a realistic size. Everything
else is derived from the two numbers (see :class:`Plan`): at 10,000 cities and 100,000 pledges
that is 50 networks, ~30,000 memberships, 200 events in 10 series, 100 declarations with a few
thousand signatures, ~205,000 pledge-objective links and ~40,000 progress reports.

Why it looks the way it does:

- **Clearly synthetic.** Every record with a ``source`` cites the one demo :class:`Source`
  (key ``demo-data``); place names are invented from syllables, networks are "Demo Network NN …",
  topics and event series have ``demo-`` slugs, pledge texts say they are synthetic. A database
  holding curated records is refused (:func:`check_database`), and the seed loader and the data
  package export refuse a demo database (:func:`is_demo_database`), so the two never mix.
- **Deterministic.** All randomness comes from one ``random.Random(seed)``, including UUIDs and
  the ``created_at``/``updated_at`` stamps, so the same seed gives the same rows on every
  database (only primary keys differ).
- **Fast.** Rows are built in memory and written with ``bulk_create`` (through tables of the
  many-to-many fields directly); no per-row ``save()``, so no signals and no history rows. On
  PostgreSQL the full-text (GIN) indexes are built once after the load instead of row by row,
  and the tables are vacuumed and analysed afterwards so the planner has statistics.
- **Valid.** Bulk inserts skip ``full_clean``, so the builders respect every CHECK constraint
  themselves: slug format, normalised partial dates with their precision, end after start,
  submitted pledges with a city and a 300-3000 character description, and so on.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import translation
from django_countries import countries

from declarations.models import (
    CountQualifier,
    Declaration,
    DeclarationKind,
    Event,
    EventSeries,
    Signature,
    Topic,
)
from networks.dates import DatePrecision, normalise
from networks.history import has_history
from networks.models import (
    City,
    LocalGovernmentKind,
    Membership,
    Network,
    NetworkKind,
    Role,
    Scope,
    Source,
)
from networks.regions import M49
from pledges.models import (
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    CityStaff,
    ImplementationStatus,
    ModerationState,
    Objective,
    Pledge,
    PledgeTransition,
    PledgeType,
    ProgressReport,
)

# Progress callback: (phase, rows done, rows in the phase).
Progress = Callable[[str, int, int], None]

DEMO_SOURCE_KEY = "demo-data"
# Records without a source column (topics, event series) are recognised by this slug prefix.
DEMO_SLUG_PREFIX = "demo-"
BATCH_SIZE = 2000

FIRST_DAY = dt.date(2010, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)  # fixed, not "today": the data must not depend on the clock
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year
LAST_MOMENT = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

# Tables written, in the order they are filled; the keys of generate()'s result.
TABLES = (
    "sources",
    "cities",
    "networks",
    "memberships",
    "topics",
    "event_series",
    "events",
    "event_organisers",
    "declarations",
    "declaration_topics",
    "signatures",
    "pledges",
    "pledge_objectives",
    "pledge_partner_cities",
    "pledge_partner_networks",
    "progress_reports",
)


class DemoDataRefused(Exception):
    """The database is not one demo data may be written to (curated records, or demo data
    already there without ``replace``)."""


# --- sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How many of each record, derived from the number of cities and pledges.

    The field has a few dozen networks, a few hundred events and about a hundred declarations
    however many cities join in, so those grow with a root of the city count: 5·C^¼ networks
    (50 at 10k), 2·√C events (200), √C declarations (100), one event series per 20 events.
    """

    cities: int
    pledges: int
    networks: int
    events: int
    declarations: int
    event_series: int
    topics: int = 12
    memberships_per_city: float = 3.0
    # Share of cities that never pledged (the rest share the pledges, Zipf-skewed).
    non_pledging_share: float = 0.3

    @classmethod
    def for_sizes(
        cls,
        *,
        cities: int,
        pledges: int,
        networks: int | None = None,
        events: int | None = None,
        declarations: int | None = None,
    ) -> Plan:
        if cities < 2:
            raise ValueError("cities must be at least 2")
        if pledges < 0:
            raise ValueError("pledges must not be negative")
        n_events = events if events is not None else max(3, round(2 * math.sqrt(cities)))
        for name, value in (
            ("networks", networks),
            ("events", events),
            ("declarations", declarations),
        ):
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")
        return cls(
            cities=cities,
            pledges=pledges,
            networks=networks if networks is not None else max(3, round(5 * cities**0.25)),
            events=n_events,
            declarations=(
                declarations if declarations is not None else max(2, round(math.sqrt(cities)))
            ),
            event_series=max(1, round(n_events / 20)),
        )


# --- detection and removal --------------------------------------------------------------------


def demo_source() -> Source | None:
    return Source.objects.filter(key=DEMO_SOURCE_KEY).first()


def is_demo_database() -> bool:
    """Whether this database holds generated demo data (the demo source marks it).

    The seed loader and the data package export ask this before they run: demo rows must never
    end up beside curated ones, nor in a published package.
    """
    return Source.objects.filter(key=DEMO_SOURCE_KEY).exists()


def _demo_records(source: Source | None) -> dict[type[models.Model], Q]:
    """Per model, which rows belong to the demo data.

    Memberships, signatures and pledges of a demo city count as demo too, so a pledge someone
    drafted through the API while trying out a demo database does not block ``--replace``.
    """
    src = Q(source=source) if source is not None else Q(pk__in=[])
    demo_city = Q(city__source=source) if source is not None else Q(pk__in=[])
    demo_slug = Q(slug__startswith=DEMO_SLUG_PREFIX)
    return {
        Source: Q(key=DEMO_SOURCE_KEY),
        City: src,
        Network: src,
        Membership: src | demo_city,
        Topic: demo_slug,
        EventSeries: demo_slug,
        Event: src,
        Declaration: src,
        Signature: src | demo_city,
        Pledge: src | demo_city,
    }


def curated_counts() -> dict[str, int]:
    """Records of the knowledge base that are not demo data, by model (only non-zero counts)."""
    counts = {}
    for model, demo in _demo_records(demo_source()).items():
        n = model.objects.exclude(demo).count()
        if n:
            counts[str(model._meta.verbose_name_plural)] = n
    return counts


def check_database(*, replace: bool = False) -> None:
    """Refuse a database that holds curated records, or demo data unless it is to be replaced."""
    curated = curated_counts()
    if curated:
        found = ", ".join(f"{n} {name}" for name, n in curated.items())
        raise DemoDataRefused(
            f"This database holds curated records ({found}); demo data is never mixed with the "
            "knowledge base. Point DATABASE_URL at a separate, freshly migrated database, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/citydiplo_demo."
        )
    if is_demo_database() and not replace:
        raise DemoDataRefused(
            "This database already holds demo data; use --replace to delete it and generate anew."
        )


def _raw_delete(queryset: models.QuerySet) -> int:
    """Delete rows in one statement, without loading them.

    ``QuerySet.delete()`` would fetch every row to send the delete signals, and
    django-simple-history's handler would write a history row for each: minutes and millions of
    rows for data that never had a history.
    """
    return queryset._raw_delete(queryset.db)


def delete_demo_data(progress: Progress | None = None) -> int:
    """Remove the generated records (and any history, moderation steps or staff links made on
    them since); returns the number of rows deleted. Run inside a transaction."""
    source = demo_source()
    if source is None:
        return 0
    demo = _demo_records(source)
    pledges = Pledge.objects.filter(demo[Pledge]).values("pk")
    cities = City.objects.filter(demo[City]).values("pk")
    declarations = Declaration.objects.filter(demo[Declaration]).values("pk")
    events = Event.objects.filter(demo[Event]).values("pk")
    steps: list[models.QuerySet] = [
        PledgeTransition.objects.filter(pledge__in=pledges),
        ProgressReport.objects.filter(pledge__in=pledges),
        Pledge.partner_cities.through.objects.filter(pledge__in=pledges),
        Pledge.partner_networks.through.objects.filter(pledge__in=pledges),
        Pledge.objectives.through.objects.filter(pledge__in=pledges),
        Pledge.objects.filter(demo[Pledge]),
        Signature.objects.filter(demo[Signature]),
        Declaration.topics.through.objects.filter(declaration__in=declarations),
        Declaration.objects.filter(demo[Declaration]),
        Event.organisers.through.objects.filter(event__in=events),
        Event.objects.filter(demo[Event]),
        EventSeries.objects.filter(demo[EventSeries]),
        Topic.objects.filter(demo[Topic]),
        Membership.objects.filter(demo[Membership]),
        CityStaff.objects.filter(city__in=cities),
        Network.objects.filter(demo[Network]),
        City.objects.filter(demo[City]),
        Source.objects.filter(demo[Source]),
    ]
    deleted = 0
    for i, queryset in enumerate(steps):
        model = queryset.model
        if has_history(model):  # versions recorded by edits made in the demo database
            history = model.history.model.objects.filter(
                **{f"{model._meta.pk.attname}__in": queryset.values("pk")}
            )
            deleted += _raw_delete(history)
        deleted += _raw_delete(queryset)
        if progress:
            progress("delete old demo data", i + 1, len(steps))
    return deleted


# --- generation -------------------------------------------------------------------------------


def generate(
    *,
    cities: int,
    pledges: int,
    seed: int,
    progress: Progress | None = None,
    replace: bool = False,
    networks: int | None = None,
    events: int | None = None,
    declarations: int | None = None,
) -> dict[str, int]:
    """Fill the database with demo data; returns the rows written per table (see ``TABLES``).

    All or nothing: one transaction, refused (``DemoDataRefused``) before anything is written
    when the database holds curated records, or demo data and ``replace`` is false.
    """
    plan = Plan.for_sizes(
        cities=cities,
        pledges=pledges,
        networks=networks,
        events=events,
        declarations=declarations,
    )
    with transaction.atomic():
        check_database(replace=replace)
        if replace:
            delete_demo_data(progress)
        with _gin_indexes_built_afterwards(progress):
            counts = _Builder(plan, seed, progress).run()
        if progress:  # deferred foreign keys not checked yet (SQLite) are checked now
            progress("commit", 0, 1)
    if progress:
        progress("commit", 1, 1)
    if connection.vendor == "postgresql":
        analyze(progress)
    return counts


GENERATED_MODELS: tuple[type[models.Model], ...] = (
    Source,
    City,
    Network,
    Membership,
    Topic,
    EventSeries,
    Event,
    Event.organisers.through,
    Declaration,
    Declaration.topics.through,
    Signature,
    Pledge,
    Pledge.objectives.through,
    Pledge.partner_cities.through,
    Pledge.partner_networks.through,
    ProgressReport,
)


def analyze(progress: Progress | None = None) -> None:
    """Give PostgreSQL's planner statistics for the tables just filled (autovacuum may be late).

    Outside a transaction it is ``VACUUM (ANALYZE)``: that also sets the visibility map and the
    rows' hint bits, which the first benchmark queries would otherwise pay for. (Inside one, as
    in tests, VACUUM is not allowed; ANALYZE is.)
    """
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    phase = command.lower().replace("(", "").replace(")", "")
    with connection.cursor() as cursor:
        for i, model in enumerate(GENERATED_MODELS):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
            if progress:
                progress(phase, i + 1, len(GENERATED_MODELS))


@contextmanager
def _gin_indexes_built_afterwards(progress: Progress | None = None) -> Iterator[None]:
    """On PostgreSQL, drop the GIN (full-text search) indexes of the tables about to be filled
    and build them again from their own definitions once the rows are in.

    Maintaining a GIN index row by row (with ``fastupdate=off`` above all) costs most of a
    100,000-pledge load; one build over all rows takes seconds (the PostgreSQL manual's advice
    for populating a database). Both happen in the caller's transaction, so a failed load gets
    its indexes back with the rollback.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in GENERATED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam
            WHERE am.amname = 'gin'
              AND i.indrelid = ANY (%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # CREATE INDEX refuses a table with foreign-key checks still pending (Django's are
        # deferred to the commit): run them now, then defer again, as every deferrable
        # constraint of the schema is initially.
        if progress:
            progress("check foreign keys", 0, 1)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if progress:
            progress("check foreign keys", 1, 1)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # this transaction's builds
        for i, (_, definition) in enumerate(definitions):
            cursor.execute(definition)
            if progress:
                progress("build search indexes", i + 1, len(definitions))


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` values we set.

    ``auto_now``/``auto_now_add`` fields stamp the current time on insert, which would make the
    rows differ from run to run and put all 100,000 pledges on one afternoon.
    """
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Weighted:
    """A fixed weight table, accumulated once for the many draws of the pledge loop."""

    def __init__(self, table: dict[Any, float]) -> None:
        self.items = list(table)
        self.cum = list(itertools.accumulate(table.values()))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum)[0]


# --- vocabulary -------------------------------------------------------------------------------

# Syllables for invented place names; hard-to-pronounce pairs are part of the point.
_ONSETS = tuple(
    "b br d dr f g gr k kr l m n p pr qu r s sk st t tr v vr z zh th ch y w x".split()  # noqa: SIM905
)
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "au", "ei", "ou", "y"]
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "nd", "rk", "lt", "x", "v", "sk"]
_PREFIXES = ["Nova ", "Port ", "Upper ", "Lower ", "San ", "Bad ", "Nieder", "Ober", "Great "]

THEMES = (
    "access to basic services",
    "inclusion and social cohesion",
    "sea rescue and safe harbours",
    "labour market inclusion",
    "language learning",
    "housing for newcomers",
    "climate and human mobility",
    "anti-discrimination",
    "safe and regular pathways",
    "migrant health",
    "data on urban migration",
    "children and youth on the move",
)
_NETWORK_NOUNS = ("Alliance", "Network", "Coalition", "Platform", "Partnership", "Initiative")
_SERIES_KINDS = (
    "Mayoral Forum",
    "Summit",
    "Congress",
    "Dialogue",
    "Assembly",
    "Conference",
    "Roundtable",
    "Review Forum",
)
_ACTIONS = (
    ("Open", "a one-stop welcome centre for newcomers"),
    ("Expand", "language courses for adult migrants"),
    ("Fund", "legal counselling for asylum seekers"),
    ("Train", "front-line staff in intercultural skills"),
    ("Launch", "a mentoring programme for young refugees"),
    ("Guarantee", "access to primary health care regardless of status"),
    ("Set up", "a migrant advisory council"),
    ("Double", "places in reception housing"),
    ("Publish", "disaggregated data on the city's migrant population"),
    ("Create", "a municipal ID card open to all residents"),
    ("Support", "recognition of foreign qualifications"),
    ("Offer", "safe harbour to people rescued at sea"),
    ("Strengthen", "cooperation with diaspora organisations"),
    ("Establish", "a fund for climate-displaced residents"),
)
_GROUPS = (
    "newly arrived residents",
    "refugee families",
    "unaccompanied minors",
    "migrant workers",
    "asylum seekers",
    "undocumented residents",
    "returning migrants",
)
_PARTNERS = (
    "local civil society organisations",
    "the regional government",
    "universities",
    "employers' associations",
    "migrant-led organisations",
    "UN agencies",
    "neighbouring municipalities",
)
_OFFICES = ("Mayor", "Mayor", "Mayor", "Lord Mayor", "Deputy Mayor", "Governor", "")
_LANGUAGES = ("en", "en", "en", "en", "de", "es", "fr", "it", "pt", "ar", "tr")
DISCLAIMER = "Synthetic demo record made by generate_demo_data; not a real commitment."

# Countries in the order of how many cities the field has there (the head by hand, the rest
# alphabetically); city counts then fall off Zipf-like along this list.
_COUNTRY_HEAD = tuple(
    "DE IT ES US FR GB BR MX CO TR NL BE SE AT CH GR PT PL CA AR EC CL PE KE ZA NG UG MA JO LB "  # noqa: SIM905
    "PH ID IN BD AU JP KR".split()
)

# Rough boxes (lat min, lat max, lon min, lon max) per M49 sub-region, for plausible map dots.
_BOXES: dict[str, tuple[float, float, float, float]] = {
    "northern_africa": (15, 35, -15, 35),
    "sub_saharan_africa": (-33, 15, -17, 45),
    "latin_america_caribbean": (-50, 25, -110, -35),
    "northern_america": (25, 60, -125, -65),
    "central_asia": (37, 55, 50, 85),
    "eastern_asia": (22, 45, 100, 145),
    "south_eastern_asia": (-10, 20, 95, 125),
    "southern_asia": (8, 35, 60, 92),
    "western_asia": (12, 42, 26, 60),
    "eastern_europe": (42, 60, 14, 50),
    "northern_europe": (50, 65, -10, 30),
    "southern_europe": (36, 46, -9, 28),
    "western_europe": (43, 54, -5, 16),
    "australia_new_zealand": (-45, -12, 115, 178),
    "melanesia": (-22, -2, 140, 170),
    "micronesia": (0, 15, 135, 175),
    "polynesia": (-25, -10, -175, -140),
}

# Objectives pledges name most often get more weight (GCM 15, 16, 7, 23; SDG 10, 11...).
_OBJECTIVE_WEIGHTS = {
    ("GCM", 15): 8,
    ("GCM", 16): 8,
    ("GCM", 7): 5,
    ("GCM", 23): 5,
    ("GCM", 17): 4,
    ("GCM", 1): 3,
    ("GCM", 5): 3,
    ("GCM", 6): 3,
    ("GCM", 18): 3,
    ("GCR", 1): 3,
    ("GCR", 2): 4,
    ("GCR", 3): 2,
    ("GCR", 4): 1,
    ("SDG", 10): 5,
    ("SDG", 11): 5,
    ("SDG", 16): 3,
    ("SDG", 8): 2,
    ("SDG", 4): 2,
    ("SDG", 3): 2,
}
# Pledging took off with the compacts (2018) and their reviews (GRF 2019, IMRF 2022, GRF 2023).
_PLEDGE_YEARS = _Weighted(
    dict(
        zip(range(2010, 2027), (1, 1, 1, 1, 1, 2, 3, 4, 8, 12, 7, 8, 12, 14, 10, 9, 7), strict=True)
    )
)
_MODERATION = _Weighted(
    {
        ModerationState.PUBLISHED: 80,
        ModerationState.DRAFT: 8,
        ModerationState.SUBMITTED: 4,
        ModerationState.CHANGES_REQUESTED: 4,
        ModerationState.REJECTED: 4,
    }
)
# A network's collective pledge is entered by curators; it never goes through moderation.
_NETWORK_MODERATION = _Weighted({ModerationState.PUBLISHED: 90, ModerationState.DRAFT: 10})
# Progress reports per published pledge: 0 (66 %), 1, 2 or 3; 0.52 on average.
_REPORTS = _Weighted({0: 66, 1: 20, 2: 10, 3: 4})
_OBJECTIVES_PER_PLEDGE = _Weighted({1: 35, 2: 35, 3: 20, 4: 10})  # 2.05 on average
_PLEDGE_TYPES = _Weighted(
    {
        PledgeType.POLICY: 35,
        PledgeType.PROGRAMME: 30,
        PledgeType.CAPACITY: 15,
        PledgeType.FINANCIAL: 12,
        "": 8,
    }
)
_STATUS = _Weighted(  # of a published pledge without reports
    {
        ImplementationStatus.PLANNING: 40,
        ImplementationStatus.IN_PROGRESS: 45,
        ImplementationStatus.FULFILLED: 15,
    }
)


# --- random helpers ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _words(choice: str) -> str:
    """A choice's value as words; its label would follow the active language."""
    return str(choice).replace("_", " ")


def _pick(rng: random.Random, table: dict[Any, float]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _zipf(n: int, s: float, offset: float = 0.0) -> list[float]:
    return [1.0 / (k + offset) ** s for k in range(1, n + 1)]


def _sample_distinct(
    rng: random.Random, pool: Sequence[int], weights: Sequence[float], k: int
) -> list[int]:
    """``k`` distinct items of ``pool``, heavier ones likelier, in descending order of luck.

    Efraimidis-Spirakis keys (log u / w); for a small ``k`` repeated weighted draws are faster.
    """
    if k >= len(pool):
        return list(pool)
    if k * 8 <= len(pool):
        cum = list(itertools.accumulate(weights))
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            for item in rng.choices(pool, cum_weights=cum, k=k - len(chosen)):
                chosen[item] = None
                if len(chosen) == k:
                    break
        return list(chosen)
    keyed = (
        (math.log(1.0 - rng.random()) / w, item) for item, w in zip(pool, weights, strict=True)
    )
    return [item for _, item in heapq.nlargest(k, keyed)]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


_PRECISIONS = (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, "")


def _partial(
    rng: random.Random, day: dt.date, weights: tuple[float, float, float, float]
) -> tuple[dt.date | None, str]:
    """A date as a source would give it: to the day, month or year, or not at all."""
    precision = rng.choices(_PRECISIONS, weights=weights)[0]
    if not precision:
        return None, ""
    return normalise(day, precision), str(precision)


def _moment(rng: random.Random, day: dt.date, max_days: int) -> dt.datetime:
    """A working-hours time on one of the ``max_days`` days after ``day``, at the latest on the
    data's last day (spread, not piled up on it)."""
    on = _day(rng, day, min(day + dt.timedelta(days=max_days), LAST_DAY))
    return dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
        seconds=rng.randint(7 * 3600, 19 * 3600)
    )


def _fill(weights: Sequence[float], caps: Sequence[int], total: int) -> list[int]:
    """Sizes proportional to ``weights``, none above its cap, summing to about ``total``."""
    if sum(caps) <= total:
        return list(caps)
    lo, hi = 0.0, total / min(weights)
    for _ in range(80):
        mid = (lo + hi) / 2
        if sum(min(c, mid * w) for w, c in zip(weights, caps, strict=True)) < total:
            lo = mid
        else:
            hi = mid
    return [min(c, round(hi * w)) for w, c in zip(weights, caps, strict=True)]


# --- the builder ------------------------------------------------------------------------------


@dataclass
class _Pending:
    """Rows of the pledge phase that wait for the pledges' primary keys."""

    objectives: list[tuple[Pledge, int]] = field(default_factory=list)
    partner_cities: list[tuple[Pledge, int]] = field(default_factory=list)
    partner_networks: list[tuple[Pledge, int]] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)


class _Builder:
    """Builds and inserts the records table by table; one ``random.Random(seed)`` for all."""

    def __init__(self, plan: Plan, seed: int, progress: Progress | None) -> None:
        self.plan = plan
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.slugs: set[str] = set()

    # -- plumbing --

    def _insert(self, phase: str, table: str, objs: list[models.Model]) -> None:
        model = type(objs[0]) if objs else None
        total = len(objs)
        if self.progress:
            self.progress(phase, 0, total)
        for start in range(0, total, BATCH_SIZE):
            batch = objs[start : start + BATCH_SIZE]
            assert model is not None
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            if self.progress:
                self.progress(phase, min(start + BATCH_SIZE, total), total)
        if objs and objs[0]._meta.pk and getattr(objs[-1], "pk", None) is None:
            raise RuntimeError(f"{table}: the database returned no primary keys")
        self.counts[table] += total

    def _unique_slug(self, text: str) -> str:
        base = _slug(text)[:190].strip("-") or "demo"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug

    def _year(self, table: dict[int, float], first: int = FIRST_YEAR) -> int:
        years = {y: w for y, w in table.items() if y >= first} or {LAST_YEAR: 1}
        return _pick(self.rng, years)

    def _day_in(self, year: int) -> dt.date:
        return _day(
            self.rng, max(FIRST_DAY, dt.date(year, 1, 1)), min(LAST_DAY, dt.date(year, 12, 31))
        )

    def _sentence_pool(self, n: int = 4000) -> list[str]:
        """Demo sentences drawn once ("@" stands for the actor's name): composing every
        pledge's prose from scratch costs more time than inserting it."""
        rng = self.rng
        makers: tuple[Callable[[], str], ...] = (
            lambda: "@ will {} {} by {}.".format(*rng.choice(_ACTIONS), rng.randint(2020, 2030)),
            lambda: (
                f"The measure reaches about {rng.randint(2, 400) * 25} {rng.choice(_GROUPS)} a year."
            ),
            lambda: f"It is run together with {rng.choice(_PARTNERS)} and {rng.choice(_PARTNERS)}.",
            lambda: f"@ has set aside {rng.randint(5, 900) * 10_000:,} in local currency for it.",
            lambda: (
                f"Progress is reported every {rng.choice(('six months', 'year', 'two years'))}."
            ),
            lambda: f"It contributes to {rng.choice(THEMES)} and to {rng.choice(THEMES)}.",
            lambda: f"Staff of {rng.randint(2, 40)} municipal departments take part.",
            lambda: (
                f"An evaluation with {rng.choice(_PARTNERS)} follows after {rng.randint(2, 5)} years."
            ),
        )
        return [rng.choice(makers)() for _ in range(n)]

    def _text(self, actor: str, low: int, high: int) -> str:
        """Demo prose about ``actor``, at least ``low`` (when above the disclaimer's length)
        and at most ``high`` characters long."""
        rng = self.rng
        target = rng.randint(low, max(low, high - 200))
        parts = [DISCLAIMER]
        length = len(DISCLAIMER)
        while length < target:
            sentence = rng.choice(self.sentences)
            if "@" in sentence:
                sentence = sentence.replace("@", actor)
            parts.append(sentence)
            length += len(sentence) + 1
        return " ".join(parts)[:high]

    # -- phases --

    def run(self) -> dict[str, int]:
        self.source = Source(
            key=DEMO_SOURCE_KEY,
            title=(
                f"Generated demo data (generate_demo_data --seed {self.seed}): "
                "synthetic records, not facts"
            ),
            publisher="citydiplo generate_demo_data",
            year=LAST_YEAR,
            language="en",
            notes=(
                f"Made by `manage.py generate_demo_data --cities {self.plan.cities} --pledges "
                f"{self.plan.pledges} --seed {self.seed}`. Every place name, network, event, "
                "declaration and pledge citing this source is invented for demonstrations and "
                "benchmarks; none of it describes a real city or commitment."
            ),
        )
        self._insert("sources", "sources", [self.source])
        self.sentences = self._sentence_pool()
        self._cities()
        self._networks()
        self._memberships()
        self._topics_and_events()
        self._declarations()
        self._pledges()
        return self.counts

    def _place_name(self, taken: set[str]) -> str:
        rng = self.rng
        for attempt in range(60):
            syllables = rng.choices((2, 3, 4), weights=(45, 45, 10))[0]
            word = "".join(
                rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                for _ in range(syllables)
            )
            name = word.capitalize()
            if rng.random() < 0.06:  # "Port Zhaulo", "Niedertrask"
                prefix = rng.choice(_PREFIXES)
                name = prefix + (name if prefix.endswith(" ") else word)
            if attempt > 40:
                name = f"{name} {attempt}"
            if _slug(name) not in taken and 3 <= len(name) <= 60:
                return name
        raise RuntimeError("ran out of place names")  # pragma: no cover - 60 misses in a row

    def _cities(self) -> None:
        rng, n = self.rng, self.plan.cities
        with translation.override("en"):
            known = {code for code, _ in countries}
        known = {code for code in known if M49.get(code, ("", ""))[1] in _BOXES}  # not AQ
        head = [c for c in _COUNTRY_HEAD if c in known]
        rest = sorted(c for c in known if c not in head)
        self.countries = head + rest
        country_weights = _zipf(len(self.countries), 1.05, offset=0.5)
        centres: dict[str, tuple[float, float]] = {}
        for code in self.countries:
            lat0, lat1, lon0, lon1 = _BOXES[M49[code][1]]
            centres[code] = (rng.uniform(lat0, lat1), rng.uniform(lon0, lon1))
        kinds = {
            LocalGovernmentKind.CITY: 75,
            LocalGovernmentKind.MUNICIPALITY: 15,
            LocalGovernmentKind.DISTRICT: 6,
            LocalGovernmentKind.REGION: 4,
        }
        taken: set[str] = set()
        cities = []
        # City i is the i-th most prominent: bigger, in more networks, with more pledges.
        for i, country in enumerate(rng.choices(self.countries, weights=country_weights, k=n)):
            name = self._place_name(taken)
            slug = _slug(name)
            taken.add(slug)
            self.slugs.add(slug)
            aliases = ""
            if rng.random() < 0.08:
                aliases = name.replace("c", "k").replace("v", "w").replace("th", "t")
                aliases = aliases if aliases != name else f"{name}-Stadt"
            lat = lon = None
            if rng.random() < 0.9:
                clat, clon = centres[country]
                lat = Decimal(f"{max(-89.9, min(89.9, clat + rng.gauss(0, 2.5))):.5f}")
                lon = Decimal(f"{max(-179.9, min(179.9, clon + rng.gauss(0, 3.5))):.5f}")
            population = None
            if rng.random() < 0.92:
                base = 6_000_000 / (i + 1) ** 0.75 * rng.lognormvariate(0, 0.5)
                population = max(1_500, min(40_000_000, round(base, -2)))
            cities.append(
                City(
                    name=name,
                    slug=slug,
                    country=country,
                    kind=_pick(rng, kinds),
                    population=population,
                    latitude=lat,
                    longitude=lon,
                    aliases=aliases,
                    source=self.source,
                )
            )
        self._insert("cities", "cities", cities)
        self.cities = cities
        # A gentle prominence weight for being picked as a member, signatory, host or partner.
        self.city_weights = [1.0 / (i + 20) ** 0.5 for i in range(n)]
        self.city_cum = list(itertools.accumulate(self.city_weights))
        self.by_country: dict[str, list[int]] = {}
        self.by_region: dict[str, list[int]] = {}
        for i, city in enumerate(cities):
            code = str(city.country)
            self.by_country.setdefault(code, []).append(i)
            self.by_region.setdefault(M49[code][0], []).append(i)

    def _networks(self) -> None:
        rng, n = self.rng, self.plan.networks
        n_global = max(1, math.ceil(n * 0.1))
        kinds = {
            NetworkKind.CITY_NETWORK: 60,
            NetworkKind.MECHANISM: 12,
            NetworkKind.ALLIANCE: 12,
            NetworkKind.MOVEMENT: 8,
            NetworkKind.ORGANISATION: 8,
        }
        regions = {"europe": 5, "americas": 2, "africa": 2, "asia": 2, "oceania": 0.5}
        region_names = {
            "europe": "Europe",
            "americas": "Americas",
            "africa": "Africa",
            "asia": "Asia",
            "oceania": "Oceania",
        }
        all_cities = list(range(self.plan.cities))
        country_sizes = {c: len(ix) for c, ix in self.by_country.items()}
        networks, pools = [], []
        for i in range(1, n + 1):
            kind = NetworkKind.CITY_NETWORK if i <= n_global else _pick(rng, kinds)
            scope = Scope.GLOBAL
            region, pool = "Global", all_cities
            roll = rng.random()
            if i > n_global and roll < 0.75:
                if roll < 0.4:
                    available = {
                        r: w for r, w in regions.items() if len(self.by_region.get(r, ())) >= 3
                    }
                    if available:
                        key = _pick(rng, available)
                        scope, region, pool = Scope.REGIONAL, region_names[key], self.by_region[key]
                else:
                    available = {c: s for c, s in country_sizes.items() if s >= 3}
                    if available:
                        code = _pick(rng, available)
                        with translation.override("en"):
                            region = str(countries.name(code))
                        scope = Scope.NATIONAL if roll < 0.7 else Scope.SUBNATIONAL
                        pool = self.by_country[code]
                        if scope == Scope.SUBNATIONAL:
                            pool = pool[: max(3, len(pool) // 3)]
            theme = rng.choice(THEMES)
            noun = rng.choice(_NETWORK_NOUNS)
            place = self.cities[rng.choice(pool)].name
            name = f"Demo Network {i:02d}: {place} {noun} on {theme}"
            formal = kind in (NetworkKind.CITY_NETWORK, NetworkKind.ALLIANCE, NetworkKind.MOVEMENT)
            founded = None
            if rng.random() < 0.9:
                founded = rng.randint(1985, 2008) if i <= n_global else rng.randint(1995, 2023)
            networks.append(
                Network(
                    name=name,
                    acronym=f"DN{i:02d}",
                    slug=self._unique_slug(f"demo-network-{i:02d}-{place}-{noun}"),
                    kind=kind,
                    scope=scope,
                    region=region,
                    founded_year=founded,
                    description=(
                        f"{DISCLAIMER} An invented {scope} {_words(kind)} of cities working on "
                        f"{theme}."
                    ),
                    has_formal_membership=formal or rng.random() < 0.3,
                    source=self.source,
                )
            )
            pools.append(pool)
        self._insert("networks", "networks", networks)
        # A few regional networks are sections of a global one (set after insert: a FK to rows
        # of the same batch).
        sections = [
            net for net in networks[n_global:] if net.scope == Scope.REGIONAL and rng.random() < 0.3
        ]
        for net in sections:
            net.parent = rng.choice(networks[:n_global])
        if sections:
            Network.objects.bulk_update(sections, ["parent"], batch_size=BATCH_SIZE)
        self.networks, self.network_pools = networks, pools

    def _memberships(self) -> None:
        """~3 memberships a city, Zipf over networks: a few with thousands of members, most
        with tens; who joins leans towards prominent cities."""
        rng, plan = self.rng, self.plan
        caps = [max(1, int(len(pool) * 0.9)) for pool in self.network_pools]
        sizes = _fill(
            _zipf(plan.networks, 2.0), caps, round(plan.cities * plan.memberships_per_city)
        )
        sizes = [max(min(3, cap), size) for size, cap in zip(sizes, caps, strict=True)]
        join_years = {y: 1 + (y - FIRST_YEAR) * 0.3 for y in range(FIRST_YEAR, LAST_YEAR + 1)}
        precision = (25.0, 20.0, 45.0, 10.0)  # day, month, year, unknown
        rows = []
        self.city_networks: dict[int, list[int]] = {}
        self.network_members: list[list[int]] = []
        for k, (network, pool, size) in enumerate(
            zip(self.networks, self.network_pools, sizes, strict=True)
        ):
            weights = [self.city_weights[i] for i in pool]
            members = _sample_distinct(rng, pool, weights, size)
            members.sort()
            self.network_members.append(members)
            founded = network.founded_year
            n_founders = rng.randint(2, 6) if founded else 0
            n_board = min(12, size // 50)
            for j, city_index in enumerate(members):
                self.city_networks.setdefault(city_index, []).append(k)
                if j == 0:
                    role = Role.HOST
                elif j <= n_founders:
                    role = Role.FOUNDER
                elif j <= n_founders + n_board:
                    role = Role.BOARD
                elif network.has_formal_membership:
                    role = Role.MEMBER
                else:
                    role = rng.choices((Role.OBSERVER, Role.CO_LEAD), weights=(85, 15))[0]
                if role == Role.FOUNDER and founded:
                    joined, joined_p = dt.date(founded, 1, 1), str(DatePrecision.YEAR)
                else:
                    year = self._year(join_years, first=max(FIRST_YEAR, founded or FIRST_YEAR))
                    joined, joined_p = _partial(rng, self._day_in(year), precision)
                left = None
                left_p = ""
                if joined and joined.year < LAST_YEAR and rng.random() < 0.05:
                    # a later year than joining, so the end is after the start at any precision
                    left_year = rng.randint(joined.year + 1, LAST_YEAR)
                    left, left_p = _partial(rng, self._day_in(left_year), (30, 30, 40, 0))
                rows.append(
                    Membership(
                        city=self.cities[city_index],
                        network=network,
                        role=role,
                        joined_on=joined,
                        joined_on_precision=joined_p,
                        left_on=left,
                        left_on_precision=left_p,
                        source=self.source,
                    )
                )
        self._insert("memberships", "memberships", rows)
        self.network_cum = list(itertools.accumulate(max(1, len(m)) for m in self.network_members))

    def _pick_network(self) -> int:
        return self.rng.choices(range(len(self.networks)), cum_weights=self.network_cum)[0]

    def _pick_city(self) -> int:
        return self.rng.choices(range(self.plan.cities), cum_weights=self.city_cum)[0]

    def _topics_and_events(self) -> None:
        rng, plan = self.rng, self.plan
        topics = [
            Topic(name=f"{theme.capitalize()} (demo)", slug=self._unique_slug(f"demo-{theme}"))
            for theme in THEMES[: plan.topics]
        ]
        self._insert("topics", "topics", topics)
        self.topics = topics

        series = []
        for i in range(plan.event_series):
            kind = _SERIES_KINDS[i % len(_SERIES_KINDS)]
            theme = rng.choice(THEMES)
            name = f"Demo {kind} {i + 1}: {theme.capitalize()}"
            series.append(
                EventSeries(
                    name=name,
                    acronym="D" + "".join(w[0] for w in kind.split()) + str(i + 1),
                    slug=self._unique_slug(name),
                    organiser=self.networks[
                        i if i < min(3, plan.networks) else self._pick_network()
                    ],
                    description=f"{DISCLAIMER} An invented recurring meeting on {theme}.",
                )
            )
        self._insert("event series", "event_series", series)

        # ~60 % of the events are editions of a series, the larger series holding more.
        n_in_series = round(plan.events * 0.6)
        shares = _fill(_zipf(len(series), 1.0), [plan.events] * len(series), n_in_series)
        events: list[Event] = []
        organisers: list[tuple[int, int]] = []  # (event position, network index)
        for s, share in zip(series, shares, strict=True):
            year = rng.randint(FIRST_YEAR, 2018)
            month = rng.randint(1, 12)
            for edition in range(1, share + 1):
                day = dt.date(year, month, rng.randint(1, 28))
                if day > LAST_DAY:
                    break
                host = self._pick_city()
                events.append(
                    Event(
                        name=f"{s.name} {year}",
                        slug=self._unique_slug(f"{s.slug}-{year}"),
                        series=s,
                        edition=edition,
                        start_date=day,
                        start_date_precision=DatePrecision.DAY,
                        end_date=day + dt.timedelta(days=rng.randint(0, 3)),
                        place=self.cities[host].name,
                        city=self.cities[host],
                        description=f"{DISCLAIMER} Edition {edition} of {s.name}.",
                        source=self.source,
                    )
                )
                organisers.append((len(events) - 1, self.networks.index(s.organiser)))
                year += rng.choice((1, 1, 1, 2))
        while len(events) < plan.events:
            host = self._pick_city()
            theme = rng.choice(THEMES)
            year = self._year(dict.fromkeys(range(FIRST_YEAR, LAST_YEAR + 1), 1.0))
            start, precision = _partial(rng, self._day_in(year), (75, 12, 6, 7))
            end = None
            if precision == DatePrecision.DAY:
                end = start + dt.timedelta(days=rng.randint(0, 2))
            name = f"Demo Conference on {theme} in {self.cities[host].name}"
            events.append(
                Event(
                    name=name,
                    slug=self._unique_slug(f"{name} {year}"),
                    start_date=start,
                    start_date_precision=precision,
                    end_date=end,
                    place=self.cities[host].name,
                    city=self.cities[host] if rng.random() < 0.85 else None,
                    description=f"{DISCLAIMER} An invented one-off meeting on {theme}.",
                    source=self.source,
                )
            )
        for position in range(len(events)):
            for _ in range(rng.choices((0, 1, 2), weights=(25, 55, 20))[0]):
                organisers.append((position, self._pick_network()))
        self._insert("events", "events", events)
        through = Event.organisers.through
        links = dict.fromkeys((e, n) for e, n in organisers)  # drop repeats, keep the order
        self._insert(
            "event organisers",
            "event_organisers",
            [through(event_id=events[e].pk, network_id=self.networks[n].pk) for e, n in links],
        )
        self.events = events
        dated = sorted((e.start_date, i) for i, e in enumerate(events) if e.start_date is not None)
        self.event_dates = [d for d, _ in dated]
        self.events_by_date = [events[i] for _, i in dated]

    def _declarations(self) -> None:
        """~√C declarations; signatures Zipf-skewed: a few signed by hundreds, most by a handful."""
        rng, plan = self.rng, self.plan
        kinds = {
            DeclarationKind.DECLARATION: 40,
            DeclarationKind.STATEMENT: 20,
            DeclarationKind.LETTER: 15,
            DeclarationKind.CHARTER: 8,
            DeclarationKind.POSITION_PAPER: 8,
            DeclarationKind.COUNCIL_RESOLUTION: 5,
            DeclarationKind.REPORT: 4,
        }
        top = max(3, round(0.08 * plan.cities))
        exponent = math.log(top / 2) / math.log(plan.declarations) if plan.declarations > 1 else 1.0
        sizes = [max(1, round(top / k**exponent)) for k in range(1, plan.declarations + 1)]
        rng.shuffle(sizes)
        declarations, topic_links, signed = [], [], []
        for i, size in enumerate(sizes):
            kind = _pick(rng, kinds)
            issuer = self._pick_network() if rng.random() < 0.65 else None
            event = rng.choice(self.events) if rng.random() < 0.4 else None
            if event is not None and event.start_date is not None:
                date, precision = event.start_date, event.start_date_precision
            else:
                year = self._year(dict.fromkeys(range(FIRST_YEAR, LAST_YEAR + 1), 1.0))
                date, precision = _partial(rng, self._day_in(year), (55, 25, 15, 5))
            place = event.place if event is not None else self.cities[self._pick_city()].name
            theme = rng.choice(THEMES)
            title = f"Demo {_words(kind).title()} of {place} on {theme}"
            counted = rng.random() < 0.15
            declarations.append(
                Declaration(
                    title=title,
                    slug=self._unique_slug(title),
                    kind=kind,
                    issuer=self.networks[issuer] if issuer is not None else None,
                    issuer_text="" if issuer is not None else f"Demo mayors' meeting in {place}",
                    event=event,
                    place=place,
                    date=date,
                    date_precision=precision,
                    language=rng.choice(_LANGUAGES),
                    url=f"https://example.org/demo/declarations/{i + 1}"
                    if rng.random() < 0.3
                    else "",
                    summary=self._text(place, 150, 600),
                    declared_signatory_count=size + rng.randint(0, size) if counted else None,
                    declared_count_qualifier=(rng.choice(CountQualifier.values) if counted else ""),
                    source=self.source,
                )
            )
            for t in rng.sample(range(len(self.topics)), rng.randint(1, min(3, len(self.topics)))):
                topic_links.append((i, t))
            members = self.network_members[issuer] if issuer is not None else []
            pool = members if len(members) >= size * 2 else list(range(plan.cities))
            signatories = _sample_distinct(rng, pool, [self.city_weights[c] for c in pool], size)
            signed.append(sorted(signatories))
        self._insert("declarations", "declarations", declarations)
        through = Declaration.topics.through
        self._insert(
            "declaration topics",
            "declaration_topics",
            [
                through(declaration_id=declarations[d].pk, topic_id=self.topics[t].pk)
                for d, t in topic_links
            ],
        )
        signatures = []
        for declaration, cities in zip(declarations, signed, strict=True):
            start = declaration.date or dt.date(rng.randint(FIRST_YEAR, LAST_YEAR), 1, 1)
            for c in cities:
                day = _day(rng, start, min(LAST_DAY, start + dt.timedelta(days=730)))
                signed_on, precision = _partial(rng, day, (50, 20, 15, 15))
                signatures.append(
                    Signature(
                        declaration=declaration,
                        city=self.cities[c],
                        signed_on=signed_on,
                        signed_on_precision=precision,
                        signatory_office=rng.choice(_OFFICES),
                        source=self.source,
                    )
                )
        self._insert("signatures", "signatures", signatures)

    def _pledge_cities(self, n: int) -> list[int]:
        """Zipf over the pledging cities: a few with hundreds of pledges, most with a few; 30 %
        of the cities (never the most prominent ones) never pledged."""
        rng, c = self.rng, self.plan.cities
        protected = max(1, c // 20)
        silent = set(
            rng.sample(range(protected, c), round((c - protected) * self.plan.non_pledging_share))
        )
        active = [i for i in range(c) if i not in silent]
        weights = _zipf(len(active), 1.0, offset=len(active) / 280)  # 25 at 10,000 cities
        return rng.choices(active, weights=weights, k=n)

    def _pledges(self) -> None:
        """Pledges with their objectives, partners and progress reports.

        Inserted in the order of their ``created_at``, as a knowledge base filled over the
        years numbers them.
        """
        rng, plan = self.rng, self.plan
        objectives = list(Objective.objects.order_by("framework_id", "number"))
        if not objectives:
            raise RuntimeError("no objectives: run the migrations first")
        pick_objective = _Weighted(
            {o.pk: _OBJECTIVE_WEIGHTS.get((o.framework_id, o.number), 1) for o in objectives}
        )
        n_network = round(plan.pledges * 0.04) if plan.pledges >= 25 else 0
        actors: list[tuple[int | None, int | None]] = [
            (c, None) for c in self._pledge_cities(plan.pledges - n_network)
        ]
        actors += [(None, self._pick_network()) for _ in range(n_network)]
        rng.shuffle(actors)
        self.recent_events = [i for i, d in enumerate(self.event_dates) if d.year >= 2015]
        pledges: list[Pledge] = []
        pending = _Pending()
        for i, (city_index, network_index) in enumerate(actors):
            if self.progress and i % BATCH_SIZE == 0:
                self.progress("build pledges", i, len(actors))
            pledge = self._pledge(city_index, network_index, pending)
            pledges.append(pledge)
            k = _OBJECTIVES_PER_PLEDGE.pick(rng)
            chosen: dict[int, None] = {}
            while len(chosen) < k:
                chosen[pick_objective.pick(rng)] = None
            pending.objectives += [(pledge, o) for o in chosen]
            if rng.random() < 0.12:
                partners = {self._pick_city() for _ in range(rng.randint(1, 3))} - {city_index}
                pending.partner_cities += [(pledge, self.cities[c].pk) for c in sorted(partners)]
            if rng.random() < 0.10:
                own = self.city_networks.get(city_index, []) if city_index is not None else []
                options = [n for n in own if n != network_index] or [
                    n for n in range(len(self.networks)) if n != network_index
                ]
                chosen_networks = rng.sample(options, min(len(options), rng.randint(1, 2)))
                pending.partner_networks += [
                    (pledge, self.networks[n].pk) for n in sorted(chosen_networks)
                ]
        if self.progress:
            self.progress("build pledges", len(actors), len(actors))
        pledges.sort(key=lambda p: (p.created_at, p.uuid))
        pending.reports.sort(key=lambda r: (r.created_at, r.pledge.uuid, r.reported_on))
        with _explicit_timestamps(Pledge, ProgressReport):
            self._insert("pledges", "pledges", pledges)
            self._pledge_links(pending)

    def _pledge(
        self, city_index: int | None, network_index: int | None, pending: _Pending
    ) -> Pledge:
        """One pledge of a city or (collectively) a network; its reports go to ``pending``."""
        rng = self.rng
        city = self.cities[city_index] if city_index is not None else None
        network = self.networks[network_index] if network_index is not None else None
        actor = city.name if city is not None else network.name  # type: ignore[union-attr]
        # Only a city's pledge goes through moderation; a network's is entered by curators.
        state = (_MODERATION if city is not None else _NETWORK_MODERATION).pick(rng)
        event = None
        if self.recent_events and rng.random() < 0.25:
            event = self.events_by_date[rng.choice(self.recent_events)]
            made_on, made_p = event.start_date, event.start_date_precision
        else:
            day = self._day_in(_PLEDGE_YEARS.pick(rng))
            made_on, made_p = _partial(rng, day, (55, 20, 17, 8))
        verb, thing = rng.choice(_ACTIONS)
        title = f"{verb} {thing}" + (f" in {actor}" if city is not None else "")
        # Pledges entered through the form carry the UN form's 300-3,000 characters (a CHECK for
        # submitted ones); published ones are half of them entered by curators from a source,
        # with the source's few lines (the seed's median is 150 characters).
        if state == ModerationState.SUBMITTED:
            description = self._text(
                actor, SUBMIT_DESCRIPTION_MIN, min(1700, SUBMIT_DESCRIPTION_MAX)
            )
        elif state == ModerationState.DRAFT and rng.random() < 0.3:
            description = self._text(actor, 0, 200)  # an unfinished draft: the disclaimer only
        elif state == ModerationState.PUBLISHED and (city is None or rng.random() < 0.5):
            description = self._text(actor, 60, 400)
        else:
            description = self._text(actor, SUBMIT_DESCRIPTION_MIN, 1100)
        base = made_on or dt.date(2019, 1, 1)
        planned_start = planned_end = None
        if rng.random() < 0.6:
            planned_start = min(LAST_DAY, base + dt.timedelta(days=rng.randint(0, 180)))
            if rng.random() < 0.8:
                planned_end = planned_start + dt.timedelta(days=rng.randint(365, 5 * 365))
        created_at = _moment(rng, base, 400)
        pledge = Pledge(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            city=city,
            network=network,
            actor_text=(
                network.name
                if network is not None
                else (f"City Council of {actor}" if rng.random() < 0.2 else "")
            ),
            title=title[:200],
            description=description,
            pledge_type=_PLEDGE_TYPES.pick(rng),
            event=event,
            made_on=made_on,
            made_on_precision=made_p,
            planned_start=planned_start,
            planned_end=planned_end,
            moderation_state=state,
            status=ImplementationStatus.PLANNING,
            created_at=created_at,
            source=self.source,
        )
        if rng.random() < 0.25:
            pledge.evidence_url = f"https://example.org/demo/pledges/{pledge.uuid}"
        last_touch = created_at
        if state == ModerationState.PUBLISHED:
            pledge.status = _STATUS.pick(rng)
            first = base + dt.timedelta(days=60)
            n_reports = _REPORTS.pick(rng) if first <= LAST_DAY else 0
            for n, day in enumerate(sorted(_day(rng, first, LAST_DAY) for _ in range(n_reports))):
                if n == 0 and rng.random() < 0.2:
                    pledge.status = ImplementationStatus.PLANNING
                elif rng.random() < 0.2:
                    pledge.status = ImplementationStatus.FULFILLED
                else:
                    pledge.status = ImplementationStatus.IN_PROGRESS
                report = ProgressReport(
                    pledge=pledge,
                    reported_on=day,
                    status=pledge.status,  # the pledge shows its latest report's status
                    narrative=self._text(actor, 120, 900),
                    review=self._review_event(day) if rng.random() < 0.2 else None,
                    created_at=_moment(rng, day, 20),
                )
                if rng.random() < 0.3:
                    report.evidence_url = f"https://example.org/demo/reports/{pledge.uuid}/{n + 1}"
                last_touch = max(last_touch, report.created_at)
                pending.reports.append(report)
        room = int((LAST_MOMENT - last_touch).total_seconds()) - 1
        pledge.updated_at = last_touch + dt.timedelta(seconds=rng.randint(0, min(86_400, room)))
        return pledge

    def _review_event(self, day: dt.date) -> Event | None:
        """An event within a year before the report, as if the report was made for it."""
        hi = bisect.bisect_right(self.event_dates, day)
        lo = bisect.bisect_left(self.event_dates, day - dt.timedelta(days=365))
        return self.events_by_date[self.rng.randrange(lo, hi)] if hi > lo else None

    def _pledge_links(self, pending: _Pending) -> None:
        """The many-to-many rows, written straight into the through tables."""
        objectives = Pledge.objectives.through
        self._insert(
            "pledge objectives",
            "pledge_objectives",
            [objectives(pledge_id=p.pk, objective_id=o) for p, o in pending.objectives],
        )
        cities = Pledge.partner_cities.through
        self._insert(
            "pledge partner cities",
            "pledge_partner_cities",
            [cities(pledge_id=p.pk, city_id=c) for p, c in pending.partner_cities],
        )
        networks = Pledge.partner_networks.through
        self._insert(
            "pledge partner networks",
            "pledge_partner_networks",
            [networks(pledge_id=p.pk, network_id=n) for p, n in pending.partner_networks],
        )
        # bulk_create reads each report's pledge_id from its pledge, saved meanwhile
        self._insert("progress reports", "progress_reports", pending.reports)
