"""What every endpoint of the API shares: strict query parameters, keyset pagination, CSV
and one error shape; for writes, strict JSON bodies and the services' errors as 400s.

It sits at the bottom of the import chain (like ``listing.py``) so that each app's ``api.py``
behaves the same way: the FilterSet of the HTML listing filters the API list too, a parameter
the endpoint does not know is an error rather than silently ignored, pages are cut by keyset
(a deep page costs what the first one costs), and ``?format=csv`` streams every filtered row.
A write body is held to the same standard: a key the endpoint does not know is an error, JSON
types are checked strictly, and the business rules stay in each app's services, whose
``ValidationError`` becomes the same ``{"detail", "errors"}`` answer.
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import reduce
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import humanize_datetime
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from networks.api_json import JSONRenderer
from networks.api_rows import RowPlan, row_plan
from networks.api_schema import FORMAT_PARAM, RENAMED, ErrorSerializer, api_name
from networks.history import Version, public_history, tracked_fields
from networks.listing import EchoWriter, safe_cell

SLUG_REGEX = "[a-z0-9]+(?:-[a-z0-9]+)*"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

PAGINATION_PARAMS = ("page_size", "cursor", "count")


@csrf_exempt  # it changes nothing: a POST to a wrong address is a 404, not a CSRF failure page
def not_found(request: Any, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/ that names no endpoint: a JSON 404 like every other API error."""
    return JsonResponse({"detail": str(_("No such endpoint in this API."))}, status=404)


class ParameterError(exceptions.ValidationError):
    """A query parameter the endpoint does not accept: always HTTP 400, naming the parameter."""

    default_detail = _("Invalid query parameters.")


def parameter_error(name: str, message: str) -> ParameterError:
    return ParameterError({name: [message]})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error has the same shape: ``{"detail": "...", "errors": {"name": ["message"]}}``
    (``errors`` only for validation errors, each a flat list of strings under the query
    parameter, body field or header it is about), and is JSON even when CSV was asked for."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(validation_summary(exc)),
            "errors": flat_errors(response.data),
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
    return response


def validation_summary(exc: exceptions.ValidationError) -> str:
    """The one-sentence ``detail`` of a 400: a subclass names what was invalid (query parameters,
    a header); a plain ValidationError is about the request body."""
    summary = type(exc).default_detail
    if summary is exceptions.ValidationError.default_detail:
        return _("Invalid data.")
    return summary


def flat_errors(data: Any) -> dict[str, list[str]]:
    """Errors as ``{name: [message, ...]}``: nested errors (an item of a list, a key of an
    object) become messages prefixed with where they are, e.g. ``"2: A valid integer..."``."""
    if not isinstance(data, Mapping):
        data = {api_settings.NON_FIELD_ERRORS_KEY: data}

    def messages(value: Any, prefix: str = "") -> list[str]:
        if isinstance(value, Mapping):
            return [m for key, inner in value.items() for m in messages(inner, f"{prefix}{key}: ")]
        if isinstance(value, list | tuple):
            return [m for inner in value for m in messages(inner, prefix)]
        return [f"{prefix}{value}"]

    return {str(name): messages(value) for name, value in data.items()}


# --- filtering --------------------------------------------------------------------------------


class ApiFilterBackend(DjangoFilterBackend):
    """The listing's FilterSet, reached under the API's parameter names (search, ordering).

    Invalid values raise a 400 that names the parameter as the client spelt it.
    """

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: Any) -> dict:
        data = {
            RENAMED.get(name, name): value
            for name, value in request.query_params.items()
            if name not in PAGINATION_PARAMS and name != FORMAT_PARAM
        }
        return {"data": data, "queryset": queryset, "request": request}

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        if not any(
            name not in PAGINATION_PARAMS and name != FORMAT_PARAM for name in request.query_params
        ):
            # No filter asked for: a FilterSet would only build its form (hundreds of country
            # choices) to change nothing, since every filter passes an empty value through.
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ParameterError(
                {api_name(name): list(errors) for name, errors in filterset.errors.items()}
            )
        return filterset.qs


def filter_parameter_names(view: Any) -> set[str]:
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return set()
    return {api_name(name) for name in filterset_class.base_filters}


# --- keyset pagination ------------------------------------------------------------------------


def ordering_keys(queryset: QuerySet) -> list[tuple[str, bool]]:
    """The queryset's ordering as (field path, descending) pairs, ending on the primary key."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys: list[tuple[str, bool]] = []
    for item in order:
        if isinstance(item, str):
            name, descending = item.lstrip("-"), item.startswith("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
        elif isinstance(item, F):
            name, descending = item.name, False
        else:  # pragma: no cover - every listing orders by plain fields
            raise TypeError(f"Cannot page by {item!r}")
        if name in ("pk", queryset.model._meta.pk.name):
            keys.append(("pk", descending))
            break  # the primary key is unique: nothing after it changes the order
        field = _model_field(queryset.model, name)
        if field is not None and field.many_to_one and "__" not in name:
            name = field.attname  # the key column itself, not the related row
        keys.append((name, descending))
    if not keys or keys[-1][0] != "pk":
        keys.append(("pk", False))
    return keys


def _model_field(model: type[Model], path: str) -> Any:
    """The model field at the end of ``path`` (``city__name``), or None for an annotation."""
    if path == "pk":
        return model._meta.pk
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model or model
    return field


def _value_of(row: Model | dict[str, Any], path: str) -> Any:
    if isinstance(row, dict):  # a row of values() (see api_rows)
        return row[path]
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part) if value is not None else None
    return value


class KeysetPagination(BasePagination):
    """Pages cut by the values of the last row seen, not by an offset.

    The cursor is opaque to clients (base64 of the sort-key values of the row it starts after),
    so page 1000 costs what page 1 costs and rows inserted meanwhile neither repeat nor vanish.
    NULLs sort last in both directions, on every database, so the cursor means the same
    everywhere. ``count=true`` adds the total, which costs a COUNT over the filtered rows.
    """

    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    count_query_param = "count"

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Model]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.count = self.get_count(queryset, request)
        keys = ordering_keys(queryset)
        cursor = self.decode_cursor(request, queryset.model, keys, queryset.query.annotations)
        backwards = cursor is not None and cursor[0] == "p"
        ordering = [self.order_expression(name, desc, backwards) for name, desc in keys]
        queryset = queryset.order_by(*ordering)
        if cursor is not None:
            queryset = queryset.filter(self.beyond(queryset.model, keys, cursor[1], backwards))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.next_url = self.link(rows[-1], keys, "n") if rows and self.has_next else None
        self.previous_url = self.link(rows[0], keys, "p") if rows and self.has_previous else None
        if not rows and cursor is not None:
            # Past either end (the rows it pointed at were deleted): offer the way back.
            self.previous_url = remove_query_param(request.build_absolute_uri(), "cursor")
        return rows

    @staticmethod
    def order_expression(name: str, descending: bool, backwards: bool) -> OrderBy:
        if backwards:  # the exact mirror of "NULLS LAST" in the forward direction
            return F(name).asc(nulls_first=True) if descending else F(name).desc(nulls_first=True)
        return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)

    @staticmethod
    def beyond(
        model: type[Model], keys: Sequence[tuple[str, bool]], values: list[Any], backwards: bool
    ) -> Q:
        """Rows after (or, going backwards, before) the row whose sort keys are ``values``."""
        parts: list[Q] = []
        same = Q()
        for (name, descending), value in zip(keys, values, strict=True):
            field = _model_field(model, name)
            nullable = field is not None and field.null
            if value is None:
                step = Q(**{f"{name}__isnull": False}) if backwards else None
                equal = Q(**{f"{name}__isnull": True})
            else:
                later = "lt" if descending else "gt"
                earlier = "gt" if descending else "lt"
                step = Q(**{f"{name}__{earlier if backwards else later}": value})
                if nullable and not backwards:
                    step |= Q(**{f"{name}__isnull": True})
                equal = Q(**{name: value})
            if step is not None:
                parts.append(same & step)
            same &= equal
        if not parts:
            return Q(pk__in=[])
        beyond = reduce(operator.or_, parts)
        (name, descending), value = keys[0], values[0]
        field = _model_field(model, name)
        if value is not None and (field is None or not field.null):
            # Implied by the OR above, but stated on its own it is an index range: the database
            # starts reading at the cursor instead of filtering every row before it.
            lookup = "lte" if descending != backwards else "gte"
            beyond &= Q(**{f"{name}__{lookup}": value})
        return beyond

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            raise parameter_error("page_size", str(_("Enter a whole number."))) from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise parameter_error(
                "page_size",
                str(_("Must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}),
            )
        return size

    def wants_count(self, request: Request) -> bool:
        raw = request.query_params.get(self.count_query_param)
        if raw not in (None, "", "true", "false"):
            raise parameter_error("count", str(_("Use true or false.")))
        return raw == "true"

    def get_count(self, queryset: QuerySet, request: Request) -> int | None:
        return queryset.order_by().count() if self.wants_count(request) else None

    def validate(self, queryset: QuerySet, request: Request) -> None:
        """Check the paging parameters without running a query (for CSV, which ignores them
        but must not accept what the contract forbids)."""
        self.get_page_size(request)
        self.wants_count(request)
        self.decode_cursor(
            request, queryset.model, ordering_keys(queryset), queryset.query.annotations
        )

    def decode_cursor(
        self,
        request: Request,
        model: type[Model],
        keys: Sequence[tuple[str, bool]],
        annotations: Mapping[str, Any] | None = None,
    ) -> tuple[str, list[Any]] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        invalid = parameter_error(
            "cursor", str(_("Invalid cursor: use the next or previous link as given."))
        )
        try:
            payload = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
            direction, values = payload["d"], payload["v"]
            if direction not in ("n", "p") or len(values) != len(keys):
                raise invalid
            converted = []
            for (name, _desc), value in zip(keys, values, strict=True):
                field = _model_field(model, name)
                if field is None and annotations and name in annotations:
                    # A sort key the query computes (a count, a coalesced date): its output field
                    # reads the value, so a forged "n_members": "x" is this 400, not a 500 when
                    # the filter is built. (Found by tests/test_filter_properties.py.)
                    field = annotations[name].output_field
                if isinstance(value, str) and "\x00" in value:
                    # PostgreSQL refuses NUL in a query parameter (and stores none, so no real
                    # cursor holds one): a forged cursor, not a 500.
                    raise invalid
                if value is not None and field is not None:
                    value = field.to_python(value)
                elif value is not None and not isinstance(value, int | float | str):
                    raise invalid
                converted.append(value)
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as error:
            raise invalid from error
        except Exception as error:  # field.to_python raises Django's ValidationError
            if isinstance(error, exceptions.APIException):
                raise
            raise invalid from error
        return direction, converted

    def link(self, row: Model, keys: Sequence[tuple[str, bool]], direction: str) -> str:
        values = [_value_of(row, name) for name, _desc in keys]
        payload = json.dumps({"d": direction, "v": values}, cls=DjangoJSONEncoder)
        cursor = base64.urlsafe_b64encode(payload.encode()).decode("ascii").rstrip("=")
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)

    def get_paginated_response(self, data: list[dict]) -> Response:
        body: dict[str, Any] = {}
        if self.count is not None:
            body["count"] = self.count
        body.update(results=data, next=self.next_url, previous=self.previous_url)
        links = [f'<{url}>; rel="{rel}"' for url, rel in ((self.next_url, "next"),) if url]
        if self.previous_url:
            links.append(f'<{self.previous_url}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else None
        return Response(body, headers=headers)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["results", "next", "previous"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Number of matching rows; present only with count=true.",
                },
                "results": schema,
                "next": {**link, "description": "The next page, or null on the last one."},
                "previous": {**link, "description": "The previous page, or null on the first."},
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Rows per page ({DEFAULT_PAGE_SIZE} if not given).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Opaque position: take it from the next/previous links.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
            },
            {
                "name": "count",
                "in": "query",
                "required": False,
                "description": "true adds the number of matching rows to the response.",
                "schema": {"type": "boolean"},
            },
        ]


# --- CSV --------------------------------------------------------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    """Lets content negotiation accept ``?format=csv``; lists stream their own response."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        return "".join(csv_lines(rows, list(rows[0]) if rows else []))


def flat_value(value: Any) -> str:
    """One CSV cell for a JSON value: related records by their key, lists joined by "; "."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("slug", "code", "key", "id"):
            if key in value:
                return str(value[key])
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "; ".join(flat_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_lines(rows: Iterable[dict], columns: Sequence[str]) -> Iterator[str]:
    """A header row, then one line per row; formula-like cells are defused for spreadsheets."""
    writer = csv.writer(EchoWriter())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([safe_cell(flat_value(row.get(name))) for name in columns])


# --- serializers ------------------------------------------------------------------------------


class OptionalURLField(serializers.URLField):
    """A URL column left blank is ``null`` in JSON, not an empty string posing as a URL."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class ApiSerializer(serializers.ModelSerializer):
    # Read-only rows of the API: URL columns are absolute URLs or null. (A comment, not a
    # docstring: the schema would print it as the description of every serializer without one.)

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.URLField):
            field_class = OptionalURLField
            kwargs.update(allow_null=True, read_only=True)
            kwargs.pop("allow_blank", None)
        return field_class, kwargs


# --- history --------------------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's name as in the record's detail.")
    old = serializers.JSONField(allow_null=True, help_text="Its value before (null if none).")
    new = serializers.JSONField(allow_null=True, help_text="Its value after.")


class VersionSerializer(serializers.Serializer):
    date = serializers.DateTimeField(help_text="When the version was recorded.")
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    changes = ChangeSerializer(many=True)


class HistorySerializer(serializers.Serializer):
    results = VersionSerializer(many=True)


def _public_key(model: type[Model]) -> str:
    names = {field.name for field in model._meta.get_fields()}
    return next((name for name in ("slug", "key", "code") if name in names), "pk")


def name_related_records(model: type[Model], versions: list[dict]) -> None:
    """Replace foreign-key ids in history changes by the related records' public keys.

    One query per related model, whatever the number of versions.
    """
    relations = {
        field.name: field
        for field in model._meta.concrete_fields
        if field.many_to_one and field.target_field.primary_key
    }
    wanted: dict[str, set[Any]] = {}
    for version in versions:
        for change in version["changes"]:
            if change["field"] in relations:
                wanted.setdefault(change["field"], set()).update(
                    value for value in (change["old"], change["new"]) if value is not None
                )
    names: dict[str, dict[Any, Any]] = {}
    for field_name, ids in wanted.items():
        related = relations[field_name].related_model
        key = _public_key(related)
        names[field_name] = dict(related._base_manager.filter(pk__in=ids).values_list("pk", key))
    for version in versions:
        for change in version["changes"]:
            if change["field"] in names:
                known = names[change["field"]]
                for side in ("old", "new"):
                    if change[side] is not None:
                        change[side] = known.get(change[side], change[side])


# --- writes ---------------------------------------------------------------------------------


class WritePermission(permissions.IsAuthenticatedOrReadOnly):
    """Anyone reads; writing needs a user: a signed-in session or a token issued to a user.

    Anonymous writes are 401 (with ``WWW-Authenticate``); a partner token issued to no user
    authenticates but reads only, so its writes are 403. What the user may write is the
    services' business, not this class's.
    """

    message = _(
        "Writing needs a user account: sign in, or send a token issued to a user. Partner "
        "tokens without a user can only read."
    )


class Conflict(exceptions.APIException):
    """The record changed under the request (e.g. someone else moved it first): retry after
    reloading it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record has just changed; reload it and try again.")
    default_code = "conflict"


def api_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as the API names it: ``__all__`` is ``non_field_errors``."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: list(messages)
        for name, messages in errors.items()
    }


@contextmanager
def service_errors(*, conflicts: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Run a service call: its ValidationError is a 400 naming the fields (or a 409 for the
    ``conflicts`` it raises for races); its PermissionDenied is DRF's 403 already."""
    try:
        yield
    except DjangoValidationError as exc:
        if conflicts and isinstance(exc, conflicts):
            raise Conflict(" ".join(exc.messages)) from exc
        raise exceptions.ValidationError(api_errors(exc)) from exc


class JsonTypeMixin:
    """JSON values of the field's own type only: DRF would read ``"true"`` as a boolean, ``5``
    as the string ``"5"`` or ``"5"`` as a number; a typed API says no instead."""

    json_types: tuple[type, ...] = (str,)
    default_error_messages = {"wrong_type": _("Not a valid string.")}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) != (bool in self.json_types) or not isinstance(
            data, self.json_types
        ):
            self.fail("wrong_type")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(JsonTypeMixin, serializers.CharField):
    pass


class StrictURLField(JsonTypeMixin, serializers.URLField):
    pass


class StrictBooleanField(JsonTypeMixin, serializers.BooleanField):
    json_types = (bool,)
    default_error_messages = {"wrong_type": _("Must be a valid boolean.")}


class StrictIntegerField(JsonTypeMixin, serializers.IntegerField):
    json_types = (int,)
    default_error_messages = {"wrong_type": _("A valid integer is required.")}


class StrictChoiceField(JsonTypeMixin, serializers.ChoiceField):
    pass


class StrictRegexField(JsonTypeMixin, serializers.RegexField):
    pass


class StrictDateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):  # DRF would take a date object; JSON has only strings
            formats = getattr(self, "input_formats", api_settings.DATE_INPUT_FORMATS)
            self.fail("invalid", format=humanize_datetime.date_formats(formats))
        return super().to_internal_value(value)


def _key_field(key: str) -> serializers.Field:
    if key == "pk":
        return StrictIntegerField(min_value=1, max_value=2**63 - 1)
    return StrictRegexField(rf"^{SLUG_REGEX}$", max_length=200)


def _unknown(model: type[Model], key: str, values: Sequence[Any]) -> str:
    name = model._meta.verbose_name
    what = "id" if key == "pk" else key
    return str(
        _("No %(model)s with the %(key)s %(values)s.")
        % {"model": name, "key": what, "values": ", ".join(f"“{v}”" for v in values)}
    )


class RelatedKeyField(serializers.Field):
    """One related record, named as the read API names it (its slug, or id), or null."""

    def __init__(self, *, queryset: QuerySet, key: str = "slug", **kwargs: Any) -> None:
        self.queryset, self.key = queryset, key
        self.key_field = _key_field(key)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        value = self.key_field.run_validation(data)
        found = self.queryset.filter(**{self.key: value}).first()
        if found is None:
            raise serializers.ValidationError(_unknown(self.queryset.model, self.key, [value]))
        return found

    def to_representation(self, value: Model) -> Any:
        return getattr(value, self.key)


class RelatedKeysField(serializers.ListField):
    """Related records named by their slug (or id), all looked up in one query, whatever the
    number of them; repeats count once. Unknown ones are named in the error."""

    def __init__(self, *, queryset: QuerySet, key: str = "slug", **kwargs: Any) -> None:
        self.queryset, self.key = queryset, key
        kwargs.setdefault("max_length", 100)
        super().__init__(child=_key_field(key), **kwargs)

    def to_internal_value(self, data: Any) -> list[Model]:
        values = list(dict.fromkeys(super().to_internal_value(data)))
        if not values:
            return []
        found = {
            getattr(row, self.key): row
            for row in self.queryset.filter(**{f"{self.key}__in": values})
        }
        missing = [value for value in values if value not in found]
        if missing:
            raise serializers.ValidationError(_unknown(self.queryset.model, self.key, missing))
        return [found[value] for value in values]

    def to_representation(self, data: Any) -> list[Any]:
        return [getattr(row, self.key) for row in data]


class StrictInputSerializer(serializers.Serializer):
    """A request body: a JSON object whose keys the endpoint all knows (like the query
    parameters, a misspelt key is a 400 naming it rather than silently ignored)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            accepted = sorted(name for name, field in self.fields.items() if not field.read_only)
            unknown = sorted(set(data) - set(accepted))
            if unknown:
                message = str(
                    _("Unknown field. Accepted here: %(names)s.")
                    % {"names": ", ".join(accepted) or _("none (send no body)")}
                )
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


def validated_body(
    serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """The request's JSON body checked by ``serializer_class``; 400 if it does not pass."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- viewsets ---------------------------------------------------------------------------------


class ReadOnlyApiViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only resource: strict parameters, keyset pages, JSON by default, CSV for lists.

    Subclasses name ``filterset_class``, ``serializer_class`` (the list row) and
    ``detail_serializer_class`` and implement ``get_list_queryset`` / ``get_detail_queryset``
    with the model's named read methods, so no serializer triggers a query.
    """

    filter_backends = [ApiFilterBackend]
    pagination_class = KeysetPagination
    lookup_value_regex = "[0-9]+"  # ids; resources with slugs override it
    renderer_classes = [JSONRenderer, CSVRenderer]
    detail_serializer_class: type | None = None
    csv_filename = "export.csv"

    def get_list_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_detail_queryset(self) -> QuerySet:
        return self.get_list_queryset()

    def get_queryset(self) -> QuerySet:
        if self.action == "list":
            return self.get_list_queryset()
        if self.action == "history":
            return self.get_history_queryset()
        return self.get_detail_queryset()

    def get_history_queryset(self) -> QuerySet:
        """Which records have a public history: those the list shows (published pledges)."""
        return self.get_list_queryset()

    # --- history ------------------------------------------------------------------------------

    def history_fields(self) -> list[str]:
        """The public fields of a record's history: the model fields its detail shows."""
        serializer = (self.detail_serializer_class or self.serializer_class)()
        tracked = tracked_fields(self.get_list_queryset().model)
        shown = {field.source.split(".")[0] for field in serializer.fields.values()}
        return [name for name in tracked if name in shown]

    def public_versions(self, obj: Model) -> list[Version]:
        return public_history(obj, fields=self.history_fields())

    @extend_schema(
        responses={
            200: HistorySerializer,
            **dict.fromkeys((400, 401, 404, 429), ErrorSerializer),
        },
        description=(
            "Dated versions of the record, newest first (at most 100), each with the public "
            "fields that changed and their values before and after. Related records are named "
            "by their slug (or key/code). Who edited is not published."
        ),
    )
    @action(detail=True, url_path="history")
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        versions = [version.as_dict() for version in self.public_versions(obj)]
        name_related_records(type(obj), versions)
        return Response({"results": versions})

    def get_serializer_class(self) -> type:
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def allowed_query_params(self) -> set[str]:
        if self.action == "list":
            return {*filter_parameter_names(self), *PAGINATION_PARAMS, FORMAT_PARAM}
        return {FORMAT_PARAM}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = request.method.lower()
        if method not in self.action_map and method not in ("head", "options"):
            # A read-only resource: say so (405) before asking who the client is (401/403).
            raise exceptions.MethodNotAllowed(request.method)
        fmt = request.query_params.get(FORMAT_PARAM)
        offered = ("json", "csv") if self.action == "list" else ("json",)
        if fmt is not None and fmt not in offered:  # checked before DRF picks a renderer
            raise parameter_error(
                FORMAT_PARAM, str(_("Offered here: %(formats)s.") % {"formats": ", ".join(offered)})
            )
        super().initial(request, *args, **kwargs)
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = str(
                _("Unknown query parameter. Accepted here: %(names)s.")
                % {"names": ", ".join(sorted(allowed))}
            )
            raise ParameterError({name: [message] for name in unknown})
        empty = sorted(name for name, value in request.query_params.items() if value == "")
        if empty:
            message = str(_("Empty value: give one or leave the parameter out."))
            raise ParameterError({name: [message] for name in empty})

    def row_plan(self, queryset: QuerySet) -> RowPlan:
        """The list serializer compiled to a values() plan (see ``api_rows``)."""
        return row_plan(self.get_serializer_class(), type(self), queryset)

    def link_base(self) -> str:
        """Scheme and host that links are prefixed with (what build_absolute_uri would add)."""
        return self.request.build_absolute_uri("/")[:-1]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.accepted_renderer.format == "csv":
            return self.csv_list(request)
        queryset = self.filter_queryset(self.get_queryset())
        plan = self.row_plan(queryset)
        keys = [name for name, _desc in ordering_keys(queryset)]
        rows = self.paginate_queryset(plan.values_queryset(queryset, extra=keys))
        return self.get_paginated_response(plan.render(rows, self.link_base()))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The detail from values() rows too: a network with thousands of members costs one
        # query per nested list, not a model instance and a serializer per member. (A comment:
        # the schema would take a docstring as every detail endpoint's description.)
        queryset = self.get_queryset()
        obj = self.lookup_object(queryset)
        plan = self.row_plan(queryset)
        rows = list(plan.values_queryset(queryset.filter(pk=obj.pk)))
        return Response(plan.render(rows, self.link_base())[0])

    def lookup_object(self, queryset: QuerySet) -> Model:
        """The record the URL names, without its joins (404 if there is none), and the check
        that the client may see it (``has_object_permission``)."""
        kwarg = self.lookup_url_kwarg or self.lookup_field
        lean = queryset.select_related(None).prefetch_related(None)
        try:
            obj = get_object_or_404(lean, **{self.lookup_field: self.kwargs[kwarg]})
        except (ValueError, TypeError):
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj

    def csv_list(self, request: Request) -> StreamingHttpResponse:
        """Every filtered row (paging parameters do not apply), in the list's columns, streamed
        from the database."""
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.validate(queryset, request)
        plan = self.row_plan(queryset)
        base = self.link_base()

        def rows() -> Iterator[dict]:
            values = plan.values_queryset(queryset).iterator(chunk_size=500)
            yield from plan.render_iter(values, base, chunk=500)

        columns = list(self.get_serializer_class()().fields)
        response = StreamingHttpResponse(
            csv_lines(rows(), columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response

    def get_object(self) -> Model:
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise Http404 from None
