import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.local")

app = Celery("pharmacy")
# The default for every thread, not just this one: otherwise a task proxy used from another thread
# (a threaded web server, a worker pool) resolves against Celery's fallback app and its defaults.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The web request's id travels with each task it queues, into the worker's log lines (pharmacy/log_context.py).
from pharmacy.log_context import connect_celery_signals  # noqa: E402

connect_celery_signals()
