"""Production: refuses to start on settings that would be unsafe in front of patients."""

from django.core.exceptions import ImproperlyConfigured

from pharmacy.encryption import parse_keys
from pharmacy.log_context import logging_config
from pharmacy.payment_settings import payment_settings_problems

from .base import *  # noqa: F401,F403
from .base import (
    ALLOWED_HOSTS,
    CACHES,
    CELERY_TASK_ALWAYS_EAGER,
    DATABASES,
    DEBUG,
    DEFAULT_SECRET_KEY,
    EMAIL_BACKEND,
    LOG_LEVEL,
    PAYMENT_GATEWAY,
    PRESCRIPTION_ENCRYPTION_KEYS,
    SECRET_KEY,
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    env,
)

# The embedded defaults of base.py (SQLite, tasks run in-process, the in-process cache, e-mail written
# to files) lose data or work only in one process; production refuses them unless this says otherwise.
ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION = env.bool("ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION", default=False)
EMBEDDED_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMBEDDED_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
OVERRIDE_HINT = " (or set ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION=true)"


def check_production_settings(*, debug: bool, secret_key: str, allowed_hosts: list[str],
                              prescription_keys: str = "") -> None:
    problems = []
    if debug:
        problems.append("DEBUG must be off")
    if not secret_key or secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS must name the hosts this site is served on")
    # Prescriptions are encrypted at rest (pharmacy/encryption.py); never with the development key file.
    if not prescription_keys:
        problems.append("PRESCRIPTION_ENCRYPTION_KEYS must hold the key that encrypts prescriptions")
    else:
        try:
            parse_keys(prescription_keys)
        except ImproperlyConfigured as error:
            problems.append(str(error))
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")


def check_production_services(*, database_engine: str, tasks_eager: bool, cache_backend: str,
                              email_backend: str, allow_embedded: bool) -> None:
    if allow_embedded:
        return
    problems = []
    if database_engine == "django.db.backends.sqlite3":
        problems.append("DATABASE_URL must point at PostgreSQL, not SQLite" + OVERRIDE_HINT)
    if tasks_eager:
        problems.append("Celery tasks must go to a broker (set REDIS_URL), not run in-process" + OVERRIDE_HINT)
    if cache_backend in EMBEDDED_CACHE_BACKENDS:
        problems.append("the cache must be shared (set REDIS_URL), not in-process" + OVERRIDE_HINT)
    if email_backend in EMBEDDED_EMAIL_BACKENDS:
        problems.append("EMAIL_URL must name a mail server, not files or the console" + OVERRIDE_HINT)
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")


check_production_settings(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS,
                          prescription_keys=PRESCRIPTION_ENCRYPTION_KEYS)
check_production_services(
    database_engine=DATABASES["default"]["ENGINE"], tasks_eager=CELERY_TASK_ALWAYS_EAGER,
    cache_backend=CACHES["default"]["BACKEND"], email_backend=EMAIL_BACKEND,
    allow_embedded=ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION,
)

# The built-in test payment gateway takes no money: refused here (pharmacy/payment_settings.py).
PAYMENTS_PRODUCTION = True
ALLOW_TEST_PAYMENTS_IN_PRODUCTION = env.bool("ALLOW_TEST_PAYMENTS_IN_PRODUCTION", default=False)
_payment_problems = payment_settings_problems(
    gateway=PAYMENT_GATEWAY, stripe_secret_key=STRIPE_SECRET_KEY, stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
    production=True, allow_test_gateway=ALLOW_TEST_PAYMENTS_IN_PRODUCTION,
)
if _payment_problems:
    raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(_payment_problems) + ".")

# Production never creates the demo logins (load_demo_catalog loads the catalog only), and the deploy
# check pharmacy.E001 refuses to pass while one of them still has its published password.
DEMO_LOGINS_ALLOWED = False

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# One JSON object per log line, for the log collector (LOG_FORMAT=text for people).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
