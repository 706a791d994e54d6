"""The site's URLs plus the baseline views, served by the same gunicorn and middleware."""

from django.urls import path

from bench.baseline import baseline
from citydiplo.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("_baseline/<slug:name>", baseline, name="bench-baseline"), *site_urlpatterns]
