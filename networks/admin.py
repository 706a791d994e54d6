"""Curators' admin: searchable, filterable, with autocomplete for every foreign key."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from networks.models import City, Membership, Network, Source
from networks.regions import Region, countries_in

SOURCED_FIELDSET = (_("Provenance"), {"fields": ("source", "source_locator", "notes")})


class RegionFilter(admin.SimpleListFilter):
    """Filter cities by UN M49 world region, which is derived from the country, not stored."""

    title = _("world region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return Region.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country__in=countries_in(self.value()))
        return queryset


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "year", "language"]
    list_filter = ["year", "language"]
    search_fields = ["key", "title", "author", "publisher", "url"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["city", "network", "source"]
    fields = [
        "city",
        "network",
        "role",
        "joined_on",
        "joined_on_precision",
        "left_on",
        "left_on_precision",
        "source",
    ]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region_display", "kind", "population"]
    list_filter = [RegionFilter, "kind", "country"]
    search_fields = ["name", "slug", "aliases", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["source"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "aliases", "country", "kind", "population")}),
        (_("Location and identifiers"), {"fields": ("latitude", "longitude", "wikidata_id")}),
        SOURCED_FIELDSET,
    )

    @admin.display(description=_("world region"))
    def region_display(self, obj: City) -> str:
        return Region(obj.region).label if obj.region else ""


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "scope",
        "region",
        "founded_year",
        "has_formal_membership",
    ]
    list_filter = ["kind", "scope", "has_formal_membership"]
    search_fields = ["name", "acronym", "slug", "aliases", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "source"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "acronym", "slug", "aliases", "kind", "scope", "region")}),
        (
            _("Details"),
            {
                "fields": (
                    "founded_year",
                    "website",
                    "description",
                    "parent",
                    "has_formal_membership",
                )
            },
        ),
        SOURCED_FIELDSET,
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["city", "network", "role", "joined_on", "left_on", "source"]
    list_filter = ["role", "network__kind", "joined_on_precision"]
    search_fields = ["city__name", "network__name", "network__acronym"]
    list_select_related = ["city", "network", "source"]
    autocomplete_fields = ["city", "network", "source"]
    date_hierarchy = "joined_on"
