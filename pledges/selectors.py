"""Reads for pledges: the public pages only ever see published pledges."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from networks.history import Version, public_history
from pledges import access
from pledges.models import ModerationState, Pledge, PledgeTransition


def pledge_list() -> QuerySet[Pledge]:
    return Pledge.objects.for_listing()


def pledge_profile() -> QuerySet[Pledge]:
    return Pledge.objects.for_profile()


def pledge_profile_for(user: Any) -> QuerySet[Pledge]:
    """The pledges this user may open: published ones, plus their own cities' in any state and,
    for moderators, everything submitted."""
    return Pledge.objects.filter(access.visible_filter(user)).with_profile_joins()


def pledge_moderation_history(pledge: Pledge) -> list[PledgeTransition]:
    """Who moved the pledge when, newest first (private: staff of its city and moderators)."""
    return list(PledgeTransition.objects.for_history().filter(pledge=pledge))


def moderation_queue() -> QuerySet[Pledge]:
    """Submitted pledges, oldest submission first: first come, first reviewed."""
    return (
        Pledge.objects.filter(moderation_state=ModerationState.SUBMITTED)
        .with_listing_joins()
        .select_related("submitted_by")
        .order_by("updated_at", "pk")
    )


def recent_decisions(limit: int = 20) -> QuerySet[PledgeTransition]:
    return (
        PledgeTransition.objects.exclude(to_state=ModerationState.SUBMITTED)
        .select_related("pledge", "pledge__city", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


# What a pledge's public page shows, so what its public history may report. Not listed, so never
# reported: moderation_state, submitted_by, uuid (the key itself), created_at; updated_at is not
# recorded at all. ``notes`` is listed because the public page prints it under "Note".
PLEDGE_PUBLIC_FIELDS = (
    "title",
    "description",
    "city",
    "network",
    "actor_text",
    "pledge_type",
    "event",
    "made_on",
    "made_on_precision",
    "planned_start",
    "planned_end",
    "evidence_url",
    "status",
    "source",
    "source_locator",
    "notes",
)


def _was_published(record: object) -> bool:
    return record.moderation_state == ModerationState.PUBLISHED  # type: ignore[attr-defined]


def pledge_public_history(pledge: Pledge, *, limit: int = 100) -> list[Version]:
    """The pledge's versions as published, newest first; one query.

    Drafts, submissions and edits awaiting moderation are skipped: each published version is
    compared with the previous published one, so unpublished wording never appears.
    """
    return public_history(pledge, fields=PLEDGE_PUBLIC_FIELDS, visible=_was_published, limit=limit)
