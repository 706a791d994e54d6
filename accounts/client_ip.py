"""The client address for login rate limits, trusting X-Forwarded-For only as far as the
number of proxies the operator declared (``NUM_PROXIES``): any client can send the header."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The login attempt's address for axes, trusting X-Forwarded-For only as far as NUM_PROXIES."""
    proxies = settings.NUM_PROXIES
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")
