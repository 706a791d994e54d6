from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledges/", views.PledgeListView.as_view(), name="pledge-list"),
    path("pledges/new/", views.pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge-detail"),
    path("pledges/<int:pk>/edit/", views.pledge_edit, name="pledge-edit"),
    path("pledges/<int:pk>/reports/new/", views.progress_report_create, name="report-create"),
    path("pledges/<int:pk>/export/<slug:key>/", views.pledge_export, name="pledge-export"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("moderation/<int:pk>/", views.moderation_decide, name="moderation-decide"),
    path("my-city/", views.dashboard, name="dashboard"),
]
