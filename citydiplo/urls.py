from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from citydiplo import views
from citydiplo.sitemaps import SITEMAPS

# An unreachable database is a 503 with Retry-After, not a 500 (citydiplo/errors.py).
handler500 = "citydiplo.errors.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("citydiplo.api")),
    # The index, which names one sitemap per section; a long section is split into pages (?p=2).
    path(
        "sitemap.xml",
        index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("accounts/", include("accounts.urls")),
    path("", include("citydiplo.site_urls")),
    path("", include("networks.urls")),
    path("", include("declarations.urls")),
    path("", include("pledges.urls")),
]
