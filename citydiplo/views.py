"""Site-wide pages that compose the apps: home, cities, timeline, search."""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView

from citydiplo import datapackage, selectors
from citydiplo.errors import RETRY_AFTER_SECONDS
from citydiplo.filters import CityFilter, TimelineForm
from citydiplo.search import KINDS as SEARCH_KINDS
from citydiplo.search import search as run_search
from networks.charts import bar_chart_svg
from networks.jsonld import city_jsonld
from networks.listing import FilteredListView, csv_response, errors_response, filtered_or_400
from networks.maps import world_map_svg
from networks.regions import Region, SubRegion, region_of, subregion_of
from networks.selectors import city_points, map_of

REGION_LABELS = {**dict(Region.choices), **dict(SubRegion.choices)}

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Counts of the knowledge base, the newest facts, and where each group of users starts."""
    return render(
        request,
        "home.html",
        {
            "counts": selectors.home_counts(),
            "newest_declarations": selectors.newest_declarations(),
            "newest_pledges": selectors.newest_pledges(),
        },
    )


# Outside ATOMIC_REQUESTS: opening the request's transaction would connect before the view runs,
# and a database that is down would then be a 500 instead of this view's 503.
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: the process is up and the (primary)
    database answers one ``SELECT 1``. If it does not, 503 and a hint when to ask again, so a
    balancer takes this instance out of rotation rather than counting server errors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        # django.request logs the 503 itself; this says why.
        logger.warning("Health check: the database does not answer: %s", str(error).strip())
        response = JsonResponse(
            {"status": "unavailable", "database": "unreachable"},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


# --- cities -----------------------------------------------------------------------------------


class CityListView(FilteredListView):
    template_name = "citydiplo/city_list.html"
    context_object_name = "cities"
    filterset_class = CityFilter

    def get_base_queryset(self):
        return selectors.city_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not self.filters_invalid:
            # The map shows every filtered city, not only this page's: one narrow query. Cities
            # without coordinates on record are shown by shading their country.
            city_map = map_of(self.object_list)  # capped: thousands of points help nobody
            context["map"] = world_map_svg(
                city_map.points,
                title=_("Countries of the cities listed, and the cities with coordinates"),
                highlight_countries=city_map.countries,
            )
            context["city_map"] = city_map
            query = self.request.GET.copy()
            query.pop("page", None)
            context["csv_url"] = "cities.csv" + ("?" + query.urlencode() if query else "")
        return context


CITY_CSV_COLUMNS = [
    ("name", lambda c: c.name),
    ("slug", lambda c: c.slug),
    ("country_code", lambda c: c.country.code),
    ("country", lambda c: c.country.name),
    ("region", lambda c: REGION_LABELS.get(region_of(c.country.code), "")),
    ("subregion", lambda c: REGION_LABELS.get(subregion_of(c.country.code), "")),
    ("kind", lambda c: c.kind),
    ("population", lambda c: c.population if c.population is not None else ""),
    ("latitude", lambda c: c.latitude if c.latitude is not None else ""),
    ("longitude", lambda c: c.longitude if c.longitude is not None else ""),
    ("networks", lambda c: c.n_networks),
    ("declarations_signed", lambda c: c.n_declarations),
    ("published_pledges", lambda c: c.n_pledges),
    ("wikidata_id", lambda c: c.wikidata_id),
]


def city_csv(request: HttpRequest) -> HttpResponse:
    """Exactly the rows the listing shows for the same query string, on every page at once."""
    rows, filterset = filtered_or_400(request, CityFilter, selectors.city_list())
    if rows is None:
        return errors_response(filterset)
    columns = [
        *CITY_CSV_COLUMNS,
        ("url", lambda c: request.build_absolute_uri(c.get_absolute_url())),
    ]
    return csv_response(rows.iterator(chunk_size=500), columns, "citydiplo-cities.csv")


# A city profile lists this many of the city's newest published pledges.
PROFILE_PLEDGES = 20


class CityDetailView(DetailView):
    template_name = "citydiplo/city_detail.html"
    context_object_name = "city"

    def get_queryset(self):
        # The newest pledges; the listing filtered by the city has them all.
        return selectors.city_profile(pledges=PROFILE_PLEDGES).annotate(
            n_pledges=selectors.city_counts(networks=False)["n_pledges"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        city = self.object
        peers = selectors.city_peers(city)
        points = city_points([city, *peers], emphasis=city)
        context["map"] = world_map_svg(
            points,
            title=_("%(city)s on a world map, with its country and peer cities")
            % {"city": city.name},
            highlight_countries=[city.country.code],
            zoom_to_points=city.latitude is not None,
        )
        context.update(
            peers=peers,
            history=selectors.city_history(city),
            sources=selectors.city_sources(city),
            region_label=REGION_LABELS.get(city.region, ""),
            subregion_label=REGION_LABELS.get(subregion_of(city.country.code), ""),
            jsonld=city_jsonld(city, self.request.build_absolute_uri),
        )
        return context


# --- timeline and search ----------------------------------------------------------------------


def timeline(request: HttpRequest) -> HttpResponse:
    form = TimelineForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "filters_invalid": True, "groups": []}
        return render(request, "citydiplo/timeline.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    items, cut = selectors.timeline(filters)
    shows_declarations = not filters.get("kind") or "declaration" in filters["kind"]
    chart_data = (
        selectors.declarations_per_year(selectors.timeline_declarations(filters))
        if shows_declarations
        else []
    )
    context = {
        "form": form,
        "groups": selectors.group_by_year(items, newest_first=True),
        "counts": selectors.group_counts(items),
        "cut": cut,
        "limit": selectors.TIMELINE_LIMIT,
        "declarations_per_year": chart_data,
        "declarations_chart": bar_chart_svg(
            chart_data,
            title=_("Declarations per year"),
            value_label=lambda n: ngettext("%(n)s declaration", "%(n)s declarations", n) % {"n": n},
        ),
    }
    return render(request, "citydiplo/timeline.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    kinds = (kind,) if kind in SEARCH_KINDS else None
    hits = run_search(query, kinds=kinds) if query else []
    return render(
        request,
        "citydiplo/search.html",
        {"query": query, "hits": hits, "kind": kind if kinds else "", "kinds": SEARCH_KINDS},
    )


# --- open data --------------------------------------------------------------------------------


def _data_context(request: HttpRequest) -> dict[str, Any]:
    packages = datapackage.published_packages()
    latest = packages[0] if packages else None
    return {
        "packages": packages,
        "latest": latest,
        "latest_url": request.build_absolute_uri(
            reverse("site:data-download", kwargs={"filename": latest.filename})
        )
        if latest
        else "",
        "tables": [
            {"name": t.name, "filename": t.filename, "description": t.description}
            for t in datapackage.TABLES
        ],
        "licenses": datapackage.licenses(),
        "keep": datapackage.KEEP_PUBLISHED,
    }


def data(request: HttpRequest) -> HttpResponse:
    """The citable dumps: what they hold, how to cite them, and the files themselves."""
    return render(request, "citydiplo/data.html", _data_context(request))


def data_latest(request: HttpRequest) -> HttpResponse:
    """A stable address for scripts; redirects (302) so the file's dated name shows."""
    packages = datapackage.published_packages()
    if not packages:
        context = {**_data_context(request), "none_published": True}
        return render(request, "citydiplo/data.html", context, status=404)
    return redirect("site:data-download", filename=packages[0].filename)


def data_download(request: HttpRequest, filename: str) -> FileResponse:
    """One published zip; only names of the published pattern are served, never a path."""
    if datapackage.package_date(filename) is None:
        raise Http404
    try:
        fh = (Path(settings.DATAPACKAGE_DIR) / filename).open("rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    return FileResponse(fh, as_attachment=True, filename=filename, content_type="application/zip")
