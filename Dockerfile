# syntax=docker/dockerfile:1
# Production image: gunicorn behind your proxy, settings from the environment (see README).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=citydiplo.settings.prod

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# collectstatic needs settings to import; these throwaway values exist only during the build.
RUN SECRET_KEY=build-time-only-collectstatic-key-0123456789-0123456789 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --no-create-home citydiplo \
    && chown -R citydiplo /app

USER citydiplo
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os,sys,urllib.request as u; host=os.environ['ALLOWED_HOSTS'].split(',')[0]; sys.exit(u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'})).status != 200)"

# Migrations run before the workers start; seed loading is a deliberate step (manage.py load_seed).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn citydiplo.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
