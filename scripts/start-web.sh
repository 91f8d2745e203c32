#!/bin/sh
# The web container's command (docker-compose.yml): prepare the database, then serve with gunicorn.
# migrate and collectstatic are safe to repeat on every start. The demo catalog creates demo logins
# with published passwords: set LOAD_DEMO_CATALOG=false for a real deployment.
set -eu

python manage.py migrate --noinput
if [ "${LOAD_DEMO_CATALOG:-true}" = "true" ]; then
    python manage.py load_demo_catalog
fi
python manage.py collectstatic --noinput --verbosity 0

# gunicorn reads WEB_CONCURRENCY for its number of workers.
exec gunicorn pharmacy.wsgi:application \
    --bind "${BIND:-0.0.0.0:8000}" \
    --access-logfile -
