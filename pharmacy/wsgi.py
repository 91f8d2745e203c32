import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.local")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, and the URLconf with every view it imports, read here rather
# than on the first request) lives as long as the worker. gc.freeze() takes it out of the cyclic garbage
# collector's reach: otherwise each full collection walks its ~200,000 objects, a pause of about 90 ms
# that lands on roughly one request in 70 and so sets the p99 of every page (bench: search latency).
get_resolver().url_patterns  # noqa: B018 - imported for its side effect
gc.freeze()
