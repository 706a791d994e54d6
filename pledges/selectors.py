"""Reads for pledges: the public pages only ever see published pledges."""

from __future__ import annotations

from django.db.models import QuerySet

from networks.history import Version, public_history
from pledges.models import ModerationState, Pledge


def pledge_list() -> QuerySet[Pledge]:
    return Pledge.objects.for_listing()


def pledge_profile() -> QuerySet[Pledge]:
    return Pledge.objects.for_profile()


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
