# The bot's image: one image for every process of a deployment (docs/deploy.md):
#   python -m bot run | web | worker | scheduler | migrate | demo | backup | ...
# Build:  docker build -t schoolbot .
# Run:    docker run --rm -e BOT_TOKEN=... -v schoolbot-data:/app/data schoolbot          (run)
#         docker run --rm --env-file .env schoolbot migrate
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

# The PostgreSQL client tools of the server's major version: the nightly backup runs pg_dump and
# `restore` runs pg_restore (docs/backup.md); a pg_dump older than the server refuses to dump it.
# Debian bookworm ships 15, docker-compose.yml runs 16: the client comes from the PostgreSQL
# project's apt repository (its key ships in Debian's postgresql-common; no download of a key).
# PG_MAJOR= (empty) builds an image without it, for SQLite only.
ARG PG_MAJOR=16

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN set -eux; \
    if [ -n "$PG_MAJOR" ]; then \
        apt-get update; \
        apt-get install -y --no-install-recommends ca-certificates postgresql-common; \
        /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y; \
        apt-get install -y --no-install-recommends "postgresql-client-$PG_MAJOR"; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 schoolbot; \
    useradd --system --uid 10001 --gid schoolbot --create-home --home-dir /home/schoolbot \
        --shell /usr/sbin/nologin schoolbot

WORKDIR /app
# Only what .dockerignore lets through: the packages, the migrations, the build files.
COPY . /app

# The pinned dependencies without the dev extras. The migrations (migrations/, alembic.ini) sit
# beside the packages, not inside the wheel, so the code runs from /app (PYTHONPATH) and the
# installed copy of the project itself is removed: one copy of the code, the one that finds its
# migrations. The code stays root's and read-only (compiled here, since the bot cannot write its
# bytecode at run time); the bot writes only to /app/data and /backups.
RUN set -eux; \
    pip install -c constraints.txt .; \
    pip uninstall -y schoolbot; \
    rm -rf build ./*.egg-info; \
    python -m compileall -q bot handlers maxbot screens services notifications testkit i18n migrations; \
    python -c "from services.reports.render_pdf import font_paths; font_paths()"; \
    mkdir -p /app/data /backups; \
    chown schoolbot:schoolbot /app/data /backups

# The reports' PDF font (DejaVu Sans, Cyrillic) is matplotlib's own (services/reports/
# render_pdf.py), checked above; matplotlib's cache goes to /tmp (the home may be read-only).
# In a container the listeners bind every interface; the ports are published by the operator.
ENV PYTHONPATH=/app \
    MPLCONFIGDIR=/tmp/matplotlib \
    TELEGRAM_WEBHOOK_HOST=0.0.0.0 \
    MAX_WEBHOOK_HOST=0.0.0.0 \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=9090

# The embedded SQLite database (DATABASE_URL's default, ./data/schoolbot.sqlite3) and, for a
# single school, its backups (BACKUP_DIR=/app/data/backups or a volume at /backups).
VOLUME ["/app/data"]

USER schoolbot:schoolbot

EXPOSE 8080 8081 9090

# GET /health on HEALTH_PORT: 200 while the process is alive. A command that serves nothing
# (migrate, demo, backup, ...) does not run long enough to be judged; HEALTH_PORT emptied: no
# check. docker-compose.yml checks /ready instead (database, Redis and the Bot API reachable).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('HEALTH_PORT'); host = os.environ.get('HEALTH_HOST') or '127.0.0.1'; host = '127.0.0.1' if host in ('0.0.0.0', '::') else host; sys.exit(0 if not port else urllib.request.urlopen(f'http://{host}:{port}/health', timeout=4).status != 200)"]

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
