"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    # The canonical address drops the query string: filtered views are variants of one page.
    return {"canonical_url": request.build_absolute_uri(request.path)}
