"""Read API for the UN frameworks, their objectives and published pledges.

Only published pledges exist for the API: every queryset here starts from ``published()``
(through ``for_listing()``), and no serializer names a moderation or submitter field.
"""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from rest_framework import serializers

from declarations.api import EventSummarySerializer
from networks.api import (
    ApiUrlField,
    CitySummarySerializer,
    HtmlUrlField,
    NetworkSummarySerializer,
    SourceSummarySerializer,
)
from networks.api_base import ApiSerializer, ReadOnlyApiViewSet
from networks.history import Version
from networks.models import City, Network
from pledges.filters import FrameworkFilter, ObjectiveFilter, PledgeFilter
from pledges.models import Framework, Objective, Pledge, ProgressReport
from pledges.selectors import pledge_public_history


class ObjectiveSummarySerializer(ApiSerializer):
    api_url = ApiUrlField("objective-detail", lookup="pk")
    framework = serializers.CharField(source="framework_id", help_text="GCM, GCR or SDG.")

    class Meta:
        model = Objective
        fields = ["id", "framework", "number", "title", "api_url"]


class ObjectiveSerializer(ObjectiveSummarySerializer):
    framework_url = ApiUrlField("framework-detail", lookup="framework_id", kwarg="code")

    class Meta(ObjectiveSummarySerializer.Meta):
        fields = [*ObjectiveSummarySerializer.Meta.fields, "framework_url"]


class ObjectiveViewSet(ReadOnlyApiViewSet):
    """The numbered objectives of the GCM (23), the GCR (4) and the 2030 Agenda (17 SDGs)."""

    filterset_class = ObjectiveFilter
    serializer_class = ObjectiveSerializer
    csv_filename = "objectives.csv"

    def get_list_queryset(self) -> QuerySet[Objective]:
        return Objective.objects.order_by("framework_id", "number", "pk")


class FrameworkSerializer(ApiSerializer):
    api_url = ApiUrlField("framework-detail", lookup="code")
    source = serializers.CharField(read_only=True, help_text="Where the framework's text is.")

    class Meta:
        model = Framework
        fields = ["code", "api_url", "name", "adopted_on", "resolution", "source"]


class FrameworkDetailSerializer(FrameworkSerializer):
    objectives = ObjectiveSummarySerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "objectives"]


class FrameworkViewSet(ReadOnlyApiViewSet):
    """The UN frameworks pledges are mapped to, with the resolutions that adopted them."""

    lookup_field = "code"
    lookup_value_regex = "[A-Z]+"
    filterset_class = FrameworkFilter
    serializer_class = FrameworkSerializer
    detail_serializer_class = FrameworkDetailSerializer
    csv_filename = "frameworks.csv"

    def get_list_queryset(self) -> QuerySet[Framework]:
        return Framework.objects.order_by("code")

    def get_detail_queryset(self) -> QuerySet[Framework]:
        return self.get_list_queryset().prefetch_related(
            Prefetch("objectives", Objective.objects.order_by("number", "pk"))
        )


# --- pledges ----------------------------------------------------------------------------------


class PledgeSummarySerializer(ApiSerializer):
    api_url = ApiUrlField("pledge-detail", lookup="pk")
    html_url = HtmlUrlField()

    class Meta:
        model = Pledge
        fields = ["id", "title", "status", "made_on", "made_on_precision", "api_url", "html_url"]


class PledgeSerializer(ApiSerializer):
    api_url = ApiUrlField("pledge-detail", lookup="pk")
    html_url = HtmlUrlField()
    city = CitySummarySerializer(read_only=True, allow_null=True)
    network = NetworkSummarySerializer(
        read_only=True, allow_null=True, help_text="For a collective commitment of a network."
    )
    objectives = ObjectiveSummarySerializer(many=True, read_only=True)
    event = EventSummarySerializer(read_only=True, allow_null=True, help_text="Where it was made.")
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "uuid",
            "api_url",
            "html_url",
            "title",
            "city",
            "network",
            "actor_text",
            "pledge_type",
            "objectives",
            "event",
            "made_on",
            "made_on_precision",
            "planned_start",
            "planned_end",
            "status",
            "evidence_url",
            "source",
            "source_locator",
        ]


class ProgressReportSerializer(ApiSerializer):
    class Meta:
        model = ProgressReport
        fields = ["reported_on", "status", "narrative", "evidence_url"]


class PledgeDetailSerializer(PledgeSerializer):
    partner_cities = CitySummarySerializer(many=True, read_only=True)
    partner_networks = NetworkSummarySerializer(many=True, read_only=True)
    progress_reports = ProgressReportSerializer(
        many=True, read_only=True, help_text="Newest first; the first gives the current status."
    )

    class Meta(PledgeSerializer.Meta):
        fields = [
            *PledgeSerializer.Meta.fields,
            "description",
            "notes",
            "partner_cities",
            "partner_networks",
            "progress_reports",
        ]


class PledgeViewSet(ReadOnlyApiViewSet):
    """Published pledges of cities and networks to the Global Compacts (drafts never appear)."""

    filterset_class = PledgeFilter
    serializer_class = PledgeSerializer
    detail_serializer_class = PledgeDetailSerializer
    csv_filename = "pledges.csv"

    def get_list_queryset(self) -> QuerySet[Pledge]:
        # The page's tiebreak is the creation time; the API keeps internal timestamps out of
        # its cursors and breaks ties on the id instead.
        return (
            Pledge.objects.for_listing()
            .select_related("source")
            .order_by(F("made_on").desc(nulls_last=True), "pk")
        )

    def public_versions(self, obj: Pledge) -> list[Version]:
        return pledge_public_history(obj)

    def get_detail_queryset(self) -> QuerySet[Pledge]:
        return self.get_list_queryset().prefetch_related(
            Prefetch("partner_cities", City.objects.order_by("name", "pk")),
            Prefetch("partner_networks", Network.objects.order_by("name", "pk")),
            Prefetch(
                "progress_reports",
                ProgressReport.objects.order_by("-reported_on", "-created_at", "pk"),
            ),
        )
