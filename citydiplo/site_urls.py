"""URLs of the site-wide pages (namespace ``site``)."""

from django.urls import path

from citydiplo import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.CityListView.as_view(), name="city-list"),
    path("cities/cities.csv", views.city_csv, name="city-csv"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="city-detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("search/", views.search, name="search"),
    path("data/", views.data, name="data"),
    path("data/latest.zip", views.data_latest, name="data-latest"),
    path("data/<str:filename>", views.data_download, name="data-download"),
]
