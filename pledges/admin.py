"""Curators' admin for the UN frameworks, pledges and their progress reports."""

from django.contrib import admin

from networks.admin import SOURCED_FIELDSET
from pledges.models import Framework, Objective, Pledge, ProgressReport


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "adopted_on", "resolution"]
    search_fields = ["code", "name"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["label", "title"]
    list_filter = ["framework"]
    search_fields = ["title", "framework__code"]
    ordering = ["framework", "number"]


class ProgressReportInline(admin.StackedInline):
    model = ProgressReport
    extra = 0
    fields = ["reported_on", "status", "narrative", "evidence_url"]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "city",
        "network",
        "pledge_type",
        "moderation_state",
        "status",
        "made_on",
    ]
    list_filter = ["moderation_state", "status", "pledge_type", "objectives__framework"]
    search_fields = ["title", "description", "city__name", "network__name", "actor_text"]
    list_select_related = ["city", "network"]
    autocomplete_fields = [
        "city",
        "network",
        "partner_cities",
        "partner_networks",
        "objectives",
        "event",
        "submitted_by",
        "source",
    ]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [ProgressReportInline]
    fieldsets = (
        (None, {"fields": ("uuid", "title", "description", "city", "network", "actor_text")}),
        (None, {"fields": ("objectives", "pledge_type", "event", "made_on", "made_on_precision")}),
        (
            None,
            {
                "fields": (
                    "partner_cities",
                    "partner_networks",
                    "planned_start",
                    "planned_end",
                    "evidence_url",
                )
            },
        ),
        (
            None,
            {"fields": ("moderation_state", "status", "submitted_by", "created_at", "updated_at")},
        ),
        SOURCED_FIELDSET,
    )


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["pledge", "reported_on", "status"]
    list_filter = ["status"]
    search_fields = ["pledge__title", "narrative"]
    list_select_related = ["pledge"]
    autocomplete_fields = ["pledge", "created_by"]
    date_hierarchy = "reported_on"
