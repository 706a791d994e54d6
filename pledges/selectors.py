"""Reads for pledges: the public pages only ever see published pledges."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from pledges.models import Objective, Pledge, ProgressReport


def pledge_list() -> QuerySet[Pledge]:
    return (
        Pledge.objects.published()
        .select_related("city", "network", "event")
        .prefetch_related(Prefetch("objectives", Objective.objects.order_by("framework", "number")))
        .order_by("-made_on", "-created_at", "pk")
    )


def pledge_profile() -> QuerySet[Pledge]:
    return (
        pledge_list()
        .select_related("source")
        .prefetch_related(
            "partner_cities",
            "partner_networks",
            Prefetch(
                "progress_reports", ProgressReport.objects.order_by("-reported_on", "-created_at")
            ),
        )
    )
