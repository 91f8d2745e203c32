"""Settings for a Celery worker started by a fault drill: the test settings, but mail goes to the
drill's SMTP sink (DRILL_SMTP_PORT) through the real SMTP backend."""

from pharmacy.settings.test import *  # noqa: F401,F403
from pharmacy.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("DRILL_SMTP_PORT")
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
