from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledges/", views.PledgeListView.as_view(), name="pledge-list"),
    path("pledges/<int:pk>/", views.PledgeDetailView.as_view(), name="pledge-detail"),
]
