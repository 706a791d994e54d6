"""PostgreSQL: the search reads the stored vectors, and its plans use their GIN indexes.

The plans are those PostgreSQL itself chooses (``enable_seqscan`` stays on): every table gets a
few thousand rows, bulk-created, and fresh statistics, so that for a word only a few records
hold an index costs less than reading the table, as it does on the real site. A word most rows
hold is another matter: there a scan that stops after a pool of candidates is the cheaper plan
and a fair one; what matters then is that only so many rows are ranked.
"""

from __future__ import annotations

import importlib
import json
import random
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from citydiplo.search import (
    _KINDS,
    KINDS,
    NAMES_COLUMN,
    VECTOR_COLUMN,
    _pool_size,
    search,
)
from declarations.models import Declaration, Event
from networks.models import City, Network
from pledges.models import ModerationState, Pledge
from tests.declarations.factories import DeclarationFactory, EventFactory
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 5000  # per table: enough that the planner would rather not read the whole of it
MODELS: dict[str, type[Model]] = {
    "city": City,
    "network": Network,
    "declaration": Declaration,
    "event": Event,
    "pledge": Pledge,
}
COMMON = "housing"  # in every generated row, names and weak fields alike
RARE = "Quxbridge"  # in a few records of every kind
# Made-up words, so that the statistics know many lexemes, as they do for real text; with only
# a handful PostgreSQL guesses that any prefix (the search's 'word:*') matches 2% of the rows.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "bra", "dor", "fen"]


def words(rng: random.Random, n: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)
    )


def populate() -> None:
    """ROWS generated records per kind that all hold COMMON, a few that hold RARE, statistics."""
    rng = random.Random(1)

    def text() -> str:
        return f"On {COMMON} and {words(rng, 12)}."

    cities = City.objects.bulk_create(
        CityFactory.build(name=f"{words(rng, 2)} {COMMON} {i}", aliases=words(rng, 1))
        for i in range(ROWS)
    )
    Network.objects.bulk_create(
        NetworkFactory.build(name=f"{words(rng, 2)} {i}", description=text()) for i in range(ROWS)
    )
    Declaration.objects.bulk_create(
        DeclarationFactory.build(title=f"{words(rng, 3)} on {COMMON} {i}", summary=text())
        for i in range(ROWS)
    )
    Event.objects.bulk_create(
        EventFactory.build(name=f"{words(rng, 2)} {i}", place=words(rng, 1), description=text())
        for i in range(ROWS)
    )
    Pledge.objects.bulk_create(
        PledgeFactory.build(
            title=f"{words(rng, 4)} on {COMMON}",
            description=text(),
            city=cities[i % len(cities)],
            moderation_state=ModerationState.PUBLISHED if i % 5 else ModerationState.DRAFT,
        )
        for i in range(ROWS)
    )
    # RARE in names, in other names and in weak fields only.
    quxbridge = CityFactory(name=RARE, aliases="Quxbrücke")
    CityFactory(name="Quxbrough", aliases=f"{RARE} East")
    NetworkFactory(name=f"{RARE} Alliance", acronym="QA")
    NetworkFactory(name="Harbour Alliance", description=f"Founded in {RARE}")
    DeclarationFactory(title=f"{RARE} Declaration", aliases="Declaration of the Qux bridge")
    DeclarationFactory(title="Call to action", place=RARE)
    EventFactory(name=f"{RARE} Forum", place="Old town")
    EventFactory(name="Harbour Forum", place=RARE)
    PledgeFactory(title=f"{RARE} welcome pledge", city=quxbridge)
    PledgeFactory(title="Welcome centre", description=f"Opened in {RARE}.", city=quxbridge)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def statement(query: str, kind: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        search(query, kinds=(kind,))
    [executed] = ctx.captured_queries
    return executed["sql"]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "query",
    [RARE, "Quxbr", f'"{RARE} declaration" -charter', f"{RARE} or Quxbrücke"],
)
def test_a_selective_word_is_found_through_the_gin_indexes(query: str) -> None:
    populate()
    for kind in KINDS:
        spec, table = _KINDS[kind], MODELS[kind]._meta.db_table
        explained = plan(statement(query, kind))
        assert f"Bitmap Index Scan on {spec.vector_index}" in explained, (kind, explained)
        if spec.names_index:
            assert f"Bitmap Index Scan on {spec.names_index}" in explained, (kind, explained)
        assert f"Seq Scan on {table}" not in explained, (kind, explained)
        # The rank reads the stored vector: no vector is rebuilt from the text of a row.
        assert "to_tsvector" not in explained, (kind, explained)


def test_the_plans_find_what_the_search_shows() -> None:
    """The records of the plan test are there to be found (the plans are not of empty work)."""
    populate()
    titles = {h.title for h in search(RARE)}
    assert {RARE, "Quxbrough", f"{RARE} Alliance (QA)", "Harbour Alliance"} <= titles
    assert {f"{RARE} Declaration", "Call to action", f"{RARE} welcome pledge"} <= titles
    assert {"Welcome centre"} <= titles
    assert len(titles) == 10


def nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", []) for n in nodes(child))]


@pytest.mark.parametrize("kind", KINDS)
def test_a_word_most_rows_hold_ranks_one_pool_of_candidates(kind: str) -> None:
    """Thousands of records match; a hundred are ranked. Where the names (the titles of
    declarations and pledges, the names of cities) fill their pool, the pool of any match is
    not read at all; elsewhere the names match nothing and it is the only pool."""
    populate()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement(COMMON, kind))
        [[root]] = cursor.fetchone()
        root = json.loads(root) if isinstance(root, str) else root
    [sort] = [n for n in nodes(root["Plan"]) if n["Node Type"] == "Sort"]
    ranked = sum(child["Actual Rows"] for child in sort["Plans"])
    assert ranked == _pool_size(100)
    assert len(search(COMMON, kinds=(kind,))) == 50


@pytest.mark.parametrize("kind", KINDS)
def test_stored_vectors_are_the_vectors_the_search_describes(kind: str) -> None:
    """The migration's SQL and ``_Kind.vector()`` / ``names_vector()`` build the same vectors."""
    CityFactory(name="Köln", aliases="Cologne\nColonia", country="DE")
    NetworkFactory(name="United Cities", acronym="UCLG", aliases="CGLU", description="Since 2004")
    DeclarationFactory(
        title="Marrakech Declaration",
        aliases="Marrakesch Erklärung",
        summary="On migration.",
        issuer_text="Mayors",
        place="Marrakech",
    )
    DeclarationFactory(title="Bare")  # empty text fields
    EventFactory(name="Forum", place="Quito", description="The seventh forum")
    PledgeFactory(title="Welcome centre", description="For newcomers", actor_text="The mayor")
    PledgeFactory(title="Bare pledge")
    spec = _KINDS[kind]
    model = MODELS[kind]
    columns = [VECTOR_COLUMN, NAMES_COLUMN] if spec.names_index else [VECTOR_COLUMN]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(columns)} FROM {model._meta.db_table} ORDER BY id")
        stored = [tuple(row) for row in cursor.fetchall()]
    rows = model._base_manager.order_by("pk").annotate(vector=spec.vector())
    if spec.names_index:
        expected = list(
            rows.annotate(names=spec.names_vector()).values_list("pk", "vector", "names")
        )
    else:
        expected = list(rows.values_list("pk", "vector"))
    assert stored
    assert stored == expected


# --- the migrations ---------------------------------------------------------------------------

MIGRATIONS = {
    "networks.migrations.0004_search_vectors": ["city", "network"],
    "declarations.migrations.0004_search_vectors": ["declaration", "event"],
    "pledges.migrations.0007_search_vectors": ["pledge"],
}


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_%%gin'")
        return {row[0] for row in cursor.fetchall()}


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name LIKE 'search_%%'",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("module", MIGRATIONS)
def test_vector_migrations_reverse_and_reapply(module: str) -> None:
    migration = importlib.import_module(module)
    specs = [_KINDS[kind] for kind in MIGRATIONS[module]]
    tables = [MODELS[spec.kind]._meta.db_table for spec in specs]
    new = {spec.vector_index for spec in specs} | {s.names_index for s in specs if s.names_index}
    old = {f"{spec.kind}_search_gin" for spec in specs}

    def stored(spec: Any) -> set[str]:
        return {VECTOR_COLUMN, NAMES_COLUMN} if spec.names_index else {VECTOR_COLUMN}

    assert new <= indexes()
    assert not old & indexes()
    assert all(columns(t) == stored(s) for t, s in zip(tables, specs, strict=True))
    with connection.schema_editor(atomic=False) as editor:
        migration.drop(None, editor)
    assert old <= indexes()
    assert not new & indexes()
    assert all(columns(t) == set() for t in tables)
    with connection.schema_editor(atomic=False) as editor:
        migration.create(None, editor)
    assert new <= indexes()
    assert not old & indexes()
    assert all(columns(t) == stored(s) for t, s in zip(tables, specs, strict=True))


def test_an_insert_through_the_orm_gets_its_vectors_from_postgresql() -> None:
    """Django never names the generated columns; PostgreSQL fills them in on insert and update."""
    pledge = PledgeFactory(title="Welcome centre")
    assert [h.title for h in search("welcome")] == ["Welcome centre"]
    pledge.title = "Reception centre"
    pledge.save()
    assert search("welcome") == []
    assert [h.title for h in search("reception")] == ["Reception centre"]
