"""Reads for events and declarations; the joins live in the QuerySet methods."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from declarations.models import Declaration, Event, Signature

# A detail page shows this many rows of a long table at a time (as the listings do).
ROWS_PER_PAGE = 50


def declaration_list() -> QuerySet[Declaration]:
    return Declaration.objects.for_listing()


def declaration_profile() -> QuerySet[Declaration]:
    return Declaration.objects.for_profile()


def declaration_signatures(declaration: Declaration) -> QuerySet[Signature]:
    return Signature.objects.for_declaration(declaration)


def signature_position(declaration: Declaration, pk: object) -> int | None:
    """Where signature ``pk`` stands (1-based) in ``declaration_signatures``; None if it is not
    one of the declaration's. Two queries, each touching only this declaration's rows."""
    try:
        row = Signature.objects.select_related("city").get(declaration=declaration, pk=int(str(pk)))
    except (ValueError, Signature.DoesNotExist):
        return None
    name = row.city.name
    before = Q(city__name__lt=name) | Q(city__name=name, pk__lt=row.pk)
    return Signature.objects.filter(before, declaration=declaration).count() + 1


def event_list() -> QuerySet[Event]:
    return Event.objects.for_listing()


def event_profile() -> QuerySet[Event]:
    return Event.objects.for_profile()
