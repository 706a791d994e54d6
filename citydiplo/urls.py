from django.contrib import admin
from django.urls import include, path

from citydiplo import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("networks.urls")),
    path("", include("declarations.urls")),
    path("", include("pledges.urls")),
]
