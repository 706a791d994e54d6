"""Template helpers for listings: links that change one query parameter and keep the rest."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_url(context: template.Context, field: str) -> str:
    """Link for a sortable column: ascending first, then toggles; back to page 1."""
    query: QueryDict = context["request"].GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context: template.Context, field: str) -> str:
    """The aria-sort value of a column header."""
    current = context["request"].GET.get("sort", "")
    if current == field:
        return "ascending"
    if current == f"-{field}":
        return "descending"
    return "none"


@register.simple_tag(takes_context=True)
def query_without(context: template.Context, *names: str) -> str:
    """The current query string minus some parameters (the page, say), for export links."""
    query: QueryDict = context["request"].GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
