"""Settings shared by every environment; values that differ per machine come from the environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "django_countries",
    "csp",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "accounts",
    "networks",
    "declarations",
    "pledges",
    "citydiplo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "citydiplo.errors.RequestSizeLimitMiddleware",
    # Records who made each admin change in the history tables (never shown publicly).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a login refused for too many failures into the lockout page; axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citydiplo.urls"
WSGI_APPLICATION = "citydiplo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "citydiplo.context_processors.site",
            ],
        },
    },
]

# SQLite file in the checkout unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a plan when its estimated cost is high: that pays for long
    # reports, not for page queries, where it added 200 ms to a 85 ms query (measured on the
    # generated volume, bench/README.md). Off for the app's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# A PostgreSQL read replica (streaming replication of the primary), e.g.
# DATABASE_REPLICA_URL=postgres://app@replica.internal:5432/citydiplo. Reads of GET/HEAD/OPTIONS
# requests go there, everything else to the primary (citydiplo/db_router.py). After a POST or
# other unsafe request the client reads from the primary for REPLICA_PIN_SECONDS, so it sees its
# own write although the replica lags.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    # Read-only and autocommit: only the primary's requests are transactions.
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable replica must fail fast, since the request then reads from the primary
        # instead; libpq waits for the operating system's TCP timeout otherwise. (A
        # ?connect_timeout=N in the URL wins.)
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
        DATABASES["replica"]["OPTIONS"].setdefault("options", "-c jit=off")
    # Tests get no second test database: there the replica alias reads the test primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["citydiplo.db_router.ReplicaRouter"]
    # After SecurityMiddleware (and WhiteNoise in prod) so that static files never pass through
    # it, and before everything that reads the database (sessions, users).
    MIDDLEWARE.insert(1, "citydiplo.db_router.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Axes first: it refuses locked-out accounts and addresses before any password is checked. It
# has no ``get_user``, so sessions (and ``Client.force_login``) use ModelBackend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# URLs typed without a scheme are taken as https (Django 6 default, opted into now).
FORMS_URLFIELD_ASSUME_HTTPS = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Kosovo is missing from ISO 3166-1 but cities there take part in the networks we record.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}

# Cache and API throttle state. Per-process memory multiplies every limit by the number of
# workers, so production sets CACHE_URL=redis://... (the one cache all workers share).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# How many reverse proxies in front of the app append to X-Forwarded-For (as DRF's NUM_PROXIES).
# 0: the address is REMOTE_ADDR and the header is ignored, since any client can send one. Behind
# a proxy REMOTE_ADDR is the proxy's own address, so set NUM_PROXIES=1 there (one address would
# otherwise lock out everyone): the address is then the one the outermost proxy saw.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# The read API is open data: anonymous clients get a modest rate, partners with a token more.
API_ANON_RATE = env.str("API_ANON_RATE", default="120/min")
API_PARTNER_RATE = env.str("API_PARTNER_RATE", default="1200/min")
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.AnonymousRateThrottle",
        "accounts.throttling.PartnerRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "partner": API_PARTNER_RATE},
    "DEFAULT_SCHEMA_CLASS": "networks.api_schema.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["networks.api_json.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "networks.api_base.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    # the API throttles read the client address by the same rule as the login limits
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "citydiplo API",
    "DESCRIPTION": (
        "Open data on city diplomacy in migration: cities, networks and memberships, events, "
        "declarations and signatures, and published pledges to the Global Compacts. Every fact "
        "carries its source. Version 1 is stable: see the deprecation policy in the README."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "CC BY 4.0 (data); see /data/ for sources"},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "networks.api_schema.drop_backend_integer_bounds",
    ],
    # Several models have a "kind" or a date precision: name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "CityKindEnum": "networks.models.LocalGovernmentKind",
        "NetworkKindEnum": "networks.models.NetworkKind",
        "ScopeEnum": "networks.models.Scope",
        "RoleEnum": "networks.models.Role",
        "DatePrecisionEnum": "networks.dates.DatePrecision",
        "DeclarationKindEnum": "declarations.models.DeclarationKind",
        "CountQualifierEnum": "declarations.models.CountQualifier",
        "PledgeTypeEnum": "pledges.models.PledgeType",
        "ImplementationStatusEnum": "pledges.models.ImplementationStatus",
    },
    "TAGS": [
        {"name": "cities", "description": "Cities and other local governments."},
        {"name": "networks", "description": "City networks, alliances and organisations."},
        {"name": "memberships", "description": "Which city belongs to which network."},
        {"name": "events", "description": "Conferences and forums where cities meet."},
        {"name": "declarations", "description": "Texts cities and networks adopted."},
        {"name": "signatures", "description": "Which city signed which declaration."},
        {"name": "pledges", "description": "Published pledges to the Global Compacts."},
        {"name": "frameworks", "description": "GCM, GCR and the SDGs."},
        {"name": "objectives", "description": "The frameworks' numbered objectives."},
    ],
}

# Request bodies (citydiplo/errors.py answers 413 above these, before reading): forms and JSON
# stay far below 1 MB; spreadsheet imports in the admin are the only uploads.
MAX_REQUEST_BODY_SIZE = env.int("MAX_REQUEST_BODY_SIZE", default=1024 * 1024)
MAX_UPLOAD_BODY_SIZE = env.int("MAX_UPLOAD_BODY_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_SIZE

# Bulk curation in the admin: an import either applies every row or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Published data packages (python manage.py export_datapackage --publish), served at /data/.
DATAPACKAGE_DIR = env.path("DATAPACKAGE_DIR", default=BASE_DIR / "var" / "datapackages")

# Everything the pages load comes from this site (assets are vendored), so the policy can be
# strict: no inline script or style, no third-party origin. JSON-LD blocks are data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# One handler on stderr. LOG_FORMAT=text (the default here and in dev) is for people reading a
# terminal; LOG_FORMAT=json (prod's default) writes one JSON object per line for a log collector
# (citydiplo/logs.py).
LOG_FORMATS = ("text", "json")


def _log_format(default: str) -> str:
    value = env.str("LOG_FORMAT", default=default)
    if value not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
    return value


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "citydiplo.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": _log_format("text")}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes reports every successful login at INFO ("deleted 0 failed attempts"); its warnings
    # (failures, lockouts) are what an operator needs.
    "loggers": {"axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")}},
}

# Where the site is served, for links in e-mails (which are sent outside any request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="citydiplo <noreply@localhost>")

# --- accounts: login, password reset, lockout --------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pledges:dashboard"
LOGOUT_REDIRECT_URL = "site:home"
# Demo users with a known password (manage.py demo_accounts): only dev and test switch this on.
DEMO_ACCOUNTS_ALLOWED = False

# Login attempts are counted (django-axes, in the database) per account and per address
# separately: the list form means either one reaching the limit locks, so guessing one account's
# password from many addresses and trying many accounts from one address are both stopped.
# A lock lifts after the cool-off; `manage.py axes_reset_username NAME` / `axes_reset_ip ADDR`
# lift it sooner. Successful logins are not logged (no login trail of addresses is kept).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True
# Axes' admin pages are read-only listings; unlocking is done with the commands above.
AXES_ENABLE_ADMIN = False


AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip_address"
# No banner on every manage.py start; lockouts are still logged as warnings.
AXES_VERBOSE = False
