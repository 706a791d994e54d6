"""Reads for events and declarations; the joins live in the QuerySet methods."""

from __future__ import annotations

from django.db.models import QuerySet

from declarations.models import Declaration, Event


def declaration_list() -> QuerySet[Declaration]:
    return Declaration.objects.for_listing()


def declaration_profile() -> QuerySet[Declaration]:
    return Declaration.objects.for_profile()


def event_list() -> QuerySet[Event]:
    return Event.objects.for_listing()


def event_profile() -> QuerySet[Event]:
    return Event.objects.for_profile()
