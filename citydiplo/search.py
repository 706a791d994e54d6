"""One ranked search over cities, networks, declarations, events and published pledges.

PostgreSQL runs full-text search on one weighted tsvector per table (the ``'simple'`` config:
names are multilingual and must not be stemmed), stored in the generated column
``search_vector`` that the ``*_search_vectors`` migrations add, with a GIN index; tables with
weak fields also store ``search_names``, the names and other names alone. SQLite (development
and most tests) matches substrings case-insensitively instead. On both, a record is then graded
in Python (exact name > name starts with > name contains > other name > weaker field), so the
two databases agree on the order; PostgreSQL's own rank only breaks ties within a grade.

On PostgreSQL a kind ranks at most two pools of candidates, each at most ``_pool_size()``
records that the GIN indexes (or, for a word most rows hold, a scan that stops early) find:
records whose names match, and records that match at all. A common word matches most of the
100,000 pledges, and ranking them all took seconds; now the work is bounded. Whenever a kind has
no more matches than a pool holds, the result is exactly what ranking every match would give;
beyond that, name matches still come first, but which of the many are shown is arbitrary.

Each call costs at most one query per kind, whatever the number of hits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import FullResultSet
from django.db import connections
from django.db.models import Case, FloatField, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils import translation
from django_countries import countries

from declarations.models import Declaration, Event
from networks.models import City, Network, split_lines
from pledges.models import Pledge


@dataclass(frozen=True)
class SearchHit:
    kind: str  # one of KINDS
    pk: int
    title: str
    url: str
    detail: str  # short context: country, network kind, date, or who made a pledge
    matched: str  # the other name that matched, when the hit came only through it
    score: float


KINDS: tuple[str, ...] = ("city", "network", "declaration", "event", "pledge")

MAX_QUERY_LENGTH = 200
# Each term becomes a handful of LIKEs on SQLite, whose expression depth is limited (1000).
MAX_TERMS = 10
SEARCH_CONFIG = "simple"
# Candidates per pool (PostgreSQL): at least this many, or the number of records fetched.
MIN_POOL = 100

# Grades, best first; a hit's score is its grade plus a tie-breaker below 1. An other name that
# is exactly the query is the record's name in another language, so it comes right after an
# exact name ('Köln' puts Cologne above a title that merely contains Köln). A name that holds
# the query's words only here and there (WORDS) ranks below an other name that holds the query.
EXACT, EXACT_OTHER_NAME, PREFIX, CONTAINS, OTHER_NAME, WORDS, WEAK = 7, 6, 5, 4, 3, 2, 1

_WORD = re.compile(r"[^\W_]+")
# A piece of the query: an optionally negated "quoted phrase" or bare word (websearch syntax).
_PIECE = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


# --- the query --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """The user's text read the way ``websearch_to_tsquery`` reads it, so SQLite can follow."""

    text: str  # cut and cleaned; what PostgreSQL's websearch parser gets
    groups: tuple[tuple[str, ...], ...]  # alternatives ("or"), each needing all of its terms
    excluded: tuple[str, ...]  # -word / -"phrase"
    has_operators: bool  # quotes, "or" or "-": the user wants websearch semantics, not prefixes

    @property
    def words(self) -> list[str]:
        return [w for group in self.groups for term in group for w in _WORD.findall(term)]


def _clean(text: str) -> str:
    """Control characters (NUL above all) are refused by PostgreSQL; they never mean anything."""
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)


def parse_query(query: str) -> ParsedQuery:
    text = _clean(query.strip()[:MAX_QUERY_LENGTH]).strip()
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    has_operators = False
    count = 0
    for piece in _PIECE.finditer(text):
        negated, phrase, word = bool(piece["neg"]), piece["phrase"], piece["word"]
        if word is not None and not negated and word.casefold() == "or":
            has_operators = True
            if groups[-1]:
                groups.append([])
            continue
        if phrase is not None:
            has_operators = True
            # Kept whole so SQLite can look for it as typed; edge punctuation would only hinder.
            terms = [" ".join(phrase.split()).strip("'.,;:!?()[]{}")]
        else:
            terms = _WORD.findall(word or "")
        terms = [t for t in terms if _WORD.search(t)]
        if not terms:
            continue
        if negated:
            has_operators = True
            excluded.extend(terms)
            continue
        for term in terms:
            if count < MAX_TERMS:
                groups[-1].append(term)
                count += 1
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(g) for g in groups if g),
        excluded=tuple(excluded[:MAX_TERMS]),
        has_operators=has_operators,
    )


# --- what is searched, per kind ---------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How one kind of record is searched and shown.

    ``names`` are graded against the query (and get weight A in the tsvector), ``aliases`` is a
    one-name-per-line field (weight B), ``weak`` fields only make a record match (weight D).
    The vectors built from these must stay identical to the generated columns of the app's
    ``*_search_vectors`` migration (a PostgreSQL test compares them).
    """

    kind: str
    queryset: Callable[[], QuerySet[Any]]
    names: tuple[str, ...]
    aliases: str | None
    weak: tuple[str, ...]
    columns: tuple[str, ...]  # for .only(): what title, detail and url need
    title: Callable[[Any], str]
    detail: Callable[[Any], str]

    @property
    def strong(self) -> tuple[str, ...]:
        return self.names + ((self.aliases,) if self.aliases else ())

    @property
    def fields(self) -> tuple[str, ...]:
        return self.strong + self.weak

    @property
    def vector_index(self) -> str:
        """The GIN index over ``search_vector`` (PostgreSQL)."""
        return f"{self.kind}_search_vector_gin"

    @property
    def names_index(self) -> str | None:
        """The GIN index over ``search_names``; without weak fields the vector is names only."""
        return f"{self.kind}_search_names_gin" if self.weak else None

    def names_vector(self) -> SearchVector:
        """What ``search_names`` holds: the names (A) and other names (B)."""
        parts = [SearchVector(*self.names, weight="A", config=SEARCH_CONFIG)]
        if self.aliases:
            parts.append(SearchVector(self.aliases, weight="B", config=SEARCH_CONFIG))
        return reduce(lambda a, b: a + b, parts)

    def vector(self) -> SearchVector:
        """What ``search_vector`` holds: the names vector, then the weak fields (D)."""
        if not self.weak:
            return self.names_vector()
        return self.names_vector() + SearchVector(*self.weak, weight="D", config=SEARCH_CONFIG)


def _pledge_actor(pledge: Pledge) -> str:
    if pledge.city is not None:
        return pledge.city.name
    return pledge.network.name if pledge.network is not None else ""


_KINDS: dict[str, _Kind] = {
    spec.kind: spec
    for spec in (
        _Kind(
            kind="city",
            queryset=City.objects.all,
            names=("name",),
            aliases="aliases",
            weak=(),
            columns=("name", "slug", "aliases", "country"),
            title=lambda c: c.name,
            detail=lambda c: str(c.country.name),
        ),
        _Kind(
            kind="network",
            queryset=Network.objects.all,
            names=("name", "acronym"),
            aliases="aliases",
            weak=("description",),
            columns=("name", "acronym", "slug", "aliases", "kind"),
            title=str,
            detail=lambda n: str(n.get_kind_display()),
        ),
        _Kind(
            kind="declaration",
            queryset=Declaration.objects.all,
            names=("title",),
            aliases="aliases",
            weak=("summary", "issuer_text", "place"),
            columns=("title", "slug", "aliases", "date", "date_precision"),
            title=lambda d: d.title,
            detail=lambda d: d.date_display,
        ),
        _Kind(
            kind="event",
            queryset=Event.objects.all,
            names=("name",),
            aliases=None,
            weak=("place", "description"),
            columns=("name", "slug", "start_date", "start_date_precision"),
            title=str,
            detail=lambda e: e.date_display,
        ),
        _Kind(
            kind="pledge",
            # The public may only ever see published pledges.
            queryset=lambda: Pledge.objects.published().select_related("city", "network"),
            names=("title",),
            aliases=None,
            weak=("description", "actor_text"),
            columns=("title", "city__name", "network__name"),
            title=lambda p: p.title,
            detail=_pledge_actor,
        ),
    )
}


# --- matching in SQL --------------------------------------------------------------------------


def _variants(term: str, vendor: str) -> list[str]:
    """SQLite's LIKE folds ASCII only: 'KÖLN' must also be tried as 'köln', 'Köln'..."""
    if vendor != "sqlite":
        return [term]
    return list(dict.fromkeys([term, term.lower(), term.upper(), term.capitalize(), term.title()]))


def _term_q(fields: Iterable[str], term: str, vendor: str) -> Q:
    """The term appears, in any letter case, in one of the fields."""
    return reduce(
        or_,
        (Q(**{f"{f}__icontains": v}) for f in fields for v in _variants(term, vendor)),
    )


def _query_q(fields: Sequence[str], parsed: ParsedQuery, vendor: str) -> Q:
    """Some alternative has all its terms in the fields (each term in any one of them)."""
    return reduce(
        or_, (reduce(and_, (_term_q(fields, t, vendor) for t in g)) for g in parsed.groups)
    )


def _line_q(field: str, value: str) -> Q:
    """One line of a one-name-per-line field is the value (lines may end in CRLF, from forms)."""
    q = Q(**{f"{field}__iexact": value})
    for end in ("\n", "\r\n"):
        q |= Q(**{f"{field}__istartswith": value + end})
        q |= Q(**{f"{field}__icontains": f"\n{value}{end}"})
    return q | Q(**{f"{field}__iendswith": f"\n{value}"})


def _country_codes(parsed: ParsedQuery) -> list[str]:
    """Countries named by the whole query (in English or the page's language), e.g. 'Germany'."""
    if parsed.has_operators or len(parsed.groups) != 1:
        return []
    wanted = " ".join(parsed.groups[0]).casefold()
    codes: set[str] = set()
    for language in {"en", translation.get_language() or "en"}:
        with translation.override(language):
            for code, name in countries:
                name = name.casefold()
                if name == wanted or (len(wanted) >= 4 and name.startswith(wanted)):
                    codes.add(code)
    return sorted(codes)


def _prefix_tsquery(parsed: ParsedQuery) -> str:
    """All words as prefixes ('mechel:*' finds Mechelen); words are [^\\W_]+ so quoting is safe."""
    return " & ".join(f"'{word}':*" for word in parsed.words)


def _pool_size(cap: int) -> int:
    return max(cap, MIN_POOL)


def _grade_expr(spec: _Kind, parsed: ParsedQuery, vendor: str) -> Case:
    """The coarse grade in SQL: 4 a name is the query, 3 an other name is, 2 the names hold
    the query's terms, 1 the other names do, else 0."""
    names = spec.names
    phrases = [v for group in parsed.groups for v in _variants(" ".join(group), vendor)]
    exact = reduce(or_, (Q(**{f"{f}__iexact": v}) for f in names for v in phrases))
    whens = [When(exact, then=Value(4))]
    if spec.aliases:
        whens.append(When(reduce(or_, (_line_q(spec.aliases, v) for v in phrases)), then=Value(3)))
    whens.append(When(_query_q(names, parsed, vendor), then=Value(2)))
    if spec.aliases:
        whens.append(When(_query_q((spec.aliases,), parsed, vendor), then=Value(1)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


# --- PostgreSQL -------------------------------------------------------------------------------
# The parts of a kind's query that change with the user's text are written out as SQL here
# rather than built as Django expressions: the same conditions, but Django would build and
# compile the expression trees anew for every kind of every search, which cost more than
# running the queries. Column names are qualified with the table's name: the outer query and
# each pool read the table under that name, a pool's own FROM hiding the outer one.

VECTOR_COLUMN, NAMES_COLUMN = "search_vector", "search_names"


def _base_condition(spec: _Kind, db: str) -> tuple[str, list[Any]]:
    """The WHERE of the kind's own queryset (published pledges only...) as SQL: every pool
    repeats it. Compiled at each call (0.1 ms), as it might one day hold the time of day."""
    query = spec.queryset().query
    try:
        sql, params = query.get_compiler(using=db).compile(query.where)
    except FullResultSet:
        return "", []
    return sql, list(params)


@dataclass(frozen=True)
class _PgQuery:
    """One kind's SQL pieces on PostgreSQL for one parsed query."""

    spec: _Kind
    parsed: ParsedQuery
    model: type[Model]
    db: str

    def qn(self, name: str) -> str:
        return connections[self.db].ops.quote_name(name)

    @property
    def table(self) -> str:
        return self.qn(self.model._meta.db_table)

    def column(self, field: str) -> str:
        return f"{self.table}.{self.qn(self.model._meta.get_field(field).column)}"

    def stored(self, column: str) -> str:
        """A generated column of the search migrations (not a model field)."""
        return f"{self.table}.{self.qn(column)}"

    def tsquery(self) -> tuple[str, list[str]]:
        """The query's text the way websearch_to_tsquery reads it, or, without operators, that
        or every word as a prefix (what SearchQuery(..., search_type="websearch" | "raw")
        would render)."""
        sql = f"websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
        if self.parsed.has_operators:
            return sql, [self.parsed.text]
        prefixes = f"to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
        return f"({sql} || {prefixes})", [self.parsed.text, _prefix_tsquery(self.parsed)]

    def rank(self) -> RawSQL:
        """ts_rank(vector, query, 32): rank / (rank + 1), below 1."""
        tsquery, params = self.tsquery()
        sql = f"ts_rank({self.stored(VECTOR_COLUMN)}, {tsquery}, 32)"
        return RawSQL(sql, params, output_field=FloatField())

    def grade(self) -> RawSQL:
        """``_grade_expr`` as SQL: equality and substrings compare in upper case, as iexact and
        icontains do, and an other name is a line of the aliases, ending in LF or CRLF, as
        ``_line_q`` reads them."""
        spec, params = self.spec, []

        def upper(field: str) -> str:
            return f"UPPER({self.column(field)}::text)"

        def values(items: Sequence[str]) -> str:
            params.extend(items)
            return ", ".join(["UPPER(%s)"] * len(items))

        def holds(fields: Sequence[str]) -> str:
            """Some group has each of its terms in one of the fields."""
            return " OR ".join(
                "("
                + " AND ".join(
                    "("
                    + " OR ".join(f"strpos({upper(f)}, {values([t])}) > 0" for f in fields)
                    + ")"
                    for t in group
                )
                + ")"
                for group in self.parsed.groups
            )

        phrases = [" ".join(group) for group in self.parsed.groups]
        whens = [" OR ".join(f"{upper(f)} IN ({values(phrases)})" for f in spec.names) + " THEN 4"]
        if spec.aliases:
            params.append(r"\r?\n")
            lines = f"regexp_split_to_array({upper(spec.aliases)}, %s)"
            whens.append(f"{lines} && ARRAY[{values(phrases)}] THEN 3")
        whens.append(f"{holds(spec.names)} THEN 2")
        if spec.aliases:
            whens.append(f"{holds((spec.aliases,))} THEN 1")
        sql = "CASE " + " ".join(f"WHEN {when}" for when in whens) + " ELSE 0 END"
        return RawSQL(sql, params, output_field=IntegerField())

    def candidates(self, codes: Sequence[str], cap: int) -> RawSQL:
        """The primary keys to rank: pools of at most ``_pool_size(cap)`` each.

        Names match, anything matches, and for cities the country is the one named. A pool has
        no order, so it stops as soon as it is full: ranking every match of a common word would
        rank most of the table. When the names fill their pool, the pool of anything is not
        read at all: the records it would add match in weak fields only, which the coarse grade
        puts below the name matches that already fill the ``cap`` records fetched.
        """
        base, base_params = _base_condition(self.spec, self.db)
        tsquery, tsquery_params = self.tsquery()
        pk, size = self.column(self.model._meta.pk.name), _pool_size(cap)
        sql, params = "", []

        def pool(condition: str, condition_params: Sequence[Any], order: str = "") -> str:
            params.extend([*base_params, *condition_params])
            where = f"{base} AND {condition}" if base else condition
            return f"(SELECT {pk} FROM {self.table} WHERE {where}{order} LIMIT {size})"

        matches = f"{self.stored(VECTOR_COLUMN)} @@ {tsquery}"
        if self.spec.weak:
            condition, names_params = f"{self.stored(NAMES_COLUMN)} @@ {tsquery}", tsquery_params
            # Names that match make the whole vector match, unless a "-word" the user excluded
            # is in a weak field; only then is the whole vector tested too. (Tested always, it
            # tempts the planner to read its index as well, for thousands of rows, to AND the
            # bitmaps.)
            if "-" in self.parsed.text:
                condition = f"{condition} AND {matches}"
                names_params = [*names_params, *tsquery_params]
            names = pool(condition, names_params)
            pk_column = self.qn(self.model._meta.pk.column)
            unfilled = f"(SELECT count(*) FROM names) < {size}"
            sql = f"WITH names AS MATERIALIZED {names} SELECT {pk_column} FROM names UNION ALL "
            sql += pool(f"{matches} AND {unfilled}", tsquery_params)
        else:
            sql = pool(matches, tsquery_params)
        if codes:
            # Only the country matches: all graded alike, so the final order's tie-breakers
            # decide which come first.
            order = f" ORDER BY LENGTH({self.column(self.spec.names[0])}), {pk}"
            in_codes = f"{self.column('country')} IN ({', '.join(['%s'] * len(codes))})"
            sql += " UNION ALL " + pool(in_codes, codes, order)
        return RawSQL(sql, params)


def _queryset(spec: _Kind, parsed: ParsedQuery, cap: int) -> QuerySet[Any]:
    """The one query run for a kind: matching records, best first by a coarse grade in SQL."""
    qs = spec.queryset()
    vendor = connections[qs.db].vendor
    codes = _country_codes(parsed) if spec.kind == "city" else []
    order: list[Any] = ["-sql_grade"]
    if vendor == "postgresql":
        pg = _PgQuery(spec, parsed, qs.model, qs.db)
        qs = qs.only(*spec.columns).annotate(sql_grade=pg.grade(), rank=pg.rank())
        qs = qs.filter(pk__in=pg.candidates(codes, cap))
        order.append("-rank")
    else:
        qs = qs.only(*spec.columns).annotate(sql_grade=_grade_expr(spec, parsed, vendor))
        match = _query_q(spec.fields, parsed, vendor)
        for term in parsed.excluded:
            match &= ~_term_q(spec.fields, term, vendor)
        if codes:
            match |= Q(country__in=codes)
        qs = qs.filter(match)
    order += [Length(spec.names[0]).asc(), "pk"]
    return qs.order_by(*order)[:cap]


# --- grading in Python ------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _grade_text(parsed: ParsedQuery, text: str) -> tuple[int, float]:
    """How well one name matches: (EXACT, PREFIX, CONTAINS, WORDS or 0; share of it covered).

    Words count from their start, as PostgreSQL's prefix matching does ('mechel' is in
    'Mechelen', 'ration' is not in 'Declaration'), so both databases grade a record alike.
    """
    name = _normal(text)
    best = (0, 0.0)
    if not name:
        return best
    padded = f" {name}"
    for group in parsed.groups:
        terms = [_normal(t) for t in group]
        wanted = " ".join(terms)
        share = min(1.0, len(wanted) / len(name))
        if name == wanted:
            return (EXACT, 1.0)
        if name.startswith(wanted):
            best = max(best, (PREFIX, share))
        elif f" {wanted}" in padded:
            best = max(best, (CONTAINS, share))
        elif all(f" {t}" in padded for t in terms):
            best = max(best, (WORDS, share))
    return best


def _grade(
    parsed: ParsedQuery, names: Iterable[str], aliases: Iterable[str]
) -> tuple[int, float, str]:
    """(grade, tie-breaker share, the other name that matched) for one record."""
    name = max((_grade_text(parsed, n) for n in names if n), default=(0, 0.0))
    if name[0] == EXACT:
        return (*name, "")
    level, share, alias = max(((*_grade_text(parsed, a), a) for a in aliases), default=(0, 0.0, ""))
    if level == EXACT:
        return (EXACT_OTHER_NAME, share, alias)
    if name[0] >= CONTAINS:
        return (*name, "")
    if level >= CONTAINS:
        return (OTHER_NAME, share, alias)
    if name[0] == WORDS:
        return (*name, "")
    if level == WORDS:
        return (WORDS, share / 2, alias)
    return (WEAK, 0.0, "")


@dataclass(frozen=True)
class _Scored:
    """A fetched record, graded; it becomes a SearchHit (url, detail) only if it is shown."""

    spec: _Kind
    obj: Any
    title: str
    matched: str
    score: float

    @property
    def key(self) -> tuple[float, int, str, int]:
        return (-self.score, KINDS.index(self.spec.kind), self.title.casefold(), self.obj.pk)

    def hit(self) -> SearchHit:
        return SearchHit(
            kind=self.spec.kind,
            pk=self.obj.pk,
            title=self.title,
            url=self.obj.get_absolute_url(),
            detail=self.spec.detail(self.obj),
            matched=self.matched,
            score=self.score,
        )


def _scored(spec: _Kind, parsed: ParsedQuery, obj: Model) -> _Scored:
    names = [getattr(obj, f) or "" for f in spec.names]
    aliases = split_lines(getattr(obj, spec.aliases)) if spec.aliases else []
    grade, share, matched = _grade(parsed, names, aliases)
    rank = float(getattr(obj, "rank", 0.0) or 0.0)
    score = round(grade + 0.5 * share + 0.49 * rank, 6)
    return _Scored(spec=spec, obj=obj, title=spec.title(obj), matched=matched, score=score)


# --- entry point ------------------------------------------------------------------------------


def search(query: str, *, kinds: Collection[str] | None = None, limit: int = 50) -> list[SearchHit]:
    """Records of the given kinds (all by default) matching ``query``, best first.

    Names and other names (aliases, other languages) count most; descriptions and the like only
    make a record match. Unpublished pledges are never returned.
    """
    wanted = KINDS if kinds is None else tuple(k for k in KINDS if k in kinds)
    if kinds is not None and (unknown := set(kinds) - set(KINDS)):
        raise ValueError(f"Unknown search kinds: {sorted(unknown)}")
    parsed = parse_query(query or "")
    if not parsed.groups or not wanted or limit <= 0:
        return []
    cap = 2 * limit  # room for the Python grading to reorder what SQL ranked coarsely
    scored = [
        _scored(_KINDS[kind], parsed, obj)
        for kind in wanted
        for obj in _queryset(_KINDS[kind], parsed, cap)
    ]
    scored.sort(key=lambda s: s.key)
    return [s.hit() for s in scored[:limit]]
