# SupportDesk: one image for Daphne (web), the Celery worker, Celery beat and `manage.py migrate`.
#   docker build -t supportdesk .
#   docker compose up -d        (see docker-compose.yml and deploy/.env.example)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=supportdesk.settings.production \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""

# Non-root runtime user with a home of its own (library caches); the code stays root-owned.
RUN groupadd --system --gid 10001 supportdesk \
    && useradd --system --uid 10001 --gid supportdesk --create-home \
       --home-dir /home/supportdesk --shell /usr/sbin/nologin supportdesk

WORKDIR /app

# 1. Dependencies only, pinned by requirements.lock: this layer is rebuilt only when
#    pyproject.toml or requirements.lock change, not on every code change.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# 2. The project. `pip install -c requirements.lock .` checks the project installs against the
#    lock; the installed copy is then removed again because settings resolve templates/ and
#    static/ relative to the source tree: the code runs from /app (PYTHONPATH=/app).
COPY . .
RUN pip install -c requirements.lock . \
    && pip uninstall -y supportdesk \
    && rm -rf build ./*.egg-info \
    && python -m compileall -q supportdesk tenants chat ai redaction policies

# 3. Static files, collected with a throw-away build-time configuration (random values generated
#    inside this RUN; nothing is stored in the image and nothing is contacted).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v 0

USER supportdesk:supportdesk
EXPOSE 8000

# Web by default; docker-compose.yml runs the worker, beat and migrate from this same image.
CMD ["python", "-m", "supportdesk.serve", "-b", "0.0.0.0", "-p", "8000", "supportdesk.asgi:application"]
