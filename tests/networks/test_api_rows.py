"""Every API list is built from values() rows by a compiled plan (``networks.api_rows``): its
output must be exactly what the list's serializer gives for the same records."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from citydiplo.api import router
from networks.api_base import ReadOnlyApiViewSet
from networks.api_rows import UnsupportedField, compile_plan
from tests.test_query_budgets import build

pytestmark = pytest.mark.django_db

VIEWSETS = [
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if issubclass(viewset, ReadOnlyApiViewSet)
]


def serializer_output(viewset: type[ReadOnlyApiViewSet], ids: list) -> list[dict]:
    """What the list serializer makes of the listed records, as model instances."""
    request = Request(RequestFactory().get("/api/v1/"))
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
    queryset = view.get_queryset()
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids)}
    serializer = view.get_serializer_class()(
        [by_pk[pk] for pk in ids], many=True, context=view.get_serializer_context()
    )
    return serializer.data


@pytest.mark.parametrize(("prefix", "viewset"), VIEWSETS, ids=[p for p, _ in VIEWSETS])
def test_list_rows_equal_the_serializer(client, prefix: str, viewset) -> None:
    build(3)
    body = client.get(f"/api/v1/{prefix}/", {"page_size": 100}).json()
    rows = body["results"]
    assert rows, f"no {prefix} to compare"
    key = next(k for k in ("slug", "code", "id") if k in rows[0])
    model = viewset.serializer_class.Meta.model
    lookup = {"slug": "slug", "code": "code", "id": "pk"}[key]
    ids = [model._default_manager.get(**{lookup: row[key]}).pk for row in rows]
    expected = serializer_output(viewset, ids)
    assert [dict(row) for row in expected] == rows


def test_a_field_the_compiler_does_not_know_is_refused() -> None:
    from rest_framework import serializers

    from networks.models import City

    class Computed(serializers.ModelSerializer):
        shout = serializers.SerializerMethodField()

        class Meta:
            model = City
            fields = ["slug", "shout"]

        def get_shout(self, obj: City) -> str:
            return obj.name.upper()

    with pytest.raises(UnsupportedField, match="shout"):
        compile_plan(Computed, City)


@pytest.mark.parametrize(("prefix", "viewset"), VIEWSETS, ids=[p for p, _ in VIEWSETS])
def test_an_empty_filterset_changes_nothing(prefix: str, viewset) -> None:
    """The API skips the FilterSet when no filter parameter is given: that is only right while
    every filter passes an empty value through (a default sort, say, would break it)."""
    request = Request(RequestFactory().get("/api/v1/"))
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
    queryset = view.get_queryset()
    filtered = viewset.filterset_class(data={}, queryset=queryset, request=request).qs
    assert str(filtered.query) == str(queryset.query)


def detail_key(viewset, row: dict) -> tuple[str, object]:
    field = viewset.lookup_field
    return field, row["id" if field == "pk" else field]


@pytest.mark.parametrize(("prefix", "viewset"), VIEWSETS, ids=[p for p, _ in VIEWSETS])
def test_detail_equals_the_serializer(client, prefix: str, viewset) -> None:
    build(3)
    rows = client.get(f"/api/v1/{prefix}/", {"page_size": 100}).json()["results"]
    request = Request(RequestFactory().get("/api/v1/"))
    for row in rows:
        field, key = detail_key(viewset, row)
        body = client.get(f"/api/v1/{prefix}/{key}/").json()
        view = viewset(request=request, action="retrieve", format_kwarg=None, kwargs={})
        obj = view.get_queryset().get(**{field: key})
        expected = view.get_serializer_class()(obj, context=view.get_serializer_context()).data
        assert body == expected, f"{prefix}/{key}"
