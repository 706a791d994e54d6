"""Curators' admin for events, declarations and signatures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration, Event, EventSeries, Signature, Topic
from declarations.resources import DeclarationResource, SignatureResource
from networks.admin import SOURCED_FIELDSET, BulkCurationMixin


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "organiser"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organiser"]
    list_select_related = ["organiser"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "series", "edition", "start_date", "place"]
    list_filter = ["series", "start_date_precision"]
    search_fields = ["name", "slug", "place", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["series", "city", "organisers", "source"]
    list_select_related = ["series"]
    date_hierarchy = "start_date"
    fieldsets = (
        (None, {"fields": ("name", "slug", "series", "edition", "organisers")}),
        (
            _("When and where"),
            {
                "fields": (
                    "start_date",
                    "start_date_precision",
                    "end_date",
                    "place",
                    "city",
                    "website",
                )
            },
        ),
        (None, {"fields": ("description",)}),
        SOURCED_FIELDSET,
    )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    autocomplete_fields = ["city", "source"]
    fields = [
        "city",
        "signed_on",
        "signed_on_precision",
        "signatory_office",
        "source",
        "source_locator",
    ]


@admin.register(Declaration)
class DeclarationAdmin(BulkCurationMixin, admin.ModelAdmin):
    resource_classes = [DeclarationResource]
    list_display = ["title", "kind", "issuer", "date", "date_precision", "declared_signatory_count"]
    list_filter = ["kind", "date_precision", "topics", "language"]
    search_fields = [
        "title",
        "slug",
        "aliases",
        "summary",
        "issuer__name",
        "issuer__acronym",
        "issuer_text",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["issuer", "event", "topics", "source"]
    list_select_related = ["issuer"]
    date_hierarchy = "date"
    inlines = [SignatureInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "aliases", "kind", "issuer", "issuer_text", "event")}),
        (
            None,
            {"fields": ("date", "date_precision", "place", "language", "topics", "url", "summary")},
        ),
        (None, {"fields": ("declared_signatory_count", "declared_count_qualifier")}),
        SOURCED_FIELDSET,
    )


@admin.register(Signature)
class SignatureAdmin(BulkCurationMixin, admin.ModelAdmin):
    resource_classes = [SignatureResource]
    list_display = ["city", "declaration", "signed_on", "signatory_office", "source"]
    list_filter = ["signed_on_precision", "declaration__kind"]
    search_fields = ["city__name", "declaration__title", "signatory_office"]
    list_select_related = ["city", "declaration", "source"]
    autocomplete_fields = ["declaration", "city", "source"]
