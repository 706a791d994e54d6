"""Local development: safe defaults so `make run` works with no configuration at all."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Only ever used on a developer's machine; prod refuses to start without its own key.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# `manage.py demo_accounts` may create its users with a known password here.
DEMO_ACCOUNTS_ALLOWED = True
