from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("declarations/", views.DeclarationListView.as_view(), name="declaration-list"),
    path(
        "declarations/<slug:slug>/",
        views.DeclarationDetailView.as_view(),
        name="declaration-detail",
    ),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
