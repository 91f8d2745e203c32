# The image for docker-compose.yml's web, worker and beat services: runtime requirements only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=pharmacy.settings.production \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# An unprivileged user owns what the app writes: collected static files and the two upload volumes
# (a named volume takes the ownership of the directory it is first mounted over).
RUN useradd --create-home --uid 1000 pharmacy \
    && mkdir -p /app/staticfiles /data/media /data/private \
    && chown -R pharmacy:pharmacy /app/staticfiles /data
COPY --chown=pharmacy:pharmacy . .
USER pharmacy

EXPOSE 8000
CMD ["scripts/start-web.sh"]
