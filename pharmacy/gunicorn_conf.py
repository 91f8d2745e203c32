"""gunicorn's settings, wherever the site is served (the web container's scripts/start-web.sh and `make run`
pass `--config python:pharmacy.gunicorn_conf`).

The access log is off unless GUNICORN_ACCESS_LOG names a file ("-" for standard output): request lines
carry e-mail verification and password reset tokens in their paths, and search terms in their query
strings. When it is on, pharmacy.gunicorn_logging writes each line without the query string, the referrer
or any token in the path.
"""

import os

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "pharmacy.gunicorn_logging.ScrubbedAccessLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)s'
