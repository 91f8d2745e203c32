"""Every setting lives here and is read from the environment; local/test/production only override.

With nothing set the project runs on an embedded default: SQLite under var/, Celery tasks run
in-process after commit, e-mail is written to var/mail/, and the cache is in-process. Setting
DATABASE_URL and REDIS_URL switches to PostgreSQL and Redis (broker and cache).
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from pharmacy.log_context import logging_config

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
    "pharmacy.apps.PharmacyAdminConfig",  # the admin site needs a second factor (django-otp)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pharmacy",
    "accounts",
    "catalog",
    "cart",
    "orders",
    "dispensing",
    "safeguards",
    "delivery",
    "patients",
    "clinical",
    "payments",
    "checkout",
    "demo",  # the demo shop (top layer): load_demo_catalog and its data files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pharmacy.middleware.DatabaseUnavailableMiddleware",
    "pharmacy.middleware.RejectNullCharactersMiddleware",
    "pharmacy.middleware.StorefrontContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pharmacy.request_limits.UploadBodyLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pharmacy.request_limits.NoStoreMiddleware",
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
    # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent writers (gunicorn's
    # threads) queue for it instead of failing at once when a read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
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
# --- Outbox delivery ---------------------------------------------------------------------------------
# Beat's re-dispatch owns retries (see orders/services/notifications.py): every OUTBOX_REDISPATCH_SECONDS it
# hands over pending messages whose next attempt is due. A failed attempt waits BACKOFF × 2^(n−1) seconds,
# capped at BACKOFF_MAX; after OUTBOX_MAX_ATTEMPTS the message is FAILED. The SMTP timeout bounds each network
# wait, the task time limit bounds an attempt, and the sending lease (longer than the limit) is how long a
# claimed message is left alone before a dead worker's message is handed over again.
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_RETRY_BACKOFF_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", default=1800)
OUTBOX_TASK_TIME_LIMIT_SECONDS = env.int("OUTBOX_TASK_TIME_LIMIT_SECONDS", default=60)
OUTBOX_SENDING_LEASE_SECONDS = env.int("OUTBOX_SENDING_LEASE_SECONDS", default=OUTBOX_TASK_TIME_LIMIT_SECONDS + 30)
OUTBOX_DISPATCH_LEASE_SECONDS = env.int("OUTBOX_DISPATCH_LEASE_SECONDS", default=300)
OUTBOX_MESSAGE_ID_DOMAIN = env.str("OUTBOX_MESSAGE_ID_DOMAIN", default="pharmacy.invalid")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
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
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
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
        "accounts.authentication.TokenAuthentication",  # knox's, with fixed-length staff tokens
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
        "pharmacy.throttling.AnonThrottle",
        "pharmacy.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
        "upload": env.str("THROTTLE_UPLOAD", default="20/hour"),
        "checkout": env.str("THROTTLE_CHECKOUT", default="30/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
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
        "RefusalReasonEnum": "orders.refusals.RefusalReason",
        "LineDecisionEnum": "orders.models.LineDecision",
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
# Repeatable private prescriptions (UK; orders/services/repeats.py). Issues count every dispensing, the first
# included. Later issues follow the interval and end this many days after the date of issue (our choice).
REPEAT_PRESCRIPTION_DEFAULT_ISSUES = env.int("REPEAT_PRESCRIPTION_DEFAULT_ISSUES", default=2)
REPEAT_PRESCRIPTION_ORAL_CONTRACEPTIVE_ISSUES = env.int("REPEAT_PRESCRIPTION_ORAL_CONTRACEPTIVE_ISSUES", default=6)
ORAL_CONTRACEPTIVE_ATC_PREFIXES = env.list("ORAL_CONTRACEPTIVE_ATC_PREFIXES", default=["G03AA", "G03AB"])
REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES = env.list(
    "REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES", cast=int, default=[2, 3]
)
REPEAT_PRESCRIPTION_VALIDITY_DAYS = env.int("REPEAT_PRESCRIPTION_VALIDITY_DAYS", default=365)
GUEST_CART_MAX_AGE_DAYS = env.int("GUEST_CART_MAX_AGE_DAYS", default=30)

# --- Dispensing: original prescriptions, RP log, prescription register -----------------------------------
# Register entries are never deleted by the application; this documents the minimum the law asks for.
PRESCRIPTION_REGISTER_RETENTION_YEARS = env.int("PRESCRIPTION_REGISTER_RETENTION_YEARS", default=2)

# Text for people, JSON (one object per line) in production; every line carries the request id
# (pharmacy/log_context.py). production.py defaults LOG_FORMAT to json.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Client addresses, sign-in limits, password reset and e-mail verification -------------------------
# How many proxies we run in front of Django: 0 = none, the client is REMOTE_ADDR and X-Forwarded-For is
# ignored; N = the Nth X-Forwarded-For entry from the right (pharmacy/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT  # DRF's own get_ident agrees with ours
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # turns a locked-out sign-in into our lockout page
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: failed sign-ins (storefront, API, admin) counted per client address and, separately, per
# account; AXES_FAILURE_LIMIT failures lock that address or account out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address"], ["username"]]
AXES_CLIENT_IP_CALLABLE = "pharmacy.client_address.client_address"
AXES_USERNAME_CALLABLE = "accounts.sign_in_limits.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.sign_in_limits.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off runs from the lockout, not the last try
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2"]
# Axes' log lines name no attempted e-mail address (its verbose default logs them, and its client string
# carries the username, a lockout parameter): the client is named by the path alone.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "accounts.sign_in_limits.client_description"
# E-mail verification and password reset links are valid this long (Django's token generators).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# The site's address as shoppers reach it, for the links in e-mails (sent by a worker, with no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# --- API tokens and staff second factor (django-rest-knox, django-otp) ------------------------------
# Tokens are stored as SHA-512 digests, one per sign-in (device); each use slides a shopper's expiry forward.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
# Staff tokens (issued with a TOTP code) last this long from sign-in, used or not, and never slide.
STAFF_TOKEN_TTL_HOURS = env.int("STAFF_TOKEN_TTL_HOURS", default=8)
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": True,
    "AUTH_HEADER_PREFIX": "Token",
}
# The TOTP issuer shown in authenticator apps; the admin never shows a device's key after creation.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Pharmacy")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- Hardening: demo logins, upload body limit ----------------------------------------------------------
# load_demo_catalog creates the demo logins only where this is true; production.py sets it False.
DEMO_LOGINS_ALLOWED = True
# A prescription upload whose Content-Length exceeds PRESCRIPTION_MAX_UPLOAD_BYTES plus this allowance
# for the multipart framing and the form's other fields is refused (413) before its body is read.
UPLOAD_REQUEST_OVERHEAD_BYTES = env.int("UPLOAD_REQUEST_OVERHEAD_BYTES", default=64 * 1024)
# --- Stock batches and expiry -------------------------------------------------------------------------
# A batch is neither sold nor dispatched once it expires within this many days (FEFO picks the others).
STOCK_EXPIRY_MARGIN_DAYS = env.int("STOCK_EXPIRY_MARGIN_DAYS", default=30)
# --- Order review deadline (orders do not hold stock for ever) --------------------------------------
# Days an order waiting for a pharmacist keeps its stock; at its deadline beat cancels it.
ORDER_REVIEW_DEADLINE_DAYS = env.int("ORDER_REVIEW_DEADLINE_DAYS", default=14)
# Clinical checks: what we supplied a patient this many days back counts as "taking it now" for
# interactions; rules scoped to a jurisdiction (clinical/rules/*.yaml) apply only where it matches.
CLINICAL_HISTORY_DAYS = env.int("CLINICAL_HISTORY_DAYS", default=90)
CLINICAL_JURISDICTION = env.str("CLINICAL_JURISDICTION", default="GB")
# A general-sale-only order with a major or contraindicated alert waits for a pharmacist instead of being
# approved at once (the alert needs someone who can judge it).
CLINICAL_REVIEW_GSL_MAJOR_ALERTS = env.bool("CLINICAL_REVIEW_GSL_MAJOR_ALERTS", default=True)
ORDER_EXPIRY_CHECK_SECONDS = env.int("ORDER_EXPIRY_CHECK_SECONDS", default=900)
# An approved order the release gate refuses for a lasting reason (a recalled batch, an expired
# prescription) waits this long in the staff's "cannot supply" queue before it is cancelled and refunded.
CANNOT_SUPPLY_DEADLINE_DAYS = env.int("CANNOT_SUPPLY_DEADLINE_DAYS", default=3)
CELERY_BEAT_SCHEDULE["flag-orders-that-cannot-be-supplied"] = {
    "task": "dispensing.tasks.flag_orders_that_cannot_be_supplied_task",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["expire-overdue-orders"] = {
    "task": "orders.tasks.expire_overdue_orders_task",
    "schedule": timedelta(seconds=ORDER_EXPIRY_CHECK_SECONDS),
}
# --- VAT (orders/services/vat.py) --------------------------------------------------------------------------
# Prices include VAT. Products name a rate (Product.vat_rate); the rates are here, as decimal strings.
VAT_RATES = {
    "standard": env.str("VAT_RATE_STANDARD", default="0.20"),
    "reduced": env.str("VAT_RATE_REDUCED", default="0.05"),
    "zero": "0",
}
# Printed on receipts (a VAT receipt names the seller's VAT registration number); blank: not printed.
PHARMACY_VAT_NUMBER = env.str("PHARMACY_VAT_NUMBER", default="")
# --- Medicine search (catalog/search.py) ---------------------------------------------------------------
# Most names GET /api/v1/products/suggest/ and the header search box offer as the shopper types.
SEARCH_SUGGEST_LIMIT = env.int("SEARCH_SUGGEST_LIMIT", default=10)
# How close (0-1, difflib ratio) a catalog word must be to an unknown word to be offered as "Did you mean".
SEARCH_SUGGESTION_CUTOFF = env.float("SEARCH_SUGGESTION_CUTOFF", default=0.75)
# --- Object storage and prescriptions encrypted at rest (pharmacy/storage.py) --------------------------
# Without STORAGE_URL or S3_BUCKET, media and prescriptions stay in MEDIA_ROOT and PRIVATE_MEDIA_ROOT.
# With either, both go to an S3-compatible store: STORAGE_URL=s3://KEY:SECRET@BUCKET?endpoint_url=…&region=…
STORAGE_URL = env.str("STORAGE_URL", default="")
S3_SETTINGS = {
    "bucket": env.str("S3_BUCKET", default=""),
    "private_bucket": env.str("S3_PRIVATE_BUCKET", default=""),
    "endpoint_url": env.str("S3_ENDPOINT_URL", default=""),
    "region": env.str("S3_REGION", default=""),
    "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
}
if STORAGE_URL or S3_SETTINGS["bucket"]:
    from pharmacy.storage import parse_storage_url, s3_storages

    if STORAGE_URL:
        S3_SETTINGS = parse_storage_url(STORAGE_URL)
    S3_SETTINGS["private_bucket"] = S3_SETTINGS["private_bucket"] or S3_SETTINGS["bucket"]
    STORAGES = {**STORAGES, **s3_storages(**S3_SETTINGS)}
else:
    STORAGES["private"]["BACKEND"] = "pharmacy.storage.EncryptedPrivateFileSystemStorage"
# "keyid:base64key,…" (32-byte keys), the first encrypts new files and all decrypt; make a key with
# `manage.py reencrypt_prescriptions --new-key ID`. Unset: a development key generated in the file below
# (production refuses to start without the variable).
PRESCRIPTION_ENCRYPTION_KEYS = env.str("PRESCRIPTION_ENCRYPTION_KEYS", default="")
PRESCRIPTION_DEVELOPMENT_KEY_FILE = VAR_DIR / "prescription-encryption-keys"
# Set to true once reencrypt_prescriptions has reported no file "encrypted from plain": from then on a
# prescription blob stored in plain is refused (someone with write access to the bucket put it there).
PRESCRIPTION_FILES_ALL_ENCRYPTED = env.bool("PRESCRIPTION_FILES_ALL_ENCRYPTED", default=False)
# --- Operations: readiness, read replicas, metrics, structured logs -----------------------------------
# /readyz runs these checks (pharmacy/readiness.py), each in its own thread, each bounded by the timeout.
# Append a dotted path to add a dependency (e.g. the object store).
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# Each process answers /readyz from its last probe for this long (0: probe on every request).
READINESS_CACHE_SECONDS = env.float("READINESS_CACHE_SECONDS", default=1.0)
READINESS_CHECKS = [
    "pharmacy.readiness.check_database",
    "pharmacy.readiness.check_redis",
    "pharmacy.readiness.check_broker",
    "pharmacy.readiness.check_replicas",
    "pharmacy.readiness.check_object_store",
]
# Every request (and the Celery tasks it queues) carries an id: X-Request-ID in, X-Request-ID out.
MIDDLEWARE.insert(0, "pharmacy.log_context.RequestIdMiddleware")
# Workers log through LOGGING above (request ids, JSON), not through Celery's own root-logger setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Read replicas (pharmacy/db_router.py): catalog pages and the products API read the catalog from a
# replica; writes, locks, carts, checkout, orders, prescriptions, accounts and the admin use the primary.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASE_REPLICAS = []
for _index, _url in enumerate(DATABASE_REPLICA_URLS):
    _alias = f"replica_{_index}"
    DATABASES[_alias] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},  # tests see the primary's rows through the replica alias
    }
    if DATABASES[_alias]["ENGINE"].endswith("postgresql"):
        DATABASES[_alias].setdefault("OPTIONS", {})["connect_timeout"] = 2  # a dead replica is skipped fast
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["pharmacy.db_router.ReplicaRouter"]
# A replica that did not answer is left out for this long, then tried again.
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=30)
MIDDLEWARE += ["pharmacy.db_router.ReplicaReadsMiddleware"]
# Metrics (pharmacy/metrics.py): django-prometheus counts requests, latencies, database queries and cache
# hits; /metrics also shows the pharmacy gauges. It answers only `Authorization: Bearer METRICS_TOKEN`
# (no token set: 404). With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (read by prometheus_client).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
INSTALLED_APPS += ["django_prometheus"]
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE += ["django_prometheus.middleware.PrometheusAfterMiddleware"]
# Query counts and latencies per database alias: django-prometheus's wrapper of the PostgreSQL backend
# (same driver and vendor; SQLite keeps Django's engine, so the production check still recognises it).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = "django_prometheus.db.backends.postgresql"
# --- Catalog cache and conditional GET (catalog/cache.py) ---------------------------------------------
# What anonymous shoppers see (lists, product pages, leaflets, categories) is cached under a catalog
# version that every catalog write bumps; entries also expire after this many seconds (safety net).
CATALOG_CACHE_ENABLED = env.bool("CATALOG_CACHE_ENABLED", default=True)
CATALOG_CACHE_TIMEOUT = env.int("CATALOG_CACHE_TIMEOUT", default=60)
# --- Payments (payments app; README "Payments") ------------------------------------------------------
# "test": the built-in test gateway (no keys, the default; refused in production). "stripe": Stripe.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # another Stripe-compatible server (localstripe)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="stripe" if STRIPE_SECRET_KEY else "test")
# Begins every idempotency key we send the gateway, so two installations sharing one gateway account
# (staging and production, two shops) never collide. Default: derived from SECRET_KEY (not revealing it).
PAYMENT_INSTALLATION_ID = env.str(
    "PAYMENT_INSTALLATION_ID",
    default=hashlib.sha256(f"payment-installation:{SECRET_KEY}".encode()).hexdigest()[:16],
)
# Checkout places the order awaiting payment and authorises the card; off, orders go straight on.
PAYMENTS_AT_CHECKOUT = env.bool("PAYMENTS_AT_CHECKOUT", default=True)
# An order with no authorisation after this many minutes is cancelled and its stock released.
PAYMENT_AUTHORISATION_TIMEOUT_MINUTES = env.int("PAYMENT_AUTHORISATION_TIMEOUT_MINUTES", default=15)
# An order waiting for a pharmacist is cancelled (and voided) this long before its authorisation lapses.
PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS = env.int("PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS", default=12)
# An order whose card authorisation ended uncaptured (voided at the gateway, or lapsed) waits this long
# for the shopper to pay again, then is cancelled.
PAYMENT_RETRY_HOURS = env.int("PAYMENT_RETRY_HOURS", default=48)
# The shopper and the pharmacists are warned this long before an authorised order's deadline.
PAYMENT_EXPIRY_WARNING_HOURS = env.int("PAYMENT_EXPIRY_WARNING_HOURS", default=24)
# Payments untouched this long in a transitional state are asked about by the reconciliation task.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=5)
CELERY_BEAT_SCHEDULE["reconcile-payments"] = {
    "task": "payments.tasks.reconcile_payments_task",
    "schedule": timedelta(seconds=env.int("PAYMENT_RECONCILE_SECONDS", default=300)),
}
CELERY_BEAT_SCHEDULE["warn-expiring-authorisations"] = {
    "task": "payments.tasks.warn_expiring_authorisations_task",
    "schedule": timedelta(seconds=ORDER_EXPIRY_CHECK_SECONDS),
}
