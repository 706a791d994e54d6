# syntax=docker/dockerfile:1
# Production image: gunicorn (gunicorn.conf.py) behind your TLS proxy, settings from the
# environment (README, "Running in production"). Two stages: the first has the compilers and
# builds the virtualenv, the second gets only that virtualenv and the code. Both stages must use
# the same Python image, since the virtualenv links to its interpreter.

# --- build: dependencies into /opt/venv ------------------------------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Every dependency ships wheels for linux/amd64 and arm64 today; the compilers are here so that
# one without a wheel for the platform still installs. They stay in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# pyproject.toml declares no packages, so this installs the runtime dependencies (not the [dev]
# extra) and no code; README.md is the package's readme and must be present to build.
COPY pyproject.toml README.md /src/
RUN pip install /src

# --- runtime: no compilers, no dev dependencies, no root ------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=citydiplo.settings.prod

# pg_dump and pg_restore for `manage.py backup` / `restore` (the client of compose.yaml's server,
# PostgreSQL 15: bookworm's own version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --uid 10001 --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin citydiplo

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root: the server cannot change what it runs. .dockerignore keeps the
# virtualenv, databases, tests and local files out.
COPY . .

# collectstatic needs settings to import; these throwaway values exist only during the build.
# Bytecode is compiled now because the running user may not write it. var/ is where
# export_datapackage --publish writes (DATAPACKAGE_DIR); mount a volume there to keep the files.
RUN SECRET_KEY=build-time-only-collectstatic-key-0123456789-0123456789 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python -m compileall -q accounts citydiplo declarations networks pledges manage.py gunicorn.conf.py \
    && mkdir -p var/datapackages \
    && chown -R citydiplo:citydiplo var

USER citydiplo
EXPOSE 8000

# gunicorn stops gracefully on SIGTERM (requests in flight get graceful_timeout, 25 s by default);
# give the container that long: docker run --stop-timeout 30, or compose's stop_grace_period.
STOPSIGNAL SIGTERM

# /healthz is exempt from the HTTPS redirect, but the Host header must be an allowed host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import http.client as c,os,sys; h=os.environ['ALLOWED_HOSTS'].split(',')[0].strip().lstrip('.').replace('*','localhost'); p=os.environ.get('GUNICORN_BIND','0.0.0.0:8000').rsplit(':',1)[1]; k=c.HTTPConnection('127.0.0.1',int(p),timeout=4); k.request('GET','/healthz',headers={'Host':h}); sys.exit(k.getresponse().status!=200)"

# Migrations run before the workers start (MIGRATE_ON_START=0 when a release step runs them once
# for several instances); `exec` makes gunicorn PID 1, so it receives the stop signal itself.
# Seed loading is a deliberate step: docker compose run --rm web python manage.py load_seed.
CMD ["sh", "-c", "if [ \"${MIGRATE_ON_START:-1}\" != 0 ]; then python manage.py migrate --noinput; fi && exec gunicorn citydiplo.wsgi --config gunicorn.conf.py"]
