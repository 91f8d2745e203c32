"""Every setting is read from the environment here or in the modules imported below, one per concern;
local/test/production only override.

With nothing set the project runs on an embedded default: SQLite under var/, Celery tasks run
in-process after commit, e-mail is written to var/mail/, and the cache is in-process. Setting
DATABASE_URL and REDIS_URL switches to PostgreSQL and Redis (broker and cache).
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from pharmacy.log_context import logging_config

from .api import *  # noqa: F403
from .environment import BASE_DIR, DEFAULT_SECRET_KEY, SECRET_KEY, VAR_DIR, env  # noqa: F401
from .payments import *  # noqa: F403
from .security import *  # noqa: F403
from .shop import *  # noqa: F403
from .shop import ORDER_EXPIRY_CHECK_SECONDS
from .storage import *  # noqa: F403

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
    "prescriptions",  # the prescription as evidence and authority (its tables keep orders' names)
    "notifications",  # the outbox: the apps register their message builders at ready()
    "dispensing",
    "safeguards",
    "delivery",
    "patients",
    "clinical",
    "payments",
    "checkout",
    "demo",  # the demo shop (top layer): load_demo_catalog and its data files
    "privacy",  # consent, subject access exports and the retention clock (top layer: reads every app)
]

# Django's database sessions, read with a statement written once rather than an ORM query per request.
SESSION_ENGINE = "pharmacy.sessions"

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
# A worker opens a new connection when its current one reaches this age, and that request pays the
# connection's start-up and PostgreSQL's cold caches (20-35 ms more for a search at 100,000 packs): at 60 s,
# every worker did so once a minute, which set the p99 of queries in the bench's search mix. Health checks
# (below) replace a connection that died meanwhile, so a long age costs nothing in safety.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
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
# Without a broker, tasks run in-process; they are still queued only after commit (see notifications.services).
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
# Celery asks for these on every task it publishes. Unset, each question misses Django's settings (an
# AttributeError raised and caught, under the new and the old name) before Celery's default answers: set to
# those defaults, handing a task over costs about a quarter less CPU (165 -> 125 us with the memory broker).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_SEND_SENT_EVENT = False
CELERY_TASK_REPR_MAXLEVELS = 3
CELERY_BROKER_POOL_ACQUIRE_TIMEOUT = None
# --- Outbox delivery ---------------------------------------------------------------------------------
# Beat's re-dispatch owns retries (see notifications/services.py): every OUTBOX_REDISPATCH_SECONDS it
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
        # notifications.tasks keeps the name the task had in orders (messages already queued use it).
        "task": "orders.tasks.dispatch_pending_outbox_task",
        "schedule": timedelta(seconds=OUTBOX_REDISPATCH_SECONDS),
    },
    "expire-stale-carts": {
        "task": "cart.tasks.delete_stale_guest_carts_task",
        "schedule": crontab(hour=3, minute=17),
    },
    "flag-orders-that-cannot-be-supplied": {
        "task": "dispensing.tasks.flag_orders_that_cannot_be_supplied_task",
        "schedule": timedelta(hours=1),
    },
    "expire-overdue-orders": {
        "task": "orders.tasks.expire_overdue_orders_task",
        "schedule": timedelta(seconds=ORDER_EXPIRY_CHECK_SECONDS),
    },
    # The retention policy (privacy/retention.yaml), applied every night.
    "apply-retention-policy": {
        "task": "privacy.tasks.apply_retention_task",
        "schedule": crontab(hour=2, minute=41),
    },
    "reconcile-payments": {
        "task": "payments.tasks.reconcile_payments_task",
        "schedule": timedelta(seconds=env.int("PAYMENT_RECONCILE_SECONDS", default=300)),
    },
    "warn-expiring-authorisations": {
        "task": "payments.tasks.warn_expiring_authorisations_task",
        "schedule": timedelta(seconds=ORDER_EXPIRY_CHECK_SECONDS),
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

# Text for people, JSON (one object per line) in production; every line carries the request id
# (pharmacy/log_context.py). production.py defaults LOG_FORMAT to json.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# django-axes counts failed sign-ins (settings in security.py).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # turns a locked-out sign-in into our lockout page

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
# PostgreSQL's JIT compiles any plan costed above jit_above_cost, which pays off on analytic queries, not on
# ours: at 100,000 packs the in-stock product list spent about 125 ms compiling its count per request (0.5 s
# rather than 1.35 s in all). Every PostgreSQL connection, primary and replicas, starts with it off.
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Prepared statements: parameters are bound on the server, and a statement a connection has run
# DATABASE_PREPARE_THRESHOLD times is prepared there, so PostgreSQL parses and plans it once per connection
# instead of on every run. Pages and checkout repeat a handful of statements, and their database CPU fell to
# a third (a catalog page's from 0.53-0.87 ms to 0.20-0.30 ms). Set DATABASE_PREPARED_STATEMENTS=false behind
# a pooler in transaction mode (PgBouncer before 1.21), where the next transaction may get a server
# connection that never prepared the statement.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql") and DATABASE_PREPARED_STATEMENTS:
        _database["OPTIONS"].update(server_side_binding=True, prepare_threshold=DATABASE_PREPARE_THRESHOLD)
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
