"""Curators' admin for the UN frameworks, pledges and their progress reports."""

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import UserAdmin
from accounts.models import User
from networks.admin import SOURCED_FIELDSET
from pledges.models import (
    CityStaff,
    Framework,
    Objective,
    Pledge,
    PledgeTransition,
    ProgressReport,
)


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
    fields = ["reported_on", "status", "narrative", "evidence_url", "review"]
    autocomplete_fields = ["review"]


class PledgeTransitionInline(admin.TabularInline):
    """The moderation record, read-only: decisions are made on /moderation/, where the service
    checks the move, records it once and mails the city."""

    model = PledgeTransition
    extra = 0
    fields = ["created_at", "from_state", "to_state", "actor", "comment"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
    inlines = [ProgressReportInline, PledgeTransitionInline]
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
    autocomplete_fields = ["pledge", "created_by", "review"]
    date_hierarchy = "reported_on"


@admin.register(CityStaff)
class CityStaffAdmin(admin.ModelAdmin):
    """Where moderators say who speaks for which city (the Moderators group may use it)."""

    list_display = ["user", "city", "created_at"]
    search_fields = ["user__username", "user__email", "city__name"]
    autocomplete_fields = ["user", "city"]
    list_select_related = ["user", "city"]
    readonly_fields = ["created_at"]


class CityStaffInline(admin.TabularInline):
    model = CityStaff
    extra = 0
    fields = ["city", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["city"]


# The user page lists the person's cities too. accounts must not import pledges (it sits lower in
# the import chain), so the user admin is extended from this side.
admin.site.unregister(User)


@admin.register(User)
class UserWithCitiesAdmin(UserAdmin):
    inlines = [CityStaffInline, *UserAdmin.inlines]
