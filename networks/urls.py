from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.NetworkListView.as_view(), name="network-list"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
    path("sources/<slug:key>/", views.SourceDetailView.as_view(), name="source-detail"),
]
