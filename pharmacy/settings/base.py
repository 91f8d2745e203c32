"""Every setting lives here and is read from the environment; local/test/production only override.

With nothing set the project runs on an embedded default: SQLite under var/, Celery tasks run
in-process after commit, e-mail is written to var/mail/, and the cache is in-process. Setting
DATABASE_URL and REDIS_URL switches to PostgreSQL and Redis (broker and cache).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Insecure on purpose so `make run` works with no configuration; production.py refuses it.
DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pharmacy",
    "accounts",
    "catalog",
    "cart",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pharmacy.middleware.RejectNullCharactersMiddleware",
    "pharmacy.middleware.StorefrontContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pharmacy.urls"
WSGI_APPLICATION = "pharmacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pharmacy" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pharmacy.context_processors.pharmacy",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'pharmacy.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite serialises writers; waiting beats "database is locked" when a worker and the web write.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pharmacy.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # Short timeouts: an unreachable cache is skipped (see pharmacy/cache.py), not waited on.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# Without a broker, tasks run in-process; they are still queued only after commit (see orders.outbox).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Publishing must fail fast when Redis is down: the outbox keeps the message and the
# periodic re-dispatcher hands it over later, so checkout never waits on the broker.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "redispatch-pending-outbox": {
        "task": "orders.tasks.dispatch_pending_outbox_task",
        "schedule": timedelta(seconds=OUTBOX_REDISPATCH_SECONDS),
    },
    "expire-stale-carts": {
        "task": "cart.tasks.delete_stale_guest_carts_task",
        "schedule": crontab(hour=3, minute=17),
    },
}

# --- E-mail ----------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pharmacy <orders@pharmacy.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth ------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:product-list"
LOGOUT_REDIRECT_URL = "catalog:product-list"

# --- I18n, static and media --------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Prescriptions are health data: kept outside MEDIA_ROOT, with no URL, served only by a checked view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "pharmacy.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security headers (production.py adds HTTPS-only ones) ----------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- REST API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["pharmacy.api.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "pharmacy.api.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pharmacy.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
        "upload": env.str("THROTTLE_UPLOAD", default="20/hour"),
        "checkout": env.str("THROTTLE_CHECKOUT", default="30/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pharmacy API",
    "DESCRIPTION": "Catalog, cart, prescription-gated checkout and pharmacist review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docs assets come from drf-spectacular-sidecar so /api/docs/ works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set that several fields share (order status, prescription status).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PrescriptionStatusEnum": "orders.models.PrescriptionStatus",
    },
}

# --- The pharmacy itself -----------------------------------------------------------------------------
PHARMACY_NAME = env.str("PHARMACY_NAME", default="Demo Online Pharmacy")
PHARMACY_REGISTRATION = env.str("PHARMACY_REGISTRATION", default="GPhC registration 9011234 (demo)")
PHARMACY_SUPERINTENDENT = env.str("PHARMACY_SUPERINTENDENT", default="Superintendent pharmacist: A. Demo")
PHARMACY_ADDRESS = env.str("PHARMACY_ADDRESS", default="1 Example Street, London, EC1A 1AA")
PHARMACY_CONTACT_EMAIL = env.str("PHARMACY_CONTACT_EMAIL", default="help@pharmacy.invalid")
PHARMACY_CONTACT_PHONE = env.str("PHARMACY_CONTACT_PHONE", default="020 7946 0000")
PHARMACY_CURRENCY = env.str("PHARMACY_CURRENCY", default="GBP")
# Controlled drugs of these schedules are not sold online unless the pharmacy chooses to.
ALLOW_CONTROLLED_DRUGS_ONLINE = env.bool("ALLOW_CONTROLLED_DRUGS_ONLINE", default=False)
# Schedule 5 (CD Inv.) items such as co-codamol are ordinary P/POM sales in UK practice.
CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE = env.list(
    "CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE", cast=int, default=[1, 2, 3, 4]
)
PRESCRIPTION_MAX_UPLOAD_BYTES = env.int("PRESCRIPTION_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
PRESCRIPTION_VALIDITY_DAYS = env.int("PRESCRIPTION_VALIDITY_DAYS", default=183)  # UK: six months
CONTROLLED_PRESCRIPTION_VALIDITY_DAYS = env.int("CONTROLLED_PRESCRIPTION_VALIDITY_DAYS", default=28)
GUEST_CART_MAX_AGE_DAYS = env.int("GUEST_CART_MAX_AGE_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Medicine search (catalog/search.py, issue 13.1) ---------------------------------------------------
# Most names GET /api/v1/products/suggest/ and the header search box offer as the shopper types.
SEARCH_SUGGEST_LIMIT = env.int("SEARCH_SUGGEST_LIMIT", default=10)
# How close (0-1, difflib ratio) a catalog word must be to an unknown word to be offered as "Did you mean".
SEARCH_SUGGESTION_CUTOFF = env.float("SEARCH_SUGGESTION_CUTOFF", default=0.75)
