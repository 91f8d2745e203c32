#!/bin/sh
# The web container's command (docker-compose.yml): prepare the database, then serve with gunicorn.
# migrate and collectstatic are safe to repeat on every start. LOAD_DEMO_CATALOG=true (default false)
# loads the demo catalog; under production settings it never creates the demo logins, and the deploy
# check refuses to serve while a demo login with its published password exists.
set -eu

python manage.py migrate --noinput
if [ "${LOAD_DEMO_CATALOG:-false}" = "true" ]; then
    python manage.py load_demo_catalog
fi
python manage.py collectstatic --noinput --verbosity 0
python manage.py check --deploy

# gunicorn reads WEB_CONCURRENCY for its number of workers.
exec gunicorn pharmacy.wsgi:application \
    --bind "${BIND:-0.0.0.0:8000}" \
    --access-logfile -
