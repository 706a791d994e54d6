"""Read API for events, declarations and signatures."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from rest_framework import serializers

from declarations.filters import DeclarationFilter, EventFilter, SignatureFilter
from declarations.models import Declaration, Event, EventSeries, Signature, Topic
from networks.api import (
    ApiUrlField,
    CitySummarySerializer,
    HtmlUrlField,
    LinesField,
    NetworkSummarySerializer,
    SourceSummarySerializer,
    seen_from,
)
from networks.api_base import SLUG_REGEX, ApiSerializer, OptionalURLField, ReadOnlyApiViewSet
from networks.models import Network


class EventSeriesSummarySerializer(ApiSerializer):
    class Meta:
        model = EventSeries
        fields = ["slug", "name", "acronym"]


class TopicSerializer(ApiSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class EventSummarySerializer(ApiSerializer):
    api_url = ApiUrlField("event-detail")
    html_url = HtmlUrlField()

    class Meta:
        model = Event
        fields = ["slug", "name", "start_date", "start_date_precision", "api_url", "html_url"]


class DeclarationSummarySerializer(ApiSerializer):
    api_url = ApiUrlField("declaration-detail")
    html_url = HtmlUrlField()

    class Meta:
        model = Declaration
        fields = ["slug", "title", "date", "date_precision", "api_url", "html_url"]


# --- events -----------------------------------------------------------------------------------


class EventSerializer(ApiSerializer):
    api_url = ApiUrlField("event-detail")
    html_url = HtmlUrlField()
    series = EventSeriesSummarySerializer(read_only=True, allow_null=True)
    city = CitySummarySerializer(read_only=True, allow_null=True, help_text="The host city.")
    n_declarations = serializers.IntegerField(read_only=True, help_text="Declarations adopted.")
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "api_url",
            "html_url",
            "name",
            "series",
            "edition",
            "start_date",
            "start_date_precision",
            "end_date",
            "place",
            "city",
            "website",
            "n_declarations",
            "source",
            "source_locator",
        ]


class EventDetailSerializer(EventSerializer):
    organisers = NetworkSummarySerializer(many=True, read_only=True)
    declarations = DeclarationSummarySerializer(
        many=True, read_only=True, help_text="Declarations adopted at the event."
    )

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "notes",
            "organisers",
            "declarations",
        ]


class EventViewSet(ReadOnlyApiViewSet):
    """Conferences, forums and summits where cities meet (one edition of a series each)."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filterset_class = EventFilter
    serializer_class = EventSerializer
    detail_serializer_class = EventDetailSerializer
    csv_filename = "events.csv"

    def get_list_queryset(self) -> QuerySet[Event]:
        return Event.objects.for_listing().select_related("source")

    def get_detail_queryset(self) -> QuerySet[Event]:
        return self.get_list_queryset().prefetch_related(
            Prefetch("organisers", Network.objects.order_by("name", "pk")),
            Prefetch(
                "declarations",
                Declaration.objects.order_by(F("date").asc(nulls_last=True), "title", "pk"),
            ),
        )


# --- declarations -----------------------------------------------------------------------------


class DeclarationSerializer(ApiSerializer):
    api_url = ApiUrlField("declaration-detail")
    html_url = HtmlUrlField()
    aliases = LinesField(help_text="Other titles the text is known by.")
    text_url = OptionalURLField(
        source="url", read_only=True, allow_null=True, help_text="Where the text can be read."
    )
    issuer = NetworkSummarySerializer(read_only=True, allow_null=True)
    event = EventSummarySerializer(
        read_only=True, allow_null=True, help_text="Where it was adopted."
    )
    n_signatures = serializers.IntegerField(
        read_only=True, help_text="Signing cities on record (see declared_signatory_count)."
    )
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Declaration
        fields = [
            "slug",
            "api_url",
            "html_url",
            "title",
            "aliases",
            "kind",
            "issuer",
            "issuer_text",
            "event",
            "place",
            "date",
            "date_precision",
            "language",
            "text_url",
            "declared_signatory_count",
            "declared_count_qualifier",
            "n_signatures",
            "source",
            "source_locator",
        ]


class SignatureSerializer(ApiSerializer):
    """A city's signature of a declaration: when, through which office, and the source."""

    api_url = ApiUrlField("signature-detail", lookup="pk")
    declaration = DeclarationSummarySerializer(read_only=True)
    city = CitySummarySerializer(read_only=True)
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Signature
        fields = [
            "id",
            "api_url",
            "declaration",
            "city",
            "signed_on",
            "signed_on_precision",
            "signatory_office",
            "source",
            "source_locator",
        ]


DeclarationSignatureSerializer = seen_from(
    SignatureSerializer,
    "declaration",
    "A signature seen from its declaration: the city that signed.",
)


class DeclarationDetailSerializer(DeclarationSerializer):
    topics = TopicSerializer(many=True, read_only=True)
    signatures = DeclarationSignatureSerializer(many=True, read_only=True)

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "summary", "notes", "topics", "signatures"]


class DeclarationViewSet(ReadOnlyApiViewSet):
    """Declarations, charters, statements and letters cities or their networks adopted."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filterset_class = DeclarationFilter
    serializer_class = DeclarationSerializer
    detail_serializer_class = DeclarationDetailSerializer
    csv_filename = "declarations.csv"

    def get_list_queryset(self) -> QuerySet[Declaration]:
        return Declaration.objects.for_listing().select_related("source")

    def get_detail_queryset(self) -> QuerySet[Declaration]:
        return self.get_list_queryset().prefetch_related(
            Prefetch("topics", Topic.objects.order_by("name")),
            Prefetch(
                "signatures",
                Signature.objects.select_related("city", "source").order_by("city__name", "pk"),
            ),
        )


# --- signatures -------------------------------------------------------------------------------


class SignatureDetailSerializer(SignatureSerializer):
    class Meta(SignatureSerializer.Meta):
        fields = [*SignatureSerializer.Meta.fields, "notes"]


class SignatureViewSet(ReadOnlyApiViewSet):
    """Which city signed which declaration, when, and through which office."""

    filterset_class = SignatureFilter
    serializer_class = SignatureSerializer
    detail_serializer_class = SignatureDetailSerializer
    csv_filename = "signatures.csv"

    def get_list_queryset(self) -> QuerySet[Signature]:
        return Signature.objects.select_related("declaration", "city", "source").order_by("pk")
