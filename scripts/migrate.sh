#!/bin/sh
# The one-shot `migrate` service of docker-compose.yml (and the first step of start-web.sh when it runs
# alone): apply migrations, then, with LOAD_DEMO_CATALOG=true, load the demo catalog (under production
# settings never the demo logins). Run once per deploy, before any web or worker starts.
set -eu

python manage.py migrate --noinput
if [ "${LOAD_DEMO_CATALOG:-false}" = "true" ]; then
    python manage.py load_demo_catalog
fi
