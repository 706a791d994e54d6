"""Site-wide pages that compose the apps."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from declarations.models import Declaration, Event
from networks.models import City, Network
from pledges.models import Pledge


def home(request: HttpRequest) -> HttpResponse:
    """Counts of the knowledge base and the newest declarations, with entry points per user group."""
    counts = {
        "cities": City.objects.count(),
        "networks": Network.objects.count(),
        "declarations": Declaration.objects.count(),
        "events": Event.objects.count(),
        "pledges": Pledge.objects.published().count(),
    }
    newest = (
        Declaration.objects.select_related("issuer")
        .filter(date__isnull=False)
        .order_by("-date")[:5]
    )
    return render(request, "home.html", {"counts": counts, "newest_declarations": newest})


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
