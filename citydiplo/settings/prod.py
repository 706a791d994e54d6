"""Production: every secret comes from the environment, and the process refuses to start without."""

from wsgiref.headers import Headers

from csp.utils import build_policy, default_config
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, LOGGING, SECRET_KEY, _log_format, env

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
# Files with a content hash in their name (all that {% static %} links to) are sent with
# "Cache-Control: max-age=315360000, public, immutable"; a gzip copy is kept beside each.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")  # noqa: F405

# WhiteNoise answers static files before CSPMiddleware runs: they get the pages' policy here, since
# an SVG or HTML file opened on its own is a document that could run script.
_static_file_csp = build_policy(config=default_config(CONTENT_SECURITY_POLICY["DIRECTIVES"]))


def _static_file_headers(headers: Headers, path: str, url: str) -> None:
    headers["Content-Security-Policy"] = _static_file_csp


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers

# Each worker keeps its connections open for CONN_MAX_AGE seconds (0: one per request) and checks
# a kept connection before the first query of a request, so a restarted server costs no error.
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _database["CONN_HEALTH_CHECKS"] = True
del _database

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
# Django's default, stated: no script can read the session cookie.
SESSION_COOKIE_HTTPONLY = True
# Django's default, stated: other sites' requests carry the session only on top-level GETs.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
# No script reads the CSRF cookie: forms carry the token, Swagger UI gets it from its page.
CSRF_COOKIE_HTTPONLY = True
# Django's default, stated: as the session cookie.
CSRF_COOKIE_SAMESITE = "Lax"
# The language switcher's cookie: sent over HTTPS only (Django's default would send it over HTTP).
LANGUAGE_COOKIE_SECURE = True
# Nothing reads the language cookie but the server.
LANGUAGE_COOKIE_HTTPONLY = True
# As the session cookie (Django sets no SameSite on it by default).
LANGUAGE_COOKIE_SAMESITE = "Lax"
# (The messages cookie follows the SESSION_COOKIE_* settings; the read replica's pin cookie,
# citydiplo/db_router.py, follows SESSION_COOKIE_SECURE and is always HttpOnly and Lax.)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# SMTP for password-reset and notification mail, e.g. EMAIL_URL=smtp+tls://user:pw@host:587
# (the sender is DEFAULT_FROM_EMAIL, see base). Unset, mail only goes to the log.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

# One JSON object per line unless LOG_FORMAT=text.
LOGGING["handlers"]["console"]["formatter"] = _log_format("json")
