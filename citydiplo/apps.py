from django.apps import AppConfig


class CitydiploConfig(AppConfig):
    """The site-wide pages that compose the apps (home, and later search, timeline, profiles)."""

    name = "citydiplo"
    verbose_name = "citydiplo"
