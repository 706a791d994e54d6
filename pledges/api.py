"""API for the UN frameworks, their objectives and pledges: reads for everyone, writes for the
staff of the pledging city.

Lists, CSV and histories show published pledges only. A pledge's detail is also shown to whoever
``access.can_view`` lets see it (its city's staff, moderators once submitted); to anyone else an
unpublished pledge answers the same 404 as one that does not exist. No serializer names the
submitter, the moderation steps or their comments; the detail shows ``moderation_state``.

Writes (``POST /pledges/``, ``PATCH /pledges/{id}/``, ``POST /pledges/{id}/submit/`` and
``POST /pledges/{id}/progress-reports/``) check the JSON types here and leave every rule to
``pledges.services``, the same functions the pages call; POSTs take an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.idempotency import REPLAYED_HEADER, IdempotentPostMixin
from declarations.api import EventSummarySerializer
from declarations.models import Event
from networks.api import (
    ApiUrlField,
    CitySummarySerializer,
    HtmlUrlField,
    NetworkSummarySerializer,
    SourceSummarySerializer,
)
from networks.api_base import (
    ApiSerializer,
    ReadOnlyApiViewSet,
    RelatedKeyField,
    RelatedKeysField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictInputSerializer,
    StrictURLField,
    WritePermission,
    service_errors,
    validated_body,
)
from networks.api_schema import write_responses
from networks.history import Version
from networks.models import City, Network
from pledges import access, services
from pledges.filters import FrameworkFilter, ObjectiveFilter, PledgeFilter
from pledges.models import (
    DESCRIPTION_MAX,
    MADE_KEY,
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    Framework,
    ImplementationStatus,
    Objective,
    Pledge,
    PledgeType,
    ProgressReport,
)
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
    review = EventSummarySerializer(
        read_only=True, allow_null=True, help_text="The review it was made for (GRF, IMRF...)."
    )

    class Meta:
        model = ProgressReport
        fields = ["reported_on", "status", "narrative", "evidence_url", "review"]


class PledgeDetailSerializer(PledgeSerializer):
    partner_cities = CitySummarySerializer(many=True, read_only=True)
    partner_networks = NetworkSummarySerializer(many=True, read_only=True)
    progress_reports = ProgressReportSerializer(
        many=True, read_only=True, help_text="Newest first; the first gives the current status."
    )

    class Meta(PledgeSerializer.Meta):
        fields = [
            *PledgeSerializer.Meta.fields,
            "moderation_state",
            "description",
            "notes",
            "partner_cities",
            "partner_networks",
            "progress_reports",
        ]
        extra_kwargs = {
            "moderation_state": {
                "help_text": "Always published for the public; the city's staff and moderators "
                "also see their pledges in the other states."
            }
        }


# --- writes -----------------------------------------------------------------------------------


class PledgeWriteSerializer(StrictInputSerializer):
    """A pledge as city staff enter it. On PATCH every field is optional and those left out
    keep their value."""

    city = RelatedKeyField(
        queryset=City.objects.all(),
        help_text="Slug of the city making the pledge; you must be staff of it.",
    )
    title = StrictCharField(max_length=Pledge._meta.get_field("title").max_length)
    description = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=DESCRIPTION_MAX,
        help_text=f"Free in a draft (up to {DESCRIPTION_MAX:,} characters); "
        f"{SUBMIT_DESCRIPTION_MIN} to {SUBMIT_DESCRIPTION_MAX:,} characters to submit.",
    )
    pledge_type = StrictChoiceField(choices=PledgeType.choices, required=False, allow_blank=True)
    objectives = RelatedKeysField(
        queryset=Objective.objects.all(),
        key="pk",
        required=False,
        help_text="Ids of GCM, GCR or SDG objectives (see /api/v1/objectives/); at least one "
        "to submit.",
    )
    partner_cities = RelatedKeysField(
        queryset=City.objects.all(), required=False, help_text="Slugs of partner cities."
    )
    partner_networks = RelatedKeysField(
        queryset=Network.objects.all(), required=False, help_text="Slugs of partner networks."
    )
    event = RelatedKeyField(
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the event where the pledge was made, or null.",
    )
    planned_start = StrictDateField(required=False, allow_null=True)
    planned_end = StrictDateField(
        required=False, allow_null=True, help_text="Not before planned_start."
    )
    evidence_url = StrictURLField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=Pledge._meta.get_field("evidence_url").max_length,
    )
    submit = StrictBooleanField(
        default=False,
        help_text="false (default) saves a draft; true also submits it for moderation, which "
        "needs a full description and at least one objective.",
    )


class PledgeSubmitSerializer(StrictInputSerializer):
    """Submitting takes no body (an empty object is fine)."""


class ProgressReportWriteSerializer(StrictInputSerializer):
    """A dated report on how a published pledge is being implemented."""

    reported_on = StrictDateField(help_text="The day the report speaks for; not in the future.")
    status = StrictChoiceField(
        choices=ImplementationStatus.choices,
        help_text="The newest report sets the pledge's status.",
    )
    narrative = StrictCharField(max_length=ProgressReport._meta.get_field("narrative").max_length)
    evidence_url = StrictURLField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=ProgressReport._meta.get_field("evidence_url").max_length,
    )
    review = RelatedKeyField(
        queryset=Event.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the review the report was made for (e.g. a GRF or IMRF), or null.",
    )


class PledgeObjectPermission(permissions.BasePermission):
    """Who may change a pledge they can see, asked before the body is read (so the answer is
    403, not a 400 about a body that could never be accepted). The rules are ``access``'s, and
    the services check them again under the row's lock."""

    def has_object_permission(self, request: Request, view: Any, obj: Pledge) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if view.action == "progress_reports":
            if access.can_report(user, obj):
                return True
            self.message = gettext(
                "Only staff of the pledge's city report on it, once it is published."
            )
            return False
        if access.can_edit(user, obj):
            return True
        if not access.is_city_staff(user, obj.city_id):
            self.message = gettext("Only staff of the pledge's city can change it.")
        else:
            self.message = gettext("This pledge is %(state)s and can no longer be changed.") % {
                "state": obj.get_moderation_state_display()
            }
        return False


WRITE_ACTIONS = frozenset({"create", "partial_update", "submit", "progress_reports"})
CONFLICTS = (services.TransitionConflict,)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[201],
    description="The new pledge's address in this API.",
)


def replayed_header(code: int) -> OpenApiParameter:
    return OpenApiParameter(
        REPLAYED_HEADER,
        {"type": "string", "enum": ["true"]},
        location=OpenApiParameter.HEADER,
        response=[code],
        description="Present on a response repeated for a retry with the same Idempotency-Key.",
    )


# Request bodies as a partner's script would send them (the contract test sends them too). The
# objective ids are those of /api/v1/objectives/ (here GCM objectives 1 and 2 of a fresh install).
EXAMPLE_DESCRIPTION = (
    "The city opens a one-stop welcome centre for newcomers, refugees and migrants, with advice on "
    "housing, work, schooling and health in twelve languages. It is run together with migrant "
    "organisations and reports every year to the council on who used it, what it cost and what "
    "changed, so that the pledge can be followed up in the regional review of the Global Compact."
)
CREATE_EXAMPLES = [
    OpenApiExample(
        "A draft to finish later",
        value={"city": "barcelona", "title": "Welcome centre for newcomers"},
        request_only=True,
    ),
    OpenApiExample(
        "Entered and submitted at once",
        value={
            "city": "barcelona",
            "title": "Welcome centre for newcomers",
            "description": EXAMPLE_DESCRIPTION,
            "pledge_type": "programme",
            "objectives": [1, 2],
            "planned_start": "2027-01-01",
            "planned_end": "2029-12-31",
            "evidence_url": "https://example.org/welcome-centre",
            "submit": True,
        },
        request_only=True,
    ),
]
UPDATE_EXAMPLES = [
    OpenApiExample(
        "Complete a draft",
        value={"description": EXAMPLE_DESCRIPTION, "objectives": [1, 2]},
        request_only=True,
    ),
]
REPORT_EXAMPLES = [
    OpenApiExample(
        "A yearly report",
        value={
            "reported_on": "2026-06-30",
            "status": "in_progress",
            "narrative": "The centre opened in March and advised 1,200 people by June.",
        },
        request_only=True,
    ),
]


class PledgeViewSet(IdempotentPostMixin, ReadOnlyApiViewSet):
    """Published pledges of cities and networks to the Global Compacts (drafts never appear in
    lists); city staff enter, submit and report on their own city's pledges. PUT and DELETE
    are not offered (405)."""

    filterset_class = PledgeFilter
    serializer_class = PledgeSerializer
    detail_serializer_class = PledgeDetailSerializer
    csv_filename = "pledges.csv"
    permission_classes = [WritePermission, PledgeObjectPermission]

    def get_list_queryset(self) -> QuerySet[Pledge]:
        # The page's tiebreak is the creation time; the API keeps internal timestamps out of
        # its cursors and breaks ties on the id instead.
        return (
            Pledge.objects.for_listing()
            .select_related("source")
            .annotate(made_key=MADE_KEY)  # made_on, unknown dates last (an index serves it)
            .order_by(F("made_key").desc(), "pk")
        )

    def public_versions(self, obj: Pledge) -> list[Version]:
        return pledge_public_history(obj)

    def visible_pledges(self) -> QuerySet[Pledge]:
        """What this client may open: published pledges, plus what ``access.can_view`` adds."""
        return Pledge.objects.filter(access.visible_filter(self.request.user))

    def get_queryset(self) -> QuerySet[Pledge]:
        if self.action in WRITE_ACTIONS:
            return self.visible_pledges()  # unseen pledges are 404, like missing ones
        return super().get_queryset()

    def get_detail_queryset(self) -> QuerySet[Pledge]:
        return (
            self.visible_pledges()
            .with_listing_joins()
            .select_related("source")
            .prefetch_related(
                Prefetch("partner_cities", City.objects.order_by("name", "pk")),
                Prefetch("partner_networks", Network.objects.order_by("name", "pk")),
                Prefetch(
                    "progress_reports",
                    ProgressReport.objects.select_related("review").order_by(
                        "-reported_on", "-created_at", "pk"
                    ),
                ),
            )
        )

    def pledge_response(self, pledge: Pledge, code: int) -> Response:
        """The pledge as its detail shows it now (read again: the write changed its relations)."""
        fresh = self.get_detail_queryset().get(pk=pledge.pk)
        body = PledgeDetailSerializer(fresh, context=self.get_serializer_context()).data
        headers = {"Location": body["api_url"]} if code == status.HTTP_201_CREATED else None
        return Response(body, status=code, headers=headers)

    @extend_schema(
        summary="Enter a pledge (city staff)",
        description="Saves a new pledge of a city you are staff of as a draft, or with "
        '"submit": true sends it to the moderators at once. Answers with the pledge as its '
        "detail shows it.",
        request=PledgeWriteSerializer,
        examples=CREATE_EXAMPLES,
        responses=write_responses(
            201,
            PledgeDetailSerializer,
            description="Created.",
            detail=False,
            idempotent=True,
        ),
        parameters=[LOCATION, replayed_header(201)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = validated_body(PledgeWriteSerializer, request)
        submit = fields.pop("submit", False)
        # A new pledge has no objectives unless given; saying so lets the service check a
        # submission without asking an unsaved pledge for its objectives.
        fields.setdefault("objectives", [])
        with service_errors(conflicts=CONFLICTS):
            pledge = services.pledge_create(user=request.user, submit=submit, **fields)
        return self.pledge_response(pledge, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft (city staff)",
        description="Changes the fields given and keeps the others, while the pledge is a "
        'draft or was sent back for changes; "submit": true then sends it to the moderators.',
        request=PledgeWriteSerializer,
        examples=UPDATE_EXAMPLES,
        responses=write_responses(
            200, PledgeDetailSerializer, description="Changed.", detail=True, idempotent=False
        ),
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pledge = self.get_object()
        fields = validated_body(PledgeWriteSerializer, request, partial=True)
        submit = fields.pop("submit", False)
        with service_errors(conflicts=CONFLICTS):
            services.pledge_update(pledge=pledge, user=request.user, submit=submit, **fields)
        return self.pledge_response(pledge, status.HTTP_200_OK)

    @extend_schema(
        summary="Submit a draft for moderation (city staff)",
        description="Sends the pledge to the moderators as it stands; it must be complete "
        "(a description of 300 to 3,000 characters and at least one objective).",
        request=None,
        responses=write_responses(
            200, PledgeDetailSerializer, description="Submitted.", detail=True, idempotent=True
        ),
        parameters=[replayed_header(200)],
    )
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pledge = self.get_object()
        validated_body(PledgeSubmitSerializer, request)
        with service_errors(conflicts=CONFLICTS):
            services.pledge_submit(pledge=pledge, user=request.user)
        return self.pledge_response(pledge, status.HTTP_200_OK)

    @extend_schema(
        summary="Report progress on a published pledge (city staff)",
        description="Adds a dated report; the newest report sets the pledge's status.",
        request=ProgressReportWriteSerializer,
        examples=REPORT_EXAMPLES,
        responses=write_responses(
            201,
            ProgressReportSerializer,
            description="The report as the pledge's detail lists it.",
            detail=True,
            idempotent=True,
        ),
        parameters=[replayed_header(201)],
    )
    @action(detail=True, methods=["post"], url_path="progress-reports")
    def progress_reports(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pledge = self.get_object()
        fields = validated_body(ProgressReportWriteSerializer, request)
        with service_errors(conflicts=CONFLICTS):
            report = services.progress_report_create(
                pledge=pledge,
                user=request.user,
                reported_on=fields["reported_on"],
                status=fields["status"],
                narrative=fields["narrative"],
                evidence_url=fields.get("evidence_url") or "",
                review=fields.get("review"),
            )
        body = ProgressReportSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
