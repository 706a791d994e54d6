"""Paging a long table: the keys-first paginator returns exactly what plain offsets return."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from networks.listing import KeysFirstPaginator, table_page
from networks.models import Membership
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships():
    network = NetworkFactory()
    for i in range(23):
        joined = dt.date(2015 + i % 4, 1, 1) if i % 5 else None  # many ties, some undated
        MembershipFactory(
            network=network,
            city=CityFactory(name=f"Town {i % 7}", country=["DE", "FR", "GH", "PE"][i % 4]),
            joined_on=joined,
            joined_on_precision="year" if joined else "",
        )
    return (
        Membership.objects.filter(network=network)
        .select_related("city", "source")
        .order_by(F("joined_on").asc(nulls_last=True), "city__name", "pk")
    )


@pytest.mark.parametrize("per_page", [1, 5, 10, 50])
def test_keys_first_pages_equal_offset_pages(memberships, per_page: int) -> None:
    plain, keyed = Paginator(memberships, per_page), KeysFirstPaginator(memberships, per_page)
    assert keyed.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(keyed.page(number)) == list(plain.page(number))


def test_a_keys_first_page_is_one_query_with_its_joins(memberships) -> None:
    page = KeysFirstPaginator(memberships, 5).page(3)
    with CaptureQueriesContext(connection) as ctx:
        names = [m.city.name for m in page]  # select_related kept: no query per row
    assert len(ctx) == 1
    assert len(names) == 5


def test_table_page_prefers_page_then_the_row_asked_for(memberships) -> None:
    ordered = list(memberships)

    def position(pk: str) -> int | None:
        pks = [m.pk for m in ordered]
        return pks.index(int(pk)) + 1 if pk.isdigit() and int(pk) in pks else None

    def shown(query: str) -> list[int]:
        request = RequestFactory().get("/x/", query)
        context = table_page(
            request, memberships, per_page=10, holding=position, holding_param="row"
        )
        return [m.pk for m in context["page_obj"]]

    pks = [m.pk for m in ordered]
    assert shown({}) == pks[:10]
    assert shown({"row": pks[15]}) == pks[10:20]
    assert shown({"row": pks[22]}) == pks[20:]
    assert shown({"row": "999999"}) == pks[:10]
    assert shown({"row": pks[22], "page": "1"}) == pks[:10]
    assert shown({"page": "nonsense"}) == pks[:10]
