"""gunicorn's settings wherever the site is served (scripts/start-web.sh, `make run`, the tests): gunicorn
reads ./gunicorn.conf.py from its working directory, the repository (/app in the image)."""

import os

# The longest request line gunicorn takes, as long as the proxy's (nginx's default large header buffers
# are 8 KB). A longer search query then reaches Django, which answers with its usual 400 problem
# ("no more than 100 characters") instead of gunicorn's bare HTML "414 URI Too Long".
limit_request_line = 8190

# The access log is off unless GUNICORN_ACCESS_LOG names a file ("-" for standard output): request lines
# carry e-mail verification and password reset tokens in their paths, and search terms in their query
# strings. When it is on, pharmacy.gunicorn_logging writes each line without the query string, the referrer,
# the headers or any token in the path.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "pharmacy.gunicorn_logging.ScrubbedAccessLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)s'
