"""Production: every secret comes from the environment, and the process refuses to start without."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)

if (
    not SECRET_KEY
    or len(SECRET_KEY) < 32
    or SECRET_KEY.startswith(("dev-", "test-", "django-insecure"))
):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 32 characters.")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not env.list("ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names this site is served under.")

# WhiteNoise serves the collected, hashed static files straight from the app server.
MIDDLEWARE = [*MIDDLEWARE[:1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the container
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Covering subdomains and joining the preload list bind every host under the domain to HTTPS for
# months: the operator opts in, so Django's reminders about them are silenced here.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# SMTP for password-reset and notification mail, e.g. EMAIL_URL=smtp+tls://user:pw@host:587
# (the sender is DEFAULT_FROM_EMAIL, see base). Unset, mail only goes to the log.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
