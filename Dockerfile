# The production image: gunicorn serving Django, also used for the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts ./scripts
COPY static/src ./static/src
RUN node scripts/build-assets.mjs

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cme_tracker.settings.production \
    STATIC_ROOT=/app/staticfiles
RUN useradd --create-home --uid 10001 cme
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir "uv==0.13.9" && \
    uv pip install --system --no-cache --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /build/static/vendor ./static/vendor
# collectstatic needs settings to import, not real servers or secrets.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgresql://unused/unused \
    REDIS_URL=redis://unused:6379/0 ALLOWED_HOSTS=unused \
    python manage.py collectstatic --noinput --verbosity 0
# Uploads waiting for the worker (a history import's file), on a volume web and worker share.
RUN mkdir -p /app/var/media && chown -R cme /app/var
USER cme
EXPOSE 8000
# Workers, threads, timeouts and the access log (no query strings): gunicorn.conf.py.
CMD ["gunicorn", "cme_tracker.wsgi"]
