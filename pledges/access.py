"""Who may do what with a pledge: one place for the rules the pages, the API and the services share.

Roles: anyone reads published pledges; *city staff* (``CityStaff`` rows) draft, submit and report
on their own cities' pledges; *moderators* (the Moderators group, or any user holding
``pledges.moderate_pledge``) decide on submitted ones and assign staff in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from pledges.models import EDITABLE_STATES, CityStaff, ModerationState, Pledge

MODERATORS = "Moderators"
MODERATE_PERMISSION = "pledges.moderate_pledge"
# Kept equal to the group the migration 0006 creates; ``moderators_group()`` restores it (e.g.
# after a test flushed the database).
MODERATOR_PERMISSIONS = (
    ("pledges", "moderate_pledge"),
    ("pledges", "view_pledge"),
    ("pledges", "view_progressreport"),
    ("pledges", "view_pledgetransition"),
    ("pledges", "view_citystaff"),
    ("pledges", "add_citystaff"),
    ("pledges", "change_citystaff"),
    ("pledges", "delete_citystaff"),
    ("accounts", "view_user"),
    ("networks", "view_city"),
)


def moderators_group() -> Group:
    """The Moderators group with its permissions, created if missing."""
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    query = Q()
    for app_label, codename in MODERATOR_PERMISSIONS:
        query |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(query))
    return group


def is_moderator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(MODERATE_PERMISSION))


def staff_city_ids(user: Any) -> frozenset[int]:
    """The cities the user is staff of; one query, remembered on the user for the request."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_citydiplo_city_ids", None)
    if cached is None:
        cached = frozenset(CityStaff.objects.filter(user=user).values_list("city_id", flat=True))
        user._citydiplo_city_ids = cached
    return cached


def is_city_staff(user: Any, city_id: int | None = None) -> bool:
    ids = staff_city_ids(user)
    return bool(ids) if city_id is None else city_id in ids


def can_view(user: Any, pledge: Pledge) -> bool:
    """Published pledges are public. The rest is seen by its city's staff, and by moderators
    once submitted: a draft that never left the city stays the city's own."""
    if pledge.moderation_state == ModerationState.PUBLISHED:
        return True
    if is_city_staff(user, pledge.city_id):
        return True
    return pledge.moderation_state != ModerationState.DRAFT and is_moderator(user)


def can_see_moderation(user: Any, pledge: Pledge) -> bool:
    """The moderation history (who, comments) is private to the city's staff and moderators."""
    return is_city_staff(user, pledge.city_id) or (
        is_moderator(user) and pledge.moderation_state != ModerationState.DRAFT
    )


def can_edit(user: Any, pledge: Pledge) -> bool:
    return pledge.moderation_state in EDITABLE_STATES and is_city_staff(user, pledge.city_id)


def can_report(user: Any, pledge: Pledge) -> bool:
    return pledge.moderation_state == ModerationState.PUBLISHED and is_city_staff(
        user, pledge.city_id
    )


def can_moderate(user: Any, pledge: Pledge) -> bool:
    return pledge.moderation_state == ModerationState.SUBMITTED and is_moderator(user)


def visible_filter(user: Any) -> Q:
    """The rows ``can_view`` allows, as a filter for querysets."""
    visible = Q(moderation_state=ModerationState.PUBLISHED)
    if is_moderator(user):
        visible = ~Q(moderation_state=ModerationState.DRAFT)
    ids = staff_city_ids(user)
    return visible | Q(city_id__in=ids) if ids else visible
