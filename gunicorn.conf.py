"""gunicorn's settings wherever the site is served (scripts/start-web.sh, `make run`, the tests): gunicorn
reads ./gunicorn.conf.py from its working directory, the repository (/app in the image)."""

# The longest request line gunicorn takes, as long as the proxy's (nginx's default large header buffers
# are 8 KB). A longer search query then reaches Django, which answers with its usual 400 problem
# ("no more than 100 characters") instead of gunicorn's bare HTML "414 URI Too Long".
limit_request_line = 8190
