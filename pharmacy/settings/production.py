"""Production: refuses to start on settings that would be unsafe in front of patients."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, DEBUG, DEFAULT_SECRET_KEY, SECRET_KEY, env


def check_production_settings(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    problems = []
    if debug:
        problems.append("DEBUG must be off")
    if not secret_key or secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS must name the hosts this site is served on")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")


check_production_settings(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
