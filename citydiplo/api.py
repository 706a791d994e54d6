"""Read API for cities (their listing spans all three apps, like the city pages) and the
``/api/v1/`` routes, schema and documentation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from citydiplo.filters import CityFilter
from citydiplo.selectors import city_counts, city_list, city_profile
from declarations.api import (
    DeclarationViewSet,
    EventSummarySerializer,
    EventViewSet,
    SignatureSerializer,
    SignatureViewSet,
)
from networks.api import (
    ApiUrlField,
    HtmlUrlField,
    LinesField,
    MembershipSerializer,
    MembershipViewSet,
    NetworkViewSet,
    SourceSummarySerializer,
    seen_from,
)
from networks.api_base import SLUG_REGEX, ApiSerializer, ReadOnlyApiViewSet, not_found
from networks.api_rows import DerivedField
from networks.models import City
from networks.regions import region_of
from pledges.api import (
    FrameworkViewSet,
    ObjectiveViewSet,
    PledgeSummarySerializer,
    PledgeViewSet,
)


class CitySerializer(ApiSerializer):
    api_url = ApiUrlField("city-detail")
    html_url = HtmlUrlField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2 code.")
    region = DerivedField(column="country", compute=region_of, help_text="UN M49 world region.")
    aliases = LinesField(help_text="Other names and spellings (Köln, Neapel).")
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    n_networks = serializers.IntegerField(read_only=True, help_text="Networks it belongs to.")
    n_declarations = serializers.IntegerField(read_only=True, help_text="Declarations signed.")
    n_pledges = serializers.IntegerField(read_only=True, help_text="Published pledges.")
    source = SourceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = City
        fields = [
            "slug",
            "api_url",
            "html_url",
            "name",
            "aliases",
            "country",
            "region",
            "kind",
            "population",
            "latitude",
            "longitude",
            "wikidata_id",
            "n_networks",
            "n_declarations",
            "n_pledges",
            "source",
            "source_locator",
        ]


CityMembershipSerializer = seen_from(
    MembershipSerializer, "city", "A membership seen from its city: the network it links."
)
CitySignatureSerializer = seen_from(
    SignatureSerializer, "city", "A signature seen from its city: the declaration signed."
)


class CityDetailSerializer(CitySerializer):
    memberships = CityMembershipSerializer(many=True, read_only=True)
    signatures = CitySignatureSerializer(many=True, read_only=True)
    pledges = PledgeSummarySerializer(
        source="published_pledges", many=True, read_only=True, help_text="Published pledges."
    )
    events_hosted = EventSummarySerializer(many=True, read_only=True)

    class Meta(CitySerializer.Meta):
        fields = [
            *CitySerializer.Meta.fields,
            "notes",
            "memberships",
            "signatures",
            "pledges",
            "events_hosted",
        ]


class CityViewSet(ReadOnlyApiViewSet):
    """Cities, municipalities, districts and regions acting on migration beyond their borders."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filterset_class = CityFilter
    serializer_class = CitySerializer
    detail_serializer_class = CityDetailSerializer
    csv_filename = "cities.csv"

    def get_list_queryset(self) -> QuerySet[City]:
        return city_list().select_related("source")

    def get_detail_queryset(self) -> QuerySet[City]:
        return city_profile().annotate(**city_counts())


router = SimpleRouter(trailing_slash=True)
router.register("cities", CityViewSet, basename="city")
router.register("networks", NetworkViewSet, basename="network")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("events", EventViewSet, basename="event")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("signatures", SignatureViewSet, basename="signature")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("objectives", ObjectiveViewSet, basename="objective")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api_docs.html"),
        name="docs",
    ),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", not_found),
]
