"""Values every page template needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pledges import access


def site(request: HttpRequest) -> dict[str, Any]:
    # The canonical address drops the query string: filtered views are variants of one page.
    user = request.user
    return {
        "canonical_url": request.build_absolute_uri(request.path),
        # Lazy: the header's account links cost a query only for signed-in users.
        "is_city_staff": lambda: access.is_city_staff(user),
        "is_moderator": lambda: access.is_moderator(user),
    }
