"""The site search: every kind in one ranked list, other names found, drafts never shown.

Runs on whichever database the suite uses; the index tests need PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from citydiplo.search import KINDS, MAX_QUERY_LENGTH, SearchHit, search
from pledges.models import ModerationState
from tests.declarations.factories import DeclarationFactory, EventFactory
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory

pytestmark = pytest.mark.django_db


def found(hits: list[SearchHit]) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in hits]


# --- empty and hostile input ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\n\t ", "!!! ::", '"', "-", "or"])
def test_nothing_to_search_costs_no_query(django_assert_num_queries, query: str) -> None:
    with django_assert_num_queries(0):
        assert search(query) == []


SPECIAL = [
    '"',
    "'",
    "&",
    ":*",
    "!",
    "(",
    ")",
    "\\",
    "Köln'",
    "Köln\\",
    "Köln:*",
    "!Köln",
    "(Köln",
    "Köln & Mechelen | !x",
    "'; drop table networks_city; --",
    '"Köln',
    "Köln\x00Mechelen",
    "<->",
    "-Köln",
    "Köln or or -",
    "a:b:c",
    "%_%",
    "²³",
]


@pytest.mark.parametrize("query", SPECIAL)
def test_special_characters_never_raise(query: str) -> None:
    CityFactory(name="Cologne", aliases="Köln")
    hits = search(query)
    assert isinstance(hits, list)
    assert all(isinstance(h, SearchHit) for h in hits)


def test_special_characters_around_a_word_still_find_it() -> None:
    CityFactory(name="Cologne", aliases="Köln")
    for query in ("Köln:*", "(Köln)", "Köln!", "'Köln'", "Köln\\"):
        assert found(search(query)) == [("city", "Cologne")], query


def test_long_queries_are_cut() -> None:
    CityFactory(name="Mechelen", country="BE")
    # The second word lies beyond the cut, so it cannot spoil the match.
    assert found(search("Mechelen" + " " * MAX_QUERY_LENGTH + "zzz")) == [("city", "Mechelen")]
    assert search("x" * 5000) == []


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="planet"):
        search("x", kinds=("city", "planet"))


# --- what is found ----------------------------------------------------------------------------


def test_other_language_name_finds_the_city_and_says_so() -> None:
    cologne = CityFactory(name="Cologne", slug="cologne", country="DE", aliases="Köln")
    CityFactory(name="Bonn")
    [hit] = search("Köln")
    assert hit == SearchHit(
        kind="city",
        pk=cologne.pk,
        title="Cologne",
        url="/cities/cologne/",
        detail="Germany",
        matched="Köln",
        score=hit.score,
    )
    assert hit.url == cologne.get_absolute_url()


@pytest.mark.parametrize("query", ["köln", "KÖLN", "Kö", "kÖLN"])
def test_letter_case_does_not_matter_beyond_ascii(query: str) -> None:
    CityFactory(name="Cologne", aliases="Köln")
    assert [(h.title, h.matched) for h in search(query)] == [("Cologne", "Köln")]


def test_a_direct_name_match_reports_no_other_name() -> None:
    CityFactory(name="Cologne", aliases="Köln")
    [hit] = search("cologne")
    assert hit.matched == ""


def test_prefix_typing_finds_names() -> None:
    CityFactory(name="Mechelen", country="BE")
    DeclarationFactory(title="Mechelen Declaration")
    assert set(found(search("Mechel"))) == {
        ("city", "Mechelen"),
        ("declaration", "Mechelen Declaration"),
    }


def test_declaration_found_by_its_alternative_titles() -> None:
    charter = DeclarationFactory(
        title="Charter of Local and Subnational Governments of Africa on Migration",
        slug="africa-charter",
        aliases="Local Migration Charter\nCharte africaine des collectivités sur la migration",
    )
    [hit] = search("Charte africaine")
    assert (hit.kind, hit.pk, hit.url) == (
        "declaration",
        charter.pk,
        "/declarations/africa-charter/",
    )
    assert hit.matched == "Charte africaine des collectivités sur la migration"
    assert search("local migration charter")[0].matched == "Local Migration Charter"


def test_every_kind_is_searched_with_its_context() -> None:
    city = CityFactory(name="Lindau", slug="lindau", country="DE")
    network = NetworkFactory(name="Lindau Alliance", acronym="LA", slug="lindau-alliance")
    declaration = DeclarationFactory(
        title="Lindau Declaration",
        slug="lindau-declaration",
        date=dt.date(2019, 6, 1),
        date_precision="month",
    )
    event = EventFactory(
        name="Lindau Forum",
        slug="lindau-forum",
        start_date=dt.date(2018, 5, 2),
        start_date_precision="day",
    )
    pledge = PledgeFactory(title="Lindau pledge", city=city)
    by_kind = {h.kind: h for h in search("Lindau")}
    assert set(by_kind) == set(KINDS)
    assert (by_kind["city"].url, by_kind["city"].detail) == (city.get_absolute_url(), "Germany")
    assert by_kind["network"].title == "Lindau Alliance (LA)"
    assert by_kind["network"].url == network.get_absolute_url()
    assert by_kind["network"].detail == "city network"
    assert by_kind["declaration"].url == declaration.get_absolute_url()
    assert by_kind["declaration"].detail == declaration.date_display == "June 2019"
    assert by_kind["event"].title == str(event) == "Lindau Forum (2018)"
    assert by_kind["event"].detail == event.date_display
    assert by_kind["event"].url == event.get_absolute_url()
    assert by_kind["pledge"].url == pledge.get_absolute_url()
    assert by_kind["pledge"].detail == "Lindau"


def test_weak_fields_are_searched() -> None:
    NetworkFactory(name="Alpha", description="Founded at Lake Constance")
    NetworkFactory(name="Beta", aliases="Lake Constance Group")
    DeclarationFactory(title="Gamma", summary="On ferries")
    DeclarationFactory(title="Delta", issuer_text="Ferries Union")
    DeclarationFactory(title="Epsilon", place="Ferriesburg")
    EventFactory(name="Zeta", place="Ferries Hall")
    EventFactory(name="Eta", description="About ferries")
    PledgeFactory(title="Theta", description="More ferries")
    PledgeFactory(title="Iota", actor_text="Ferries town")
    assert {t for _, t in found(search("constance"))} == {"Alpha", "Beta"}
    assert {t for _, t in found(search("ferries"))} == {
        "Gamma",
        "Delta",
        "Epsilon",
        "Zeta",
        "Eta",
        "Theta",
        "Iota",
    }


def test_network_acronym_counts_as_a_name() -> None:
    NetworkFactory(name="United Cities and Local Governments", acronym="UCLG")
    NetworkFactory(name="Other", description="A partner of UCLG")
    hits = search("uclg")
    assert [h.title for h in hits] == ["United Cities and Local Governments (UCLG)", "Other"]


def test_pledge_of_a_network_names_the_network() -> None:
    network = NetworkFactory(name="Mayors Mechanism")
    PledgeFactory(title="Roadmap pledge", city=None, network=network)
    [hit] = search("roadmap")
    assert hit.detail == "Mayors Mechanism"


@pytest.mark.parametrize(
    "state",
    [
        ModerationState.DRAFT,
        ModerationState.SUBMITTED,
        ModerationState.CHANGES_REQUESTED,
        ModerationState.REJECTED,
    ],
)
def test_unpublished_pledges_are_never_returned(state: str) -> None:
    # (a submitted pledge needs a description long enough for the UN form)
    description = f"Welcome. {LONG_DESCRIPTION}"
    hidden = PledgeFactory(title="Welcome pledge", description=description, moderation_state=state)
    shown = PledgeFactory(title="Welcome pledge", moderation_state=ModerationState.PUBLISHED)
    for query in ("Welcome pledge", "welcome", "Welc", '"welcome pledge"', "welcome or pledge"):
        pks = [h.pk for h in search(query, kinds=("pledge",))]
        assert pks == [shown.pk], query
        assert hidden.pk not in [h.pk for h in search(query) if h.kind == "pledge"]


def test_kinds_restrict_the_search(django_assert_num_queries) -> None:
    CityFactory(name="Mechelen", country="BE")
    DeclarationFactory(title="Mechelen Declaration")
    EventFactory(name="Mechelen summit")
    with django_assert_num_queries(1):
        assert found(search("Mechelen", kinds=("city",))) == [("city", "Mechelen")]
    with django_assert_num_queries(2):
        kinds = {h.kind for h in search("Mechelen", kinds=["event", "declaration"])}
    assert kinds == {"event", "declaration"}
    with django_assert_num_queries(0):
        assert search("Mechelen", kinds=()) == []


def test_limit_caps_the_hits() -> None:
    CityFactory.create_batch(5, aliases="Sameville")
    assert len(search("Sameville", limit=3)) == 3
    assert search("Sameville", limit=0) == []


def test_country_name_finds_its_cities_below_name_matches() -> None:
    CityFactory(name="Ghent", country="BE")
    CityFactory(name="Belgium Street", country="DE")
    CityFactory(name="Bonn", country="DE")
    assert [h.title for h in search("Belgium")] == ["Belgium Street", "Ghent"]


# --- websearch syntax (honoured on SQLite too) ------------------------------------------------


def test_quoted_phrase() -> None:
    DeclarationFactory(title="Call to Local Action on Migration")
    DeclarationFactory(title="Action plan for local integration")
    assert [t for _, t in found(search('"local action"'))] == ["Call to Local Action on Migration"]


def test_excluded_word() -> None:
    CityFactory(name="Mechelen", country="BE")
    DeclarationFactory(title="Mechelen Declaration")
    assert found(search("mechelen -declaration")) == [("city", "Mechelen")]


def test_either_word() -> None:
    CityFactory(name="Cologne", aliases="Köln")
    CityFactory(name="Mechelen", country="BE")
    CityFactory(name="Bonn")
    assert {t for _, t in found(search("Köln or Mechelen"))} == {"Cologne", "Mechelen"}


# --- ranking ----------------------------------------------------------------------------------


def test_ranking_from_exact_name_down_to_description() -> None:
    """Exact name, then exact other name, name prefix, name contains, other name, weak field."""
    EventFactory(name="Summer forum", description="held at the Bodensee")  # weak field
    CityFactory(name="Seeburg", aliases="Bodensee shore")  # other name starts with
    NetworkFactory(name="Network on Bodensee", description="x")  # name contains
    DeclarationFactory(title="Bodensee Declaration")  # name starts with
    CityFactory(name="Konstanz", aliases="Costanza\nBodensee")  # other name is the query
    CityFactory(name="Bodensee")  # exact name
    hits = search("bodensee")
    assert [(h.kind, h.title, h.matched) for h in hits] == [
        ("city", "Bodensee", ""),
        ("city", "Konstanz", "Bodensee"),
        ("declaration", "Bodensee Declaration", ""),
        ("network", "Network on Bodensee", ""),
        ("city", "Seeburg", "Bodensee shore"),
        ("event", "Summer forum", ""),
    ]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_other_name_holding_the_query_beats_scattered_words_in_a_name() -> None:
    DeclarationFactory(title="Charter of Local Governments on Migration", aliases="Other")
    DeclarationFactory(title="Africa text", aliases="Local Migration Charter")
    DeclarationFactory(title="Report", summary="local charter on migration")
    assert [(h.title, h.matched) for h in search("local migration charter")] == [
        ("Africa text", "Local Migration Charter"),
        ("Charter of Local Governments on Migration", ""),
        ("Report", ""),
    ]


@pytest.mark.parametrize("aliases", ["Bodensee", "Costanza\r\nBodensee\r\nLake", "A\nBodensee"])
def test_the_database_fetches_the_best_first_even_under_a_small_limit(aliases: str) -> None:
    """Only 2 x limit records per kind are fetched: SQL must order them roughly as Python grades."""
    for i in range(6):
        CityFactory(name=f"Bodensee town {i}")
    CityFactory(name="Konstanz", aliases=aliases)
    assert [h.title for h in search("Bodensee", limit=1)] == ["Konstanz"]


def test_shorter_name_wins_within_a_grade() -> None:
    DeclarationFactory(title="Mechelen Declaration on cities and migration, long version")
    DeclarationFactory(title="Mechelen Declaration")
    assert search("Mechelen Decl")[0].title == "Mechelen Declaration"


# --- cost -------------------------------------------------------------------------------------


def make_matches(n: int) -> None:
    """n records of every kind that all match 'Lindau', with related rows for the details."""
    for i in range(n):
        city = CityFactory(name=f"Lindau {i}", aliases=f"Lindau-{i}")
        NetworkFactory(name=f"Net {i}", aliases="Lindau network")
        DeclarationFactory(
            title=f"Decl {i}", place="Lindau", date=dt.date(2019, 1, 1), date_precision="year"
        )
        EventFactory(
            name=f"Lindau event {i}", start_date=dt.date(2018, 1, 1), start_date_precision="year"
        )
        PledgeFactory(title=f"Lindau pledge {i}", city=city)
        PledgeFactory(title=f"Lindau pledge by network {i}", city=None, network=NetworkFactory())
        PledgeFactory(title=f"Lindau draft {i}", moderation_state=ModerationState.DRAFT)


@pytest.mark.parametrize("n", [1, 20])
def test_one_query_per_kind_however_many_hits(django_assert_num_queries, n: int) -> None:
    make_matches(n)
    with django_assert_num_queries(len(KINDS)):
        hits = search("Lindau", limit=1000)
        # Everything a results page shows is already there.
        rendered = [(h.title, h.url, h.detail, h.matched, h.score) for h in hits]
    assert len(rendered) == 6 * n
    with django_assert_num_queries(len(KINDS)):
        assert len(search("Lind", limit=10)) == (10 if n > 1 else 6)


# --- the real seed ----------------------------------------------------------------------------


def test_seed_searches() -> None:
    call_command("load_seed", verbosity=0)
    first = search("Köln")[0]
    assert (first.kind, first.title, first.matched, first.url) == (
        "city",
        "Cologne",
        "Köln",
        "/cities/cologne/",
    )
    mechelen = found(search("Mechelen"))
    assert ("declaration", "Mechelen Declaration") in mechelen
    assert mechelen[0] == ("city", "Mechelen")
    assert found(search("Gaziantep Declaration"))[0] == ("declaration", "Gaziantep Declaration")
    marrakech = search("Marrakesch Erklärung")[0]
    assert marrakech.title.startswith("Marrakech Declaration")
    assert marrakech.matched == "Marrakesch Erklärung"
    assert found(search("Weltverband der Kommunen"))[0] == (
        "network",
        "United Cities and Local Governments (UCLG)",
    )
    assert search("Mechel", kinds=("city",))[0].title == "Mechelen"


# --- PostgreSQL: the index migrations ---------------------------------------------------------
# The plans (GIN indexes, no sequential scan, the stored vectors) are checked in
# tests/citydiplo/test_search_plan.py, as are the migrations that store the vectors.

MIGRATIONS = {
    "networks.migrations.0002_search_indexes": ["city_search_gin", "network_search_gin"],
    "declarations.migrations.0002_search_indexes": ["declaration_search_gin", "event_search_gin"],
    "pledges.migrations.0003_search_indexes": ["pledge_search_gin"],
}
VECTOR_MIGRATIONS = [
    "networks.migrations.0004_search_vectors",
    "declarations.migrations.0004_search_vectors",
    "pledges.migrations.0007_search_vectors",
]


def existing_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_gin'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.parametrize("module", MIGRATIONS)
def test_index_migrations_apply_and_reverse(module: str) -> None:
    """The stored vectors replaced these expression indexes, but migrating back needs them."""
    migration = importlib.import_module(module)
    apps = MigrationLoader(connection).project_state().apps
    names = set(MIGRATIONS[module])
    assert not names & existing_indexes()
    with connection.schema_editor(atomic=False) as editor:
        migration.create(apps, editor)
    assert names <= existing_indexes()
    with connection.schema_editor(atomic=False) as editor:
        migration.drop(apps, editor)
    assert not names & existing_indexes()


@pytest.mark.parametrize("module", [*MIGRATIONS, *VECTOR_MIGRATIONS])
def test_index_migrations_do_nothing_elsewhere(module: str) -> None:
    """No apps and an editor that can do nothing: any work beyond the vendor check would fail."""
    migration = importlib.import_module(module)
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"))
    migration.create(None, editor)
    migration.drop(None, editor)
