#!/bin/sh
# The web container's command (docker-compose.yml): prepare, then serve with gunicorn.
# RUN_MIGRATIONS=true (the default, for a single container) runs scripts/migrate.sh first: migrate and,
# with LOAD_DEMO_CATALOG=true, the demo catalog. At scale the compose `migrate` service does that once
# and web runs with RUN_MIGRATIONS=false, so three web replicas never migrate at the same time.
# Under production settings the demo logins are never created, and the deploy check refuses to serve
# while a demo login with its published password exists.
set -eu

if [ "${RUN_MIGRATIONS:-true}" = "true" ]; then
    "$(dirname "$0")/migrate.sh"
fi
python manage.py collectstatic --noinput --verbosity 0
python manage.py check --deploy

# prometheus_client's multi-process mode: every gunicorn worker writes its figures into this directory,
# which must start empty (stale files of dead workers would be added up again).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

# gunicorn reads WEB_CONCURRENCY for its number of workers.
# Its other settings, the access log's included (off unless GUNICORN_ACCESS_LOG is set), are in ./gunicorn.conf.py.
exec gunicorn pharmacy.wsgi:application --bind "${BIND:-0.0.0.0:8000}"
