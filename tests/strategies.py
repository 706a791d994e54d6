"""Shared Hypothesis strategies and helpers for the property tests (bad input of every kind).

The suite runs twice in CI (SQLite and PostgreSQL) close to its time limit, so every property
test takes its settings from ``fuzz`` below: a fixed number of examples, no deadline (a request's
time varies with the machine), derandomized so that both legs and every rerun try the same
examples, and no example database written into the checkout.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import string
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, settings
from hypothesis import strategies as st

# --- settings ---------------------------------------------------------------------------------


# Knobs for a deeper run by hand, e.g. CITYDIPLO_FUZZ_SCALE=20 CITYDIPLO_FUZZ_SHRINK=1.
SCALE = float(os.environ.get("CITYDIPLO_FUZZ_SCALE", "1"))
SHRINK = os.environ.get("CITYDIPLO_FUZZ_SHRINK") == "1"


def fuzz(max_examples: int) -> settings:
    """Settings for one property test; ``max_examples`` is its share of the time budget.

    No shrinking by default: a failing example is reported as found, each draw labelled, which
    is readable enough; shrinking one that makes HTTP requests can take Hypothesis's full five
    minutes per failure, and CI has none to spare. ``CITYDIPLO_FUZZ_SHRINK=1`` turns it on.
    """
    phases = [Phase.explicit, Phase.reuse, Phase.generate]
    if SHRINK:
        phases += [Phase.shrink, Phase.explain]
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        phases=phases,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # The tests build their records once (function-scoped fixtures) and undo each example
        # themselves (``example_transaction``); building them per example would cost more.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Like ``st.one_of``, with the share of each strategy given: ``weighted((3, a), (1, b))``
    draws from ``a`` about three times in four. Hypothesis tries simple choices first (and
    shrinks towards them), so the first strategy is also the one the first examples use: with
    a few dozen examples per test, list the nastiest first."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def tally(what: str) -> None:
    """Count an outcome for ``--hypothesis-show-statistics`` (a no-op outside Hypothesis)."""
    if currently_in_test_context():
        event(what)


# --- isolation and "no partial write" ---------------------------------------------------------


@contextmanager
def example_transaction() -> Iterator[None]:
    """Run one Hypothesis example in a savepoint that is always rolled back.

    pytest-django rolls back once per test, not per example: without this, a pledge created by
    one example would be seen by the next (and a replayed Idempotency-Key would answer it).
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Columns a read may legitimately write: the login time, the token's "last used" stamp.
VOLATILE_COLUMNS = frozenset({"last_login", "last_used_at"})
SNAPSHOT_APPS = ("accounts", "networks", "declarations", "pledges")


def snapshot(app_labels: Iterable[str] = SNAPSHOT_APPS) -> dict[str, list[tuple]]:
    """Every row of every table of the apps (history tables and many-to-many tables included),
    to prove that a refused write wrote nothing at all. Plain SQL, one query per table: the ORM
    would take several times as long, and the tests take a snapshot per example."""
    rows: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for table, sql in _snapshot_queries(tuple(app_labels)):
            cursor.execute(sql)
            rows[table] = cursor.fetchall()
    return rows


@functools.cache
def _snapshot_queries(app_labels: tuple[str, ...]) -> list[tuple[str, str]]:
    quote = connection.ops.quote_name
    queries = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            columns = ", ".join(
                quote(f.column) for f in meta.concrete_fields if f.attname not in VOLATILE_COLUMNS
            )
            sql = f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
            queries.append((meta.db_table, sql))
    return queries


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """The tables whose rows differ (an assertion message that names them)."""
    return sorted(name for name in before if before[name] != after.get(name))


# --- text -------------------------------------------------------------------------------------

# Values that break naive code: NUL and other control characters, bidi overrides, combining
# marks, characters outside the BMP, markup, SQL, percent-escapes, numbers and dates as text.
NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 5,
    "\t\r\n",
    "\x1b[31m",
    "\x7f\x80\x9f",
    "\u200b",
    "\u202egnp.exe",
    "\ufeff",
    "\ufffd",
    "e\u0301" * 3,
    "Köln",
    "Zürich",
    "İstanbul",
    "東京",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "🏳️‍🌈",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%",
    "%zz",
    "\\",
    '"',
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "0",
    "-1",
    "01",
    "1.5",
    "1e3",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "9" * 30,
    "-9223372036854775809",
    "9223372036854775808",
    "0x1F",
    "٣",
    "２０２４",
    "2024",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-13-01",
    "2024-1-1",
    "31/12/2024",
    "12/31/2024",
    "1.1.2024",
    "2024-06-30T12:00:00Z",
    "yesterday",
    "http://",
    "https://exa mple.org",
    "javascript:alert(1)",
    "https://example.org/" + "a" * 600,
    "https://例え.テスト/パス",
]

long_text = st.builds(
    lambda chunk, n: (chunk * n)[:n],
    st.text(min_size=1, max_size=3),
    st.integers(min_value=150, max_value=6000),
)
numbers_as_text = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%Y%m%d", "%d %B %Y", "%Y-%m"]
dates_as_text = st.builds(lambda d, fmt: d.strftime(fmt), st.dates(), st.sampled_from(DATE_FORMATS))

any_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=40),
    numbers_as_text,
    dates_as_text,
    long_text,
)


# Characters that a valid value may carry by accident or by malice; NUL is weighted up since it
# is what databases disagree on (PostgreSQL refuses it, SQLite's length() stops at it).
POISON = ["\x00", "\x00", "\x00", "\x1f", "\x85", "\u2028", "\u0301", "\u202e", "\U0001f600"]


def poisoned(values: Sequence[str]) -> st.SearchStrategy[str]:
    """One of ``values`` with a poison character inserted somewhere: still valid to the eye."""

    def insert(value: str, where: float, char: str) -> str:
        at = int(where * len(value))
        return value[:at] + char + value[at:]

    return st.builds(
        insert,
        st.sampled_from(values),
        st.floats(min_value=0, max_value=1),
        st.sampled_from(POISON),
    )


def one_poisoned(valid: dict[str, Any], names: Sequence[str]) -> st.SearchStrategy[dict[str, Any]]:
    """``valid`` with a poison character inside the text of one of ``names`` (a string, or the
    first of a form field's values): the input is right in every other respect, so it reaches
    the database if nothing stops the character."""

    def apply(name: str, value: str) -> dict[str, Any]:
        old = valid[name]
        return {**valid, name: [value, *old[1:]] if isinstance(old, list) else value}

    def first(name: str) -> str:
        value = valid[name]
        return value[0] if isinstance(value, list) else value

    return st.sampled_from(list(names)).flatmap(
        lambda name: poisoned([first(name)]).map(lambda value: apply(name, value))
    )


def text_or(*values: str) -> st.SearchStrategy[str]:
    """Meaningful values with a poison character inside (first: the nastiest), the values
    themselves (so examples get past the first check), or anything at all."""
    if not values:
        return any_text
    return weighted((2, poisoned(values)), (1, st.sampled_from(values)), (1, any_text))


# --- records and requests ---------------------------------------------------------------------

_REMOVED = object()


def tweaked(
    base: dict[str, Any], fields: dict[str, st.SearchStrategy[Any]], *, max_changes: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` (a valid input) with up to ``max_changes`` of its keys replaced by drawn values
    or left out: examples near a valid input reach the code behind the first check, where
    inputs drawn from scratch are almost all refused early."""
    names = sorted(fields)

    def changes(chosen: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {name: st.one_of(fields[name], fields[name], st.just(_REMOVED)) for name in chosen}
        )

    def apply(changed: dict[str, Any]) -> dict[str, Any]:
        result = {**base, **changed}
        return {k: v for k, v in result.items() if v is not _REMOVED}

    return (
        st.lists(st.sampled_from(names), max_size=max_changes, unique=True)
        .flatmap(changes)
        .map(apply)
    )


# --- JSON ---------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


def json_objects(
    fields: dict[str, st.SearchStrategy[Any]], valid: dict[str, Any] | None = None
) -> st.SearchStrategy[Any]:
    """A request body: an object of the endpoint's own fields (any subset, each with plausible
    or arbitrary values, or a ``valid`` body with a few of them changed or left out), sometimes
    with unknown keys, sometimes any JSON value at all."""
    anything = {name: st.one_of(value, json_values) for name, value in fields.items()}
    known = st.fixed_dictionaries({}, optional=anything)
    if valid is not None:
        texts = [name for name, value in valid.items() if isinstance(value, str)]
        known = weighted(
            (1, known),
            (2, tweaked(valid, fields)),  # plausible values of the right JSON types
            (1, tweaked(valid, anything)),
            (1, one_poisoned(valid, texts)),
        )
    with_unknown = st.builds(
        lambda body, extra: {**extra, **body},
        known,
        st.dictionaries(st.text(max_size=12), json_values, min_size=1, max_size=2),
    )
    return weighted((6, known), (1, with_unknown), (1, json_values))


# --- HTTP headers and query strings -----------------------------------------------------------

# What a WSGI server can hand over in a header: latin-1 text (RFC 9110).
header_text = st.text(alphabet=st.characters(max_codepoint=255), max_size=300)
idempotency_keys = weighted(
    (2, st.none()),
    (2, st.uuids().map(str)),
    (1, st.text(alphabet=string.printable, max_size=20)),
    (1, st.sampled_from(["", " ", '""', '"k\\"1"', "~" * 255, "~" * 256, "two words", "clé"])),
    (1, header_text),
)


def cursors() -> st.SearchStrategy[str]:
    """Cursors shaped like the API's own (base64 of {"d": ..., "v": [...]}) holding arbitrary
    values, so examples reach the code that reads a decoded cursor, and plain junk."""
    payload = st.fixed_dictionaries(
        {
            "d": st.one_of(st.sampled_from(["n", "p"]), json_scalars),
            "v": st.one_of(st.lists(json_scalars, min_size=1, max_size=4), json_values),
        }
    )
    shaped = payload.map(
        lambda p: base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
    )
    return st.one_of(shaped, any_text)


def keyed(values: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[tuple[str, str]]:
    """A (key, value) pair: one of the keys, with a value drawn from that key's own strategy."""
    return st.sampled_from(sorted(values)).flatmap(lambda k: st.tuples(st.just(k), values[k]))


def query_strings(
    pairs: st.SearchStrategy[tuple[str, str]], *, max_pairs: int = 5
) -> st.SearchStrategy[str]:
    """A query string of ``pairs`` (repeated keys allowed) and sometimes arbitrary keys,
    percent-encoded as a browser would, sometimes with raw fragments no browser would send."""
    any_pair = weighted((3, pairs), (1, st.tuples(any_text, any_text)))
    encoded = st.lists(any_pair, max_size=max_pairs).map(urlencode)
    raw = st.sampled_from(
        ["%zz", "%C0%AF=1", "a=%ff%fe", "=x", "&&&", "k", "q=%00", "%E2%82", "a=b=c", ";"]
    )
    with_raw = st.builds(lambda q, r: f"{q}&{r}" if q else r, encoded, raw)
    return weighted((3, encoded), (1, with_raw))
