"""Read serializers compiled into plain row builders over ``.values()``, for the API's lists.

A DRF serializer over model instances costs about ten times the SQL behind a page: every row
becomes a model instance, every field walks DRF's machinery, and every link is a ``reverse()``.
The serializers stay the contract (the schema is generated from them and the detail endpoints
use them); a ``RowPlan`` is what they compile to for lists and CSV:

- one ``.values()`` query over the listing's queryset, whose joins (``select_related``) and
  annotations it reuses, with a column for every model field the serializer shows, nested
  serializers of foreign keys included (``city__name``);
- one query per nested list (``many=True``: objectives, partner cities...) for the whole page,
  built from the listing's own ``Prefetch`` (its ordering and filters hold);
- each value still goes through the DRF field's own ``to_representation``, so dates, URLs left
  blank and other conversions come out exactly as the serializer would give them;
- links are filled into a template built once per process instead of ``reverse()`` per row.

A field the compiler does not understand raises ``UnsupportedField`` when the plan is built,
so a new serializer field cannot silently render differently; tests compare every list's rows
with the serializer's output for the same records.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import F, Model, Prefetch, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers

# Values no real key takes, matching any URL converter (int, slug, upper-case code).
_INT_SENTINEL = 987654321987
_TEXT_SENTINELS = ("zq0sentinel0qz", "ZQSENTINELQZ")
_KEY_NAMES = ("slug", "key", "code", "pk")


class UnsupportedField(TypeError):
    """A serializer field the row compiler cannot reproduce: extend the compiler (and its test)."""


# --- links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkTemplate:
    """A path with one key in it, e.g. ``/cities/`` + slug + ``/``: reverse() done once."""

    before: str
    after: str
    key: str  # the attribute the key is read from ("slug", "pk", "framework_id"...)

    def path(self, value: Any) -> str:
        return f"{self.before}{value}{self.after}"


def _template(build: Callable[[Any], str], key: str, numeric: bool) -> LinkTemplate:
    """Reverse once with a sentinel that fits the URL pattern's converter, then cut there."""
    sentinels: tuple[Any, ...] = (_INT_SENTINEL,) if numeric else _TEXT_SENTINELS
    for sentinel in sentinels:
        try:
            path = build(sentinel)
        except NoReverseMatch:
            continue
        before, found, after = path.partition(str(sentinel))
        if found and str(sentinel) not in after:
            return LinkTemplate(before, after, key)
    raise UnsupportedField(f"Cannot make a link template for the key {key!r}")


def _is_numeric(model: type[Model], attribute: str) -> bool:
    name = model._meta.pk.name if attribute == "pk" else attribute
    return model._meta.get_field(name).get_internal_type().endswith(("IntegerField", "AutoField"))


@cache
def api_link(model: type[Model], view_name: str, lookup: str, kwarg: str) -> LinkTemplate:
    def build(value: Any) -> str:
        return reverse(f"api:{view_name}", kwargs={kwarg: value})

    return _template(build, lookup, _is_numeric(model, lookup))


@cache
def html_link(model: type[Model]) -> LinkTemplate:
    """``get_absolute_url()`` as a template: it must depend on one key (slug, key, code or pk)."""
    fields = {f.name for f in model._meta.concrete_fields}
    for key in _KEY_NAMES:
        if key != "pk" and key not in fields:
            continue
        numeric = _is_numeric(model, key)

        def build(value: Any, key: str = key) -> str:
            stub = model(**{key: value})
            return stub.get_absolute_url()

        try:
            template = _template(build, key, numeric)
        except (UnsupportedField, AttributeError, ValueError, TypeError):
            continue
        except Exception as error:  # e.g. the URL needs a related record
            raise UnsupportedField(
                f"{model.__name__}.get_absolute_url() needs more than a key"
            ) from error
        return template
    raise UnsupportedField(f"{model.__name__}.get_absolute_url() has no single-key template")


class DerivedField(serializers.CharField):
    """A read-only value computed in Python from one column (a model property such as a city's
    world region, derived from its country): the serializer reads the property, a row plan
    reads ``column`` and calls ``compute`` on it."""

    def __init__(self, *, column: str, compute: Callable[[Any], Any], **kwargs: Any) -> None:
        self.column, self.compute = column, compute
        kwargs["read_only"] = True
        super().__init__(**kwargs)


# --- plans ----------------------------------------------------------------------------------


@dataclass
class _Column:
    name: str  # the output key
    path: str  # the values() column it is read from
    to_representation: Callable[[Any], Any] | None  # None: the value is output as it is


@dataclass
class _Link:
    name: str
    template: LinkTemplate
    path: str


@dataclass
class _Nested:
    name: str
    plan: ObjectPlan
    null_path: str | None  # the foreign key column: None in it means the whole object is null


@dataclass
class _Many:
    name: str
    plan: ObjectPlan
    queryset: QuerySet  # the related rows, with the listing's ordering and filters
    parent_path: str  # the column of the related rows naming their parent row
    parent_key: str  # the parent's column that names it ("pk", or the FK's to_field)


@dataclass
class ObjectPlan:
    """How one serializer's output is built from a row of ``values()`` (with ``prefix``)."""

    order: list[str] = field(default_factory=list)
    columns: list[_Column] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)  # api_url / html_url
    nested: list[_Nested] = field(default_factory=list)
    many: list[_Many] = field(default_factory=list)
    key_path: str = "pk"

    def paths(self) -> list[str]:
        own = [c.path for c in self.columns] + [link.path for link in self.links]
        own += [rel.parent_key for rel in self.many]
        for nested in self.nested:
            own += [nested.null_path] if nested.null_path else []
            own += nested.plan.paths()
        return list(dict.fromkeys([self.key_path, *own] if self.key_path else own))

    def build(self, row: dict[str, Any], many: dict[str, dict[Any, list[dict]]], base: str) -> dict:
        out: dict[str, Any] = {}
        for column in self.columns:
            value = row[column.path]
            if value is not None and column.to_representation is not None:
                value = column.to_representation(value)
            out[column.name] = value
        for link in self.links:
            out[link.name] = base + link.template.path(row[link.path])
        for nested in self.nested:
            if nested.null_path is not None and row[nested.null_path] is None:
                out[nested.name] = None
            else:
                out[nested.name] = nested.plan.build(row, many, base)
        for rel in self.many:
            out[rel.name] = many[rel.name].get(row[rel.parent_key], [])
        return {name: out[name] for name in self.order}


# DRF fields that hand a value of the database's own type back unchanged (values() already
# gives str, int, bool): calling them per cell would only cost time.
_PASS_THROUGH = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
    serializers.ReadOnlyField,
)


def _representation(drf_field: serializers.Field) -> Callable[[Any], Any] | None:
    if type(drf_field) in _PASS_THROUGH:
        return None
    return drf_field.to_representation


def _source_path(model: type[Model], attrs: Sequence[str]) -> str:
    """``country.code`` of a CountryField is its stored code; other dotted sources follow
    relations. ``*_id`` attributes are the key column itself."""
    parts: list[str] = []
    current: type[Model] | None = model
    for attr in attrs:
        if current is None:
            if attr == "code":  # django-countries' Country object: the stored code
                break
            raise UnsupportedField(f"Cannot read {'.'.join(attrs)} from values()")
        try:
            model_field = current._meta.get_field(attr)
        except Exception:
            # an annotation or an attribute name (framework_id is the FK's column)
            parts.append(attr)
            current = None
            continue
        parts.append(attr)
        current = model_field.related_model if model_field.is_relation else None
    return LOOKUP_SEP.join(parts)


def _prefetch_for(queryset: QuerySet, name: str) -> tuple[str, QuerySet | None]:
    """The relation behind a nested list and the listing's queryset for it: a ``Prefetch``
    may fetch ``pledges`` into ``published_pledges`` with its own filter and order."""
    for lookup in queryset._prefetch_related_lookups:
        if isinstance(lookup, Prefetch) and lookup.prefetch_to == name:
            return lookup.prefetch_through, lookup.queryset
    return name, None


def compile_plan(
    serializer_class: type[serializers.Serializer],
    model: type[Model],
    queryset: QuerySet | None = None,
    prefix: str = "",
) -> ObjectPlan:
    """The row plan of ``serializer_class`` for rows of ``model``; ``queryset`` (the listing's)
    supplies the ordering and filters of nested lists."""
    serializer = serializer_class()
    plan = ObjectPlan(order=list(serializer.fields), key_path=f"{prefix}pk")
    for name, drf_field in serializer.fields.items():
        if isinstance(drf_field, serializers.ListSerializer):
            if prefix:  # the rows of a nested object are not fetched on their own
                raise UnsupportedField(f"Nested list {name} inside a nested object")
            _add_many(plan, name, drf_field, model, queryset)
        elif isinstance(drf_field, serializers.Serializer):
            relation = model._meta.get_field(drf_field.source)
            child = compile_plan(
                type(drf_field), relation.related_model, prefix=f"{prefix}{drf_field.source}__"
            )
            null_path = f"{prefix}{relation.attname}" if relation.null else None
            plan.nested.append(_Nested(name, child, null_path))
        elif hasattr(drf_field, "row_link"):  # api_url, html_url: see networks.api
            template = drf_field.row_link(model)
            plan.links.append(_Link(name, template, f"{prefix}{template.key}"))
        elif isinstance(drf_field, DerivedField):
            path = prefix + _source_path(model, drf_field.column.split("."))
            plan.columns.append(_Column(name, path, drf_field.compute))
        elif drf_field.source == "*" or isinstance(
            drf_field, serializers.SerializerMethodField | serializers.RelatedField
        ):
            # computed from the whole object: only the serializer knows how
            raise UnsupportedField(f"{serializer_class.__name__}.{name}: {type(drf_field)}")
        else:  # one attribute: its column, converted by the field itself
            path = prefix + _source_path(model, drf_field.source_attrs)
            plan.columns.append(_Column(name, path, _representation(drf_field)))
    if not prefix or plan.many:
        plan.key_path = f"{prefix}pk"
    else:
        plan.key_path = ""
    return plan


def _add_many(
    plan: ObjectPlan,
    name: str,
    drf_field: serializers.ListSerializer,
    model: type[Model],
    queryset: QuerySet | None,
) -> None:
    base = queryset if queryset is not None else model._default_manager.all()
    relation_name, related = _prefetch_for(base, drf_field.source)
    relation = model._meta.get_field(relation_name)
    related_model = relation.related_model
    child = compile_plan(type(drf_field.child), related_model)
    if related is None:
        related = related_model._default_manager.all()
    if relation.many_to_many or relation.one_to_many:
        # the name the related rows use for this model (pledges for Pledge.objectives)
        if relation.many_to_many and not relation.auto_created:
            parent_path = relation.related_query_name()
        elif relation.many_to_many:
            parent_path = relation.field.name
        else:
            parent_path = relation.field.attname
    else:
        raise UnsupportedField(f"{name}: not a to-many relation")
    parent_key = "pk"
    if relation.one_to_many:  # a foreign key may point at another unique column (a code)
        target = relation.field.target_field
        parent_key = "pk" if target.primary_key else target.attname
    plan.many.append(_Many(name, child, related, parent_path, parent_key))


class RowPlan:
    """A compiled list serializer: ``values_queryset()`` selects the columns, ``render()``
    turns a page of those rows (and the nested lists, one query each) into the output."""

    def __init__(self, serializer_class: type[serializers.Serializer], queryset: QuerySet) -> None:
        self.model = queryset.model
        self.plan = compile_plan(serializer_class, self.model, queryset)

    def values_queryset(self, queryset: QuerySet, extra: Iterable[str] = ()) -> QuerySet:
        paths = list(dict.fromkeys([*self.plan.paths(), *extra]))
        return queryset.prefetch_related(None).values(*paths)

    def render(self, rows: Sequence[dict[str, Any]], base: str) -> list[dict[str, Any]]:
        return _render(self.plan, rows, base)

    def render_iter(
        self, rows: Iterable[dict[str, Any]], base: str, chunk: int = 500
    ) -> Iterator[dict]:
        """Rows streamed in chunks (CSV of a whole table): one query per nested list a chunk."""
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, chunk)):
            yield from self.render(batch, base)


_PARENT = "_parent_key"


def _render(plan: ObjectPlan, rows: Sequence[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    """Build ``rows``; each nested list costs one query for all of them (and its own nested
    lists one more each), whatever the number of rows."""
    many: dict[str, dict[Any, list[dict]]] = {}
    if plan.many:
        for rel in plan.many:
            keys = list(dict.fromkeys(row[rel.parent_key] for row in rows))
            grouped: dict[Any, list[dict]] = {key: [] for key in keys}
            if keys:
                children = list(
                    rel.queryset.filter(**{f"{rel.parent_path}__in": keys})
                    .annotate(**{_PARENT: F(rel.parent_path)})
                    .values(_PARENT, *rel.plan.paths())
                )
                for raw, built in zip(children, _render(rel.plan, children, base), strict=True):
                    grouped[raw[_PARENT]].append(built)
            many[rel.name] = grouped
    return [plan.build(row, many, base) for row in rows]


_PLANS: dict[tuple[type, type], RowPlan] = {}


def row_plan(
    serializer_class: type[serializers.Serializer], view_class: type, queryset: QuerySet
) -> RowPlan:
    """The plan of a view's list, compiled on its first request: the view's listing queryset
    (hence its prefetches) is the same for every request."""
    key = (serializer_class, view_class)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = RowPlan(serializer_class, queryset)
    return plan
