"""Reads for pledges: the public pages only ever see published pledges."""

from __future__ import annotations

from django.db.models import QuerySet

from pledges.models import Pledge


def pledge_list() -> QuerySet[Pledge]:
    return Pledge.objects.for_listing()


def pledge_profile() -> QuerySet[Pledge]:
    return Pledge.objects.for_profile()
