"""Login, logout and password pages: Django's auth views with this site's templates.

Mounted at ``accounts/`` without a namespace, because Django's views and the admin reverse the
plain names (``login``, ``password_reset_confirm``…). Failed logins are counted by django-axes
through the authentication backend, so these views need nothing extra for the lockout.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.functional import lazy

# Read when an e-mail is written, not when the URLs load, so a changed setting takes effect.
_site_url = lazy(lambda: settings.SITE_URL.rstrip("/"), str)

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # POST only (Django's LogoutView): a link or an image cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            # The link in the e-mail points at the configured site, never at whatever Host
            # header the request that asked for it carried.
            extra_email_context={"site_url": _site_url()},
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
