"""Curators' admin: searchable, filterable, with autocomplete for every foreign key."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX, Format
from import_export.forms import ExportForm
from import_export.results import Result, RowResult

from networks.models import City, Membership, Network, Source
from networks.regions import Region, countries_in
from networks.resources import CityResource, MembershipResource, NetworkResource

SOURCED_FIELDSET = (_("Provenance"), {"fields": ("source", "source_locator", "notes")})

#: Row failures listed after a refused confirm step; the rest are summarised in a count.
MAX_LISTED_FAILURES = 20


def import_failures(result: Result) -> list[str]:
    """One line per failing row and column, numbered as in the preview table."""
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        lines += [
            _("Row %(number)s: %(message)s") % {"number": number, "message": error.error}
            for error in errors
        ]
    for row in result.invalid_rows:
        for column, column_errors in row.error_dict.items():
            lines += [
                _("Row %(number)s, %(column)s: %(message)s")
                % {"number": row.number, "column": column, "message": message}
                for message in column_errors
            ]
    return lines


class BulkCurationMixin(ImportExportMixin):
    """CSV, XLSX and JSON import and export: a dry run previews the file, then every row is
    imported or none is (``IMPORT_EXPORT_USE_TRANSACTIONS`` and the resources' rollback rule).

    Exports always carry every column, so an exported file is complete and re-importable. That
    also keeps the export page free of the selectable-fields form's inline ``onchange`` handler,
    which the site's Content-Security-Policy would block.
    """

    formats: list[type[Format]] = [CSV, XLSX, JSON]
    import_formats: list[type[Format]] = formats
    export_formats: list[type[Format]] = formats
    export_form_class = ExportForm

    def has_import_permission(self, request: HttpRequest) -> bool:
        """An import adds and changes rows, so it takes both permissions; the library's default
        (no ``IMPORT_EXPORT_IMPORT_PERMISSION_CODE``) would let any staff user import."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """Say in words what the preview table shows: how many rows are new, changed or same."""
        response = super().import_action(request, **kwargs)
        context = response.context_data if isinstance(response, TemplateResponse) else None
        result = (context or {}).get("result")
        if result is None:
            return response
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing can be imported from this file: correct the rows listed below "
                    "and upload it again."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "Preview, nothing saved yet: %(new)s new, %(update)s to update, "
                    "%(skip)s unchanged."
                )
                % {
                    "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                    "update": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                    "skip": result.totals[RowResult.IMPORT_TYPE_SKIP],
                },
            )
        return response

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        """A confirm step that failed was rolled back: report the rows, not "Import finished".

        It happens when the data changed after the preview (a network renamed meanwhile).
        """
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        failures = import_failures(result)
        messages.error(request, _("Nothing was imported; the file was rejected."))
        for line in failures[:MAX_LISTED_FAILURES]:
            messages.error(request, line)
        if len(failures) > MAX_LISTED_FAILURES:
            messages.error(
                request,
                _("…and %(count)s more.") % {"count": len(failures) - MAX_LISTED_FAILURES},
            )
        url = reverse(
            "admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name
        )
        return HttpResponseRedirect(url)


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
class CityAdmin(BulkCurationMixin, admin.ModelAdmin):
    resource_classes = [CityResource]
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
class NetworkAdmin(BulkCurationMixin, admin.ModelAdmin):
    resource_classes = [NetworkResource]
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
class MembershipAdmin(BulkCurationMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["city", "network", "role", "joined_on", "left_on", "source"]
    list_filter = ["role", "network__kind", "joined_on_precision"]
    search_fields = ["city__name", "network__name", "network__acronym"]
    list_select_related = ["city", "network", "source"]
    autocomplete_fields = ["city", "network", "source"]
    date_hierarchy = "joined_on"
