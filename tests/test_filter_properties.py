"""Bad query strings on every listing, HTML and API: whatever the keys (each FilterSet's own,
paging and format parameters, unknown ones, repeated ones) and whatever the values (unicode, NUL,
very long, numbers and dates as text, malformed escapes, forged cursors), a page answers 200 or
400 and the API 200 or a JSON 400 naming the parameter; never a 500.

Two kinds of test per listing: one gives every parameter in turn an edge value beside accepted
ones (one refused value stops a request before the others reach a query, so a mix alone rarely
gets an edge value that far), the other sends any mix at all.

HTML listings answer 404 for a ``page`` out of range or not a number (Django's paginator does),
so a 404 is accepted there when, and only when, a ``page`` was sent. Streamed responses (CSV)
are read to the end: an error while streaming is a 500 too.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import django_filters
import pytest
from django import forms
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from citydiplo.filters import CityFilter, TimelineForm
from citydiplo.search import KINDS as SEARCH_KINDS
from citydiplo.selectors import city_list, declarations_per_year, timeline, timeline_declarations
from declarations.api import SignatureViewSet
from declarations.filters import DeclarationFilter, EventFilter, SignatureFilter
from declarations.models import Topic
from declarations.selectors import declaration_list, event_list
from networks.api import MembershipViewSet
from networks.api_base import PAGINATION_PARAMS
from networks.api_schema import FORMAT_PARAM, api_name
from networks.filters import MembershipFilter, NetworkFilter
from networks.selectors import network_list
from pledges.api import FrameworkViewSet, ObjectiveViewSet
from pledges.filters import FrameworkFilter, ObjectiveFilter, PledgeFilter
from pledges.models import ModerationState, Objective
from pledges.selectors import pledge_list
from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory, moderator
from tests.strategies import (
    any_text,
    cursors,
    fuzz,
    json_scalars,
    keyed,
    query_strings,
    tally,
    weighted,
)

pytestmark = pytest.mark.django_db

# Values that pass validation (records of ``dataset``, choices, sort keys) and, per kind of
# parameter, edge values: those validation exists to stop (years a date cannot hold, ids beyond
# the column, NUL, overlong text), which must be a 400, never reach a query and make a 500.
SLUGS = [
    "barcelona",
    "koeln",
    "lyon",
    "eurocities",
    "solidarity",
    "forum",
    "grf-2019",
    "marrakech",
    "sea-rescue",
]
SLUG_EDGES = [
    "no-such-slug",
    "BARCELONA",
    "barcelona/",
    "a" * 300,
    "bar celona",
    "%",
    "_",
    "*",
    "..",
    "koeln\n",
    "k\x00eln",
]
YEARS = ["1800", "2016", "2018", "2019", "2200"]
NUMBER_EDGES = [
    "0",
    "-1",
    "-0",
    "99999",
    "10000",
    "1799",
    "2201",
    "100",
    "2018.5",
    "1e3",
    "1E400",
    "٢٠١٨",
    "+2018",
    " 2018 ",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 30,
]
IDS = [str(n) for n in range(1, 45)]  # the objectives the frameworks migration writes
ID_EDGES = ["0", "-1", "9" * 30, "9223372036854775808", "1.0", "1e3", " 1", "0x1", "١", "1\x00"]
CHOICE_EDGES = ["", " ", "XX", "xx", "None", "0", "\x00", "yes\x00"]
SORT_EDGES = [
    "-",
    "--name",
    ",",
    "name,",
    "name,name",
    "-name,name",
    "pk",
    "id",
    "?",
    "name__len",
    "-made,-made",
    "title\x00",
]
WORDS = ["Barcelona", "Köln", "welcome centre", "forum", "a", "-x", '"mayors"']
TEXT_EDGES = ["x" * 10000, "a " * 300, "%", "_", "\\", "\x00", "'", '""', "- -", "*", "\u202e"]


@dataclass(frozen=True)
class Param:
    """One query parameter: values its endpoint accepts, and edge values to try."""

    valid: tuple[str, ...]
    edge: tuple[str, ...] = ()
    forged: st.SearchStrategy[str] | None = None  # for cursors: built, not listed

    def edge_values(self) -> st.SearchStrategy[str]:
        """An edge value three times in four, else anything."""
        listed = self.forged if self.forged is not None else st.sampled_from(self.edge or ("",))
        return weighted((3, listed), (1, any_text))


# Paging, format and text parameters every listing may meet, whether or not it knows them.
COMMON = {
    "page": Param(("1", "2", "last"), ("0", "-1", "999", "1.0", "abc", "9" * 30, "")),
    "page_size": Param(("1", "50", "100"), ("101", "0", "-5", "1e2", "ten", "9" * 30, "")),
    "count": Param(("true", "false"), ("yes", "1", "TRUE", "")),
    "format": Param(("csv", "json"), ("api", "xml", "CSV", "", "csv ")),
    "cursor": Param((), forged=cursors()),
    "ordering": Param(("name", "-title"), SORT_EDGES),
    "sort": Param(("name", "-title"), SORT_EDGES),
    "q": Param(tuple(WORDS), TEXT_EDGES),
    "search": Param(tuple(WORDS), TEXT_EDGES),
}


def _choices(choices: Any) -> list[str]:
    flat: list[str] = []
    for value, label in choices() if callable(choices) else choices:
        if isinstance(label, list | tuple):  # a group of choices
            flat += [str(v) for v, _label in label]
        else:
            flat.append(str(value))
    flat = [v for v in flat if v]
    assert flat, choices
    if "ES" in flat:  # countries: those of the dataset's cities, and a few without any
        return ["ES", "DE", "FR", "GH", "AF", "ZW"]
    return flat


def param_of(f: Any) -> Param:
    """The Param of one declared filter (or form field), by its kind."""
    if isinstance(f, django_filters.OrderingFilter):
        names = list(f.param_map)
        valid = [*names, *(f"-{n}" for n in names), ",".join(names), f"-{names[-1]},{names[0]}"]
        return Param(tuple(valid), SORT_EDGES)
    if isinstance(f, django_filters.ModelChoiceFilter | forms.ModelChoiceField):  # before Choice
        by_slug = f.extra.get("to_field_name") if hasattr(f, "extra") else f.to_field_name
        return (
            Param(tuple(SLUGS), tuple(SLUG_EDGES))
            if by_slug
            else Param(tuple(IDS), tuple(ID_EDGES))
        )
    if isinstance(f, django_filters.ChoiceFilter):
        valid = _choices(f.extra.get("choices", ()))
    elif isinstance(f, forms.ChoiceField):
        valid = _choices(f.choices)
    elif isinstance(f, django_filters.NumberFilter | forms.IntegerField):
        return Param((*YEARS, "1", "15", "99"), tuple(NUMBER_EDGES))
    else:
        return Param(tuple(WORDS), tuple(TEXT_EDGES))
    variants = [v.swapcase() for v in valid[:3]] + [f" {valid[0]}", f"{valid[0]}\x00"]
    return Param(tuple(valid), (*CHOICE_EDGES, *variants))


def params(
    filters: dict[str, Any], *, api: bool = False, extra: tuple[str, ...] = ()
) -> dict[str, Param]:
    """An endpoint's parameters: its filters (under the API's names for the API) and ``extra``."""
    found = {api_name(n) if api else n: param_of(f) for n, f in filters.items()}
    return {**{name: COMMON[name] for name in extra}, **found}


@pytest.fixture
def dataset() -> None:
    """A few records of every kind, linked, so filters that pass validation find rows."""
    barcelona = CityFactory(name="Barcelona", slug="barcelona", country="ES")
    koeln = CityFactory(name="Cologne", slug="koeln", country="DE", aliases="Köln")
    lyon = CityFactory(name="Lyon", slug="lyon", country="FR", kind="city")
    eurocities = NetworkFactory(name="Eurocities", slug="eurocities", founded_year=1986)
    solidarity = NetworkFactory(name="Solidarity Cities", slug="solidarity", scope="global")
    MembershipFactory(
        city=barcelona,
        network=eurocities,
        joined_on=dt.date(2016, 1, 1),
        joined_on_precision="year",
    )
    MembershipFactory(city=koeln, network=solidarity)
    MembershipFactory(
        city=lyon, network=eurocities, left_on=dt.date(2020, 5, 1), left_on_precision="month"
    )
    series = EventSeriesFactory(name="Forum", slug="forum")
    grf = EventFactory(
        name="Global Refugee Forum 2019",
        slug="grf-2019",
        series=series,
        city=lyon,
        start_date=dt.date(2019, 12, 16),
        start_date_precision="day",
    )
    rescue = Topic.objects.create(name="Sea rescue", slug="sea-rescue")
    declaration = DeclarationFactory(
        title="Marrakech Mayors Declaration",
        slug="marrakech",
        issuer=eurocities,
        event=grf,
        date=dt.date(2018, 12, 8),
        date_precision="day",
    )
    declaration.topics.add(rescue)
    DeclarationFactory(title="Charter of Welcome", slug="welcome-charter", kind="charter")
    EventFactory(name="Mayoral Forum 2021", slug="mayoral-forum-2021", place="Köln")
    SignatureFactory(
        declaration=declaration,
        city=barcelona,
        signed_on=dt.date(2018, 12, 8),
        signed_on_precision="day",
    )
    SignatureFactory(declaration=declaration, city=koeln)
    gcm = Objective.objects.filter(framework="GCM").order_by("number")
    for i, city in enumerate((barcelona, koeln, barcelona)):
        pledge = PledgeFactory(
            city=city,
            title=f"Welcome centre {i}",
            event=grf if i else None,
            made_on=dt.date(2019, 12, 16) if i else None,
            made_on_precision="day" if i else "",
            status=("planning", "in_progress", "fulfilled")[i],
        )
        pledge.objectives.set(gcm[i : i + 2])
    PledgeFactory(city=lyon, moderation_state=ModerationState.SUBMITTED)  # for /moderation/


def sent_keys(query: str) -> set[str]:
    return set(QueryDict(query, encoding="utf-8"))


def read(response: Any) -> bytes:
    """The whole body; a streamed one is consumed, so an error while streaming shows here."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@dataclass(frozen=True)
class Listing:
    path: str
    params: dict[str, Param]  # what the listing reads
    kind: str = "html"  # "html", "csv" or "api"
    ignored: tuple[str, ...] = ()  # what it is sent by mistake (the API's own parameters)

    def __str__(self) -> str:  # the test id
        return self.path


# An HTML listing reads ``page``; it ignores the API's paging and format parameters.
HTML_EXTRA = ("page",)
HTML_IGNORED = ("format", "cursor", "ordering", "page_size")
API_EXTRA = (*PAGINATION_PARAMS, FORMAT_PARAM)
API_LISTS = {
    "cities": CityFilter,
    "networks": NetworkFilter,
    "memberships": MembershipFilter,
    "events": EventFilter,
    "declarations": DeclarationFilter,
    "signatures": SignatureFilter,
    "pledges": PledgeFilter,
    "frameworks": FrameworkFilter,
    "objectives": ObjectiveFilter,
}
SEARCH_FIELDS = {
    "q": forms.CharField(),
    "kind": forms.ChoiceField(choices=[(k, k) for k in SEARCH_KINDS]),
}


def html(path: str, filters: dict[str, Any], kind: str = "html") -> Listing:
    return Listing(path, params(filters, extra=HTML_EXTRA), kind, HTML_IGNORED)


LISTINGS = [
    html("/cities/", CityFilter.base_filters),
    html("/cities/cities.csv", CityFilter.base_filters, "csv"),
    html("/networks/", NetworkFilter.base_filters),
    html("/declarations/", DeclarationFilter.base_filters),
    html("/events/", EventFilter.base_filters),
    html("/pledges/", PledgeFilter.base_filters),
    html("/timeline/", TimelineForm.base_fields),
    html("/search/", SEARCH_FIELDS),
    *(
        Listing(f"/api/v1/{name}/", params(f.base_filters, api=True, extra=API_EXTRA), "api")
        for name, f in API_LISTS.items()
    ),
]


def check(listing: Listing, query: str, response: Any) -> None:
    """200 or 400 (an HTML listing: 404 too when a ``page`` was sent); an API 400 is JSON
    naming parameters that were sent; a CSV is CSV, its errors plain text."""
    body = read(response)
    tally(f"HTTP {response.status_code}")
    allowed = {200, 400}
    if listing.kind != "api" and "page" in sent_keys(query):
        allowed.add(404)
    assert response.status_code in allowed, (response.status_code, query, body[:500])
    if listing.kind == "api" and response.status_code == 400:
        assert response["Content-Type"].startswith("application/json")
        answer = response.json()
        assert isinstance(answer["detail"], str)
        assert answer["errors"], answer
        assert set(answer["errors"]) <= sent_keys(query), (answer, query)
        assert all(isinstance(m, str) for ms in answer["errors"].values() for m in ms)
    elif listing.kind == "api" and QueryDict(query).get(FORMAT_PARAM) == "csv":
        assert response["Content-Type"].startswith("text/csv")
    elif listing.kind == "api":
        assert set(response.json()) >= {"results", "next", "previous"}
    elif listing.kind == "csv":
        expected = "text/csv" if response.status_code == 200 else "text/plain"
        assert response["Content-Type"].startswith(expected)


def valid_pairs(listing: Listing) -> st.SearchStrategy[list[tuple[str, str]]]:
    accepted = {name: st.sampled_from(p.valid) for name, p in listing.params.items() if p.valid}
    return st.lists(keyed(accepted), max_size=3)


# --- every edge value of every filter, below HTTP ----------------------------------------------

# Each FilterSet with the queryset it filters on its page (or, API only, in the API).
FILTERSETS = [
    (CityFilter, city_list),
    (NetworkFilter, network_list),
    (DeclarationFilter, declaration_list),
    (EventFilter, event_list),
    (PledgeFilter, pledge_list),
    (MembershipFilter, lambda: MembershipViewSet().get_list_queryset()),
    (SignatureFilter, lambda: SignatureViewSet().get_list_queryset()),
    (FrameworkFilter, lambda: FrameworkViewSet().get_list_queryset()),
    (ObjectiveFilter, lambda: ObjectiveViewSet().get_list_queryset()),
]


def filter_rows(filterset_class: type[django_filters.FilterSet], rows: Any, data: dict) -> None:
    """Validate ``data`` as the page and the API do and, if it passes, run the query."""
    filterset = filterset_class(data, queryset=rows)
    if filterset.is_valid():
        list(filterset.qs[:3])
    else:
        assert set(filterset.errors) <= set(data), filterset.errors


def timeline_rows(data: dict) -> None:
    form = TimelineForm(data)
    if form.is_valid():
        timeline(form.cleaned_data)
        declarations_per_year(timeline_declarations(form.cleaned_data))
    else:
        assert set(form.errors) <= set(data), form.errors


@pytest.mark.parametrize(("filterset_class", "rows"), FILTERSETS, ids=lambda v: v.__name__)
def test_every_filter_takes_every_edge_value(
    dataset: None, filterset_class: type[django_filters.FilterSet], rows: Any
) -> None:
    """Not drawn but listed, all of them, one filter at a time: a value that passes validation
    and then breaks the query (a year a date cannot hold, an empty sort key) cannot hide behind
    an unlucky draw. Cheap below HTTP; the properties above send drawn ones end to end."""
    queryset = rows()
    for name, f in filterset_class.base_filters.items():
        for value in param_of(f).edge:
            filter_rows(filterset_class, queryset, {name: value})


def test_every_timeline_field_takes_every_edge_value(dataset: None) -> None:
    for name, field in TimelineForm.base_fields.items():
        for value in param_of(field).edge:
            timeline_rows({name: value})


@fuzz(5)
@given(data=st.data())
def test_every_filter_takes_any_value(dataset: None, data: st.DataObject) -> None:
    """Drawn values for every filter of every FilterSet, one filter at a time."""
    for filterset_class, rows in FILTERSETS:
        queryset = rows()
        for name in filterset_class.base_filters:
            value = data.draw(any_text, label=f"{filterset_class.__name__}.{name}")
            filter_rows(filterset_class, queryset, {name: value})
    for name in TimelineForm.base_fields:
        timeline_rows({name: data.draw(any_text, label=f"timeline.{name}")})


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("listing", LISTINGS, ids=str)
@fuzz(2)
@given(data=st.data())
def test_every_parameter_takes_any_value(
    client: Client, dataset: None, listing: Listing, data: st.DataObject
) -> None:
    """Each parameter in turn gets an edge value beside accepted ones: a single refused value
    would stop the request before the others reach a query, so they are tried one at a time."""
    base = data.draw(valid_pairs(listing), label="accepted")
    for name, param in sorted(listing.params.items()):
        value = data.draw(param.edge_values(), label=name)
        query = urlencode([*base, (name, value)])
        check(listing, query, client.get(f"{listing.path}?{query}"))


@pytest.mark.parametrize("listing", LISTINGS, ids=str)
@fuzz(8)
@given(data=st.data())
def test_any_query_string_is_200_or_400(
    client: Client, dataset: None, listing: Listing, data: st.DataObject
) -> None:
    """Any mix: accepted and edge values, repeated and unknown keys, raw malformed escapes."""
    accepted = {name: st.sampled_from(p.valid) for name, p in listing.params.items() if p.valid}
    edges = {name: p.edge_values() for name, p in listing.params.items()}
    edges |= {name: COMMON[name].edge_values() for name in listing.ignored}
    pairs = weighted((2, keyed(accepted)), (1, keyed(edges)))
    query = data.draw(query_strings(pairs), label="query")
    check(listing, query, client.get(f"{listing.path}?{query}"))


@fuzz(15)
@given(data=st.data())
def test_the_moderation_queue_answers_200_whatever_the_query(
    client: Client, dataset: None, data: st.DataObject
) -> None:
    """The queue shows the nearest page for a bad ``page`` rather than an error."""
    client.force_login(moderator(username="fuzz-moderator"))
    pairs = keyed({name: COMMON[name].edge_values() for name in (*HTML_EXTRA, *HTML_IGNORED)})
    query = data.draw(query_strings(pairs), label="query")
    response = client.get(f"/moderation/?{query}")
    assert response.status_code == 200, response.content[:500]


# Cursor values of the wrong type or range for one sort key or another.
WRONG_VALUES = ["\x00", "x", "", "2019-12-16", "0001-01-01", 1.5, -(2**70), 2**70, True, "1e400"]


@pytest.fixture
def real_cursors(client: Client, dataset: None, resource: str) -> dict[str, tuple[dict, list]]:
    """Per sort key of ``resource`` (and its default order): the query of the second page and
    the values its cursor holds, as the API's own ``next`` link gives them."""
    filters = API_LISTS[resource].base_filters
    orderings = ["", *(filters["sort"].param_map if "sort" in filters else ())]
    found = {}
    for ordering in orderings:
        query = {"page_size": "1", **({api_name("sort"): ordering} if ordering else {})}
        first = client.get(f"/api/v1/{resource}/", query)
        assert first.status_code == 200, first.content
        link = first.json()["next"]
        assert link, "the dataset has two rows of every kind"
        sent = QueryDict(urlsplit(link).query).dict()
        found[ordering] = (sent, json.loads(base64.urlsafe_b64decode(sent["cursor"] + "==="))["v"])
    return found


@pytest.mark.parametrize("resource", list(API_LISTS))
@fuzz(2)
@given(data=st.data())
def test_api_cursors_with_forged_values_are_200_or_400(
    client: Client, real_cursors: dict, resource: str, data: st.DataObject
) -> None:
    """Real cursors, one per sort key, with one value at a time replaced by a value of the
    wrong type or range, or by any JSON: 200 (a page) or 400 naming the cursor."""
    value = weighted((3, st.sampled_from(WRONG_VALUES)), (1, json_scalars))
    for ordering, (sent, real) in real_cursors.items():
        for position in range(len(real)):
            forged = [*real]
            forged[position] = data.draw(value, label=f"{ordering or 'default'}[{position}]")
            direction = data.draw(st.sampled_from(["n", "p"]))
            payload = json.dumps({"d": direction, "v": forged}).encode()
            cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
            response = client.get(f"/api/v1/{resource}/", {**sent, "cursor": cursor})
            tally(f"HTTP {response.status_code}")
            assert response.status_code in {200, 400}, (response.status_code, response.content)
            if response.status_code == 400:
                assert list(response.json()["errors"]) == ["cursor"]
