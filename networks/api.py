"""Read API for networks and memberships, and the summaries every other resource nests.

Serializers only shape rows the viewset's queryset already holds (the ``for_listing()`` and
``for_profile()`` joins): none of them runs a query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model, Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.api_base import SLUG_REGEX, ApiSerializer, ReadOnlyApiViewSet
from networks.api_rows import LinkTemplate, api_link, html_link
from networks.filters import MembershipFilter, NetworkFilter
from networks.models import City, Membership, Network, Source


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The record's own address in this API (absolute, so clients can follow it)."""

    def __init__(
        self, view_name: str, lookup: str = "slug", kwarg: str | None = None, **kwargs: Any
    ) -> None:
        self.view_name, self.lookup, self.kwarg = view_name, lookup, kwarg or lookup
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj: Any) -> str:
        path = reverse(f"api:{self.view_name}", kwargs={self.kwarg: getattr(obj, self.lookup)})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def row_link(self, model: type[Model]) -> LinkTemplate:
        """The same link for rows read with values() (see ``api_rows``)."""
        return api_link(model, self.view_name, self.lookup, self.kwarg)


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.Field):
    """The record's page on the site, for people."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj: Any) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def row_link(self, model: type[Model]) -> LinkTemplate:
        return html_link(model)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LinesField(serializers.Field):
    """A one-per-line text column (other names) as a list of strings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SourceSummarySerializer(ApiSerializer):
    html_url = HtmlUrlField(help_text="The source's page on the site, with every fact citing it.")

    class Meta:
        model = Source
        fields = ["key", "title", "author", "publisher", "year", "url", "html_url"]


class CitySummarySerializer(ApiSerializer):
    api_url = ApiUrlField("city-detail")
    html_url = HtmlUrlField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = City
        fields = ["slug", "name", "country", "api_url", "html_url"]


class NetworkSummarySerializer(ApiSerializer):
    api_url = ApiUrlField("network-detail")
    html_url = HtmlUrlField()

    class Meta:
        model = Network
        fields = ["slug", "name", "acronym", "api_url", "html_url"]


# --- networks ---------------------------------------------------------------------------------


class NetworkSerializer(ApiSerializer):
    api_url = ApiUrlField("network-detail")
    html_url = HtmlUrlField()
    aliases = LinesField(help_text="Other names and spellings.")
    parent = NetworkSummarySerializer(read_only=True, allow_null=True)
    n_members = serializers.IntegerField(read_only=True, help_text="Member cities on record.")
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Network
        fields = [
            "slug",
            "api_url",
            "html_url",
            "name",
            "acronym",
            "aliases",
            "kind",
            "scope",
            "region",
            "founded_year",
            "website",
            "has_formal_membership",
            "parent",
            "n_members",
            "source",
            "source_locator",
        ]


def seen_from(serializer: type[ApiSerializer], side: str, doc: str) -> type[ApiSerializer]:
    """A link row (membership, signature) nested in the record at one of its ends: that end is
    left out, since the enclosing record already is it."""
    meta = type(
        "Meta", (serializer.Meta,), {"fields": [f for f in serializer.Meta.fields if f != side]}
    )
    name = f"{side.title()}{serializer.__name__}"
    return type(serializer)(name, (serializer,), {side: None, "Meta": meta, "__doc__": doc})


class MembershipSerializer(ApiSerializer):
    """A city's membership of a network: role, dates as precise as the source, and the source."""

    api_url = ApiUrlField("membership-detail", lookup="pk")
    city = CitySummarySerializer(read_only=True)
    network = NetworkSummarySerializer(read_only=True)
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "api_url",
            "city",
            "network",
            "role",
            "joined_on",
            "joined_on_precision",
            "left_on",
            "left_on_precision",
            "source",
            "source_locator",
        ]


NetworkMembershipSerializer = seen_from(
    MembershipSerializer, "network", "A membership seen from its network: the city it links."
)


class NetworkDetailSerializer(NetworkSerializer):
    children = NetworkSummarySerializer(many=True, read_only=True, help_text="Sections.")
    memberships = NetworkMembershipSerializer(many=True, read_only=True)

    class Meta(NetworkSerializer.Meta):
        fields = [
            *NetworkSerializer.Meta.fields,
            "description",
            "notes",
            "children",
            "memberships",
        ]


class NetworkViewSet(ReadOnlyApiViewSet):
    """City networks, mechanisms, alliances, movements and organisations."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filterset_class = NetworkFilter
    serializer_class = NetworkSerializer
    detail_serializer_class = NetworkDetailSerializer
    csv_filename = "networks.csv"

    def get_list_queryset(self) -> QuerySet[Network]:
        return Network.objects.for_listing().select_related("source")

    def get_detail_queryset(self) -> QuerySet[Network]:
        return self.get_list_queryset().prefetch_related(
            Prefetch("children", Network.objects.order_by("name", "pk")),
            Prefetch(
                "memberships",
                Membership.objects.select_related("city", "source").order_by(
                    F("joined_on").asc(nulls_last=True), "city__name", "pk"
                ),
            ),
        )


# --- memberships ------------------------------------------------------------------------------


class MembershipDetailSerializer(MembershipSerializer):
    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "notes"]


class MembershipViewSet(ReadOnlyApiViewSet):
    """Which city belongs to which network, in what role, since and until when."""

    filterset_class = MembershipFilter
    serializer_class = MembershipSerializer
    detail_serializer_class = MembershipDetailSerializer
    csv_filename = "memberships.csv"

    def get_list_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("city", "network", "source").order_by("pk")
