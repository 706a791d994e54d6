from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("accounts")

    def ready(self) -> None:
        # drf-spectacular registers extensions when their module is imported.
        from accounts import schema  # noqa: F401
