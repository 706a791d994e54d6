"""The OpenAPI contract of the API: every endpoint documents its filters under the names
clients send, its formats, and the errors it can answer with (the same shape everywhere); write
operations their JSON body, who may call them, and the ``Idempotency-Key`` header of POSTs."""

from __future__ import annotations

from typing import Any

from django_countries import Countries
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import permissions, serializers

from networks.models import SLUG_PATTERN

# API parameter name -> FilterSet filter name. The HTML listings keep their short names (q, sort);
# the API uses the names partners know from other REST APIs.
RENAMED = {"search": "q", "ordering": "sort"}
FILTERSET_TO_API = {value: key for key, value in RENAMED.items()}
FORMAT_PARAM = "format"


def api_name(filter_name: str) -> str:
    return FILTERSET_TO_API.get(filter_name, filter_name)


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in one sentence."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text=(
                "For invalid requests: each offending query parameter, body field or header with "
                "its messages (non_field_errors: the body as a whole)."
            ),
        ),
    },
)

ERROR_EXAMPLES = [
    OpenApiExample(
        "Misspelt parameter",
        value={
            "detail": "Invalid query parameters.",
            "errors": {"yaer": ["Unknown query parameter. Accepted here: count, cursor, ..."]},
        },
        status_codes=["400"],
        response_only=True,
    ),
]

WRITE_ERROR_EXAMPLES = [
    OpenApiExample(
        "Invalid body",
        value={
            "detail": "Invalid data.",
            "errors": {
                "description": [
                    "To submit, describe the pledge in 300 to 3,000 characters (now 10), as the "
                    "GCM pledging form asks."
                ],
                "titel": ["Unknown field. Accepted here: city, description, ..."],
            },
        },
        status_codes=["400"],
        response_only=True,
    ),
]

WRITE_ERRORS = {
    400: "Invalid body (errors name each field; non_field_errors is the body as a whole), "
    "query parameter or header.",
    401: "No credentials, or credentials that do not work (WWW-Authenticate says which scheme).",
    403: "Authenticated but not allowed: a partner token without a user, a user who is not "
    "staff of the pledge's city, a pledge that can no longer be changed, a missing CSRF token "
    "with session authentication.",
    404: "No such record, or one you may not see (the same answer, so its existence does not "
    "leak).",
    409: "A race: someone else acted on the record first, or a request with the same "
    "Idempotency-Key is still running. Reload and retry.",
    422: "The Idempotency-Key was already used by you for a different request.",
    429: "Too many requests; Retry-After says when to try again.",
}


def write_responses(
    code: int, serializer: Any, *, description: str, detail: bool, idempotent: bool
) -> dict:
    """The responses of a write operation: its success and every error it can answer with."""
    responses: dict[Any, Any] = {
        (code, "application/json"): OpenApiResponse(serializer, description=description)
    }
    for error, text in WRITE_ERRORS.items():
        if (error == 404 and not detail) or (error == 422 and not idempotent):
            continue
        responses[(error, "application/json")] = OpenApiResponse(ErrorSerializer, description=text)
    return responses


class RelatedKeyFieldExtension(OpenApiSerializerFieldExtension):
    """A related record in a write body: documented as the key (slug or id) it is named by."""

    target_class = "networks.api_base.RelatedKeyField"

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict:
        key_field = self.target.key_field
        schema = auto_schema._map_serializer_field(key_field, direction)
        auto_schema._insert_field_validators(key_field, schema)
        return schema


def _flat_choices(choices: Any) -> list[str] | None:
    """Choice values, with option groups (world regions / sub-regions) opened up."""
    if isinstance(choices, Countries):
        return [country.code for country in choices]
    if callable(choices) or choices is None:
        return None
    values: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [str(inner) for inner, _label in label]
        elif value != "":
            values.append(str(value))
    return values


class ApiFilterExtension(DjangoFilterExtension):
    """Documents the listing FilterSets under the API's names (search, ordering) and types."""

    target_class = "networks.api_base.ApiFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            parameter["name"] = api_name(parameter["name"])
            schema = parameter["schema"]
            if isinstance(filter_field, filters.ModelChoiceFilter):
                slug = filter_field.extra.get("to_field_name")
                schema.clear()
                if slug == "slug":
                    schema.update(type="string", pattern=SLUG_PATTERN, maxLength=200)
                elif slug:
                    schema.update(type="string", minLength=1)
                else:
                    schema.update(type="integer", minimum=1)
                parameter["description"] = (
                    f"{parameter.get('description') or field_name}: the {slug or 'id'} of the "
                    f"{filter_field.queryset.model._meta.verbose_name}."
                )
            elif isinstance(filter_field, filters.OrderingFilter):
                values = _flat_choices(filter_field.extra.get("choices")) or []
                schema.clear()
                schema.update(type="array", items={"type": "string", "enum": values})
                parameter["description"] = (
                    "Sort by one or more of these, comma-separated; a leading - sorts "
                    "descending. Ties are always broken the same way, so pages never overlap."
                )
            elif isinstance(filter_field, filters.ChoiceFilter):
                values = _flat_choices(filter_field.extra.get("choices"))
                schema.clear()
                schema["type"] = "string"
                if values:
                    schema["enum"] = values
                else:
                    schema.pop("enum", None)
            elif isinstance(filter_field, filters.NumberFilter):
                schema.clear()
                schema["type"] = "integer"
                for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
                    if filter_field.extra.get(bound) is not None:
                        schema[key] = filter_field.extra[bound]
            elif isinstance(filter_field, filters.CharFilter):
                schema.update(
                    type="string", minLength=1, maxLength=filter_field.extra.get("max_length", 200)
                )
        return parameters


class ApiAutoSchema(AutoSchema):
    """Adds what every endpoint shares: ``format``, the error responses and CSV; on the POSTs of
    views that take one, the ``Idempotency-Key`` header."""

    def _is_api_viewset(self) -> bool:
        return hasattr(self.view, "allowed_query_params")

    def _is_write(self) -> bool:
        return self.method not in permissions.SAFE_METHODS

    def get_auth(self) -> list:
        """Reading needs no credentials (``{}``), also under a subclass of
        IsAuthenticatedOrReadOnly (drf-spectacular only knows the class itself)."""
        auths = super().get_auth()
        optional = any(
            issubclass(permission, permissions.IsAuthenticatedOrReadOnly)
            for permission in getattr(self.view, "permission_classes", ())
        )
        if optional and not self._is_write() and {} not in auths:
            auths.append({})
        return auths

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self._is_api_viewset():
            is_list = getattr(self.view, "action", None) == "list"
            parameters.append(
                OpenApiParameter(
                    FORMAT_PARAM,
                    OpenApiTypes.STR,
                    enum=["json", "csv"] if is_list else ["json"],
                    description=(
                        "csv streams every matching row with a header row; page_size, cursor "
                        "and count do not apply to it."
                        if is_list
                        else "Details are JSON."
                    ),
                )
            )
            if is_list:
                parameters.append(
                    OpenApiParameter(
                        "Link",
                        OpenApiTypes.STR,
                        location=OpenApiParameter.HEADER,
                        response=[200],
                        description='RFC 8288 links to the next and previous pages (rel="next", '
                        'rel="prev").',
                    )
                )
        header = getattr(self.view, "idempotency_header", None)
        if header and self.method in getattr(self.view, "idempotent_methods", ()):
            parameters.append(
                OpenApiParameter(
                    header,
                    self.view.idempotency_key_schema,
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description=self.view.idempotency_description,
                )
            )
        return parameters

    def get_response_serializers(self) -> Any:
        serializers_ = super().get_response_serializers()
        if not self._is_api_viewset() or self._is_write():
            return serializers_  # write operations list their responses (write_responses)
        responses: dict[Any, Any] = {}
        if getattr(self.view, "action", None) == "list":
            responses[(200, "application/json")] = serializers_
            responses[(200, "text/csv")] = OpenApiTypes.STR
        else:
            responses[200] = serializers_
            responses[404] = ErrorSerializer
        responses[400] = ErrorSerializer
        responses[401] = ErrorSerializer
        responses[429] = ErrorSerializer
        return responses

    def get_examples(self) -> list:
        examples = list(super().get_examples())
        if self._is_api_viewset():
            examples += ERROR_EXAMPLES
            if self._is_write():
                examples += WRITE_ERROR_EXAMPLES
        return examples


_BACKEND_BOUNDS = {2**15 - 1, 2**31 - 1, 2**63 - 1, -(2**15), -(2**31), -(2**63)}


def drop_backend_integer_bounds(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Integer columns are bounded by the database in use (16 or 32 bits on PostgreSQL, 64 on SQLite);
    the contract must not change with the backend, so those storage limits are left out."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "integer":
                for key in ("maximum", "minimum"):
                    if node.get(key) in _BACKEND_BOUNDS:
                        del node[key]
                if node.get("format") == "int64":
                    del node["format"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
