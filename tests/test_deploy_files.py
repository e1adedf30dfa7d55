"""The container deployment: Dockerfile, .dockerignore, docker-compose.yml, deploy/.

No Docker engine is needed. The compose file is checked structurally with PyYAML, its environment is
fed to the production settings, and deploy/postgres-init.sql is run for real against a fresh
PostgreSQL 18 + pgvector cluster (the embedded one) before migrating as the owner role.
`docker-compose config` (Debian's docker-compose 1.29) validates the file when installed."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from cryptography.fernet import Fernet

from supportdesk import embedded

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
INIT_SQL = ROOT / "deploy" / "postgres-init.sql"

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - what the container must bind, asserted below
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
SECRET_VARIABLES = {
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "POSTGRES_PASSWORD",
    "SUPPORTDESK_OWNER_DB_PASSWORD",
    "SUPPORTDESK_APP_DB_PASSWORD",
    "REDIS_PASSWORD",
}
# ${NAME}, ${NAME:-default}, ${NAME:?message}; not $${NAME} (escaped for the container shell).
INTERPOLATION = re.compile(
    r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}"
)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _strings(node: Any) -> list[str]:
    """Every string in the parsed compose file (so comments never count)."""
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in (*_strings(key), *_strings(value))]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def _interpolations(compose: dict[str, Any]) -> list[re.Match[str]]:
    return [m for text in _strings(compose) for m in INTERPOLATION.finditer(text)]


def _services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's interpolation for the forms this file uses; raises like compose on ':?'."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = variables.get(name, "")
        if op == ":?" and not current:
            raise LookupError(f"{name}: {arg}")
        if op == ":-" and not current:
            return arg
        return current

    return INTERPOLATION.sub(replace, value).replace("$$", "$")


def _example_variables() -> dict[str, str]:
    variables = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            variables[name.strip()] = value.strip()
    return variables


def _generated_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "support.example.com",
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        "SUPPORTDESK_OWNER_DB_PASSWORD": secrets.token_urlsafe(24),
        "SUPPORTDESK_APP_DB_PASSWORD": secrets.token_urlsafe(24),
        "REDIS_PASSWORD": secrets.token_urlsafe(24),
    }


def _clean_env(**extra: str) -> dict[str, str]:
    """No SECRET_KEY, DATABASE_URL ... leaking in from the developer's or the test session's env."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "LANG": "C.UTF-8",
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


# --------------------------------------------------------------------------------------------
# docker-compose.yml: structure
# --------------------------------------------------------------------------------------------


def test_compose_defines_the_six_services(compose: dict[str, Any]) -> None:
    assert set(_services(compose)) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_app_services_wait_for_migrate_and_healthy_backends(
    compose: dict[str, Any], name: str
) -> None:
    depends_on = _services(compose)[name]["depends_on"]
    assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
    assert depends_on["postgres"] == {"condition": "service_healthy"}
    assert depends_on["redis"] == {"condition": "service_healthy"}


def test_migrate_is_a_one_shot_run_as_the_owner_role(compose: dict[str, Any]) -> None:
    migrate = _services(compose)["migrate"]
    assert _command(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert str(migrate.get("restart", "no")) == "no"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert migrate["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://supportdesk_owner:")
    for name in LONG_RUNNING_APP_SERVICES:
        url = _services(compose)[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://supportdesk_app:"), name


def test_app_services_run_one_image_with_production_settings(compose: dict[str, Any]) -> None:
    services = _services(compose)
    builds = {json.dumps(services[name]["build"], sort_keys=True) for name in APP_SERVICES}
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(builds) == 1 and len(images) == 1
    assert services["web"]["build"]["context"] == "."
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "supportdesk.settings.production"
        for variable in (
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "FIELD_ENCRYPTION_KEYS",
        ):
            assert variable in env, (name, variable)


def test_web_runs_daphne_on_all_interfaces_port_8000(compose: dict[str, Any]) -> None:
    web = _services(compose)["web"]
    command = _command(web)
    assert command[:3] == ["python", "-m", "supportdesk.serve"]  # Daphne on uvloop
    assert command[-1] == "supportdesk.asgi:application"
    assert command[command.index("-b") + 1] == ALL_INTERFACES
    assert command[command.index("-p") + 1] == "8000"
    # Published for a reverse proxy on the same host, not to the world by default.
    assert web["ports"] == ["${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"]
    assert "healthcheck" in web


def test_worker_and_beat_commands(compose: dict[str, Any]) -> None:
    worker = _command(_services(compose)["worker"])
    beat = _command(_services(compose)["beat"])
    assert worker[:4] == ["celery", "-A", "supportdesk", "worker"]
    assert worker[worker.index("-Q") + 1] == "default,ai"
    assert beat[:4] == ["celery", "-A", "supportdesk", "beat"]


def test_postgres_service(compose: dict[str, Any]) -> None:
    postgres = _services(compose)["postgres"]
    assert postgres["image"] == "pgvector/pgvector:pg18"
    assert postgres["environment"]["POSTGRES_DB"] == "supportdesk"
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(postgres["environment"])
    volumes = postgres["volumes"]
    # PostgreSQL 18 images keep PGDATA in /var/lib/postgresql/18/docker: the volume is the parent.
    assert "pgdata:/var/lib/postgresql" in volumes
    init_mounts = [v for v in volumes if ":/docker-entrypoint-initdb.d/" in v]
    assert len(init_mounts) == 1
    source = init_mounts[0].split(":")[0]
    assert (ROOT / source).resolve() == INIT_SQL
    assert init_mounts[0].endswith(".sql:ro")
    test = postgres["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL" and "pg_isready" in test[1] and "-h 127.0.0.1" in test[1]
    assert "pgdata" in compose["volumes"]


def test_redis_service(compose: dict[str, Any]) -> None:
    redis = _services(compose)["redis"]
    assert redis["image"] == "redis:7-alpine"
    assert "ping" in " ".join(redis["healthcheck"]["test"])
    assert "--requirepass" in " ".join(_command(redis))
    assert "ports" not in redis and "ports" not in _services(compose)["postgres"]


# --------------------------------------------------------------------------------------------
# docker-compose.yml: secrets only from the environment, failing loudly
# --------------------------------------------------------------------------------------------


def test_no_secret_is_hard_coded(compose: dict[str, Any]) -> None:
    for name, service in _services(compose).items():
        for variable, value in (service.get("environment") or {}).items():
            if variable in SECRET_VARIABLES or variable == "REDISCLI_AUTH":
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), (name, variable, value)
    for name in APP_SERVICES:
        env = _services(compose)[name]["environment"]
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert env["FIELD_ENCRYPTION_KEYS"].startswith("${FIELD_ENCRYPTION_KEYS:?")
    # Credentials inside any URL anywhere in the file are required interpolations too.
    urls = [
        match
        for text in _strings(compose)
        for match in re.finditer(r"[a-z]+://[^\s/@:]*:(?P<password>\$\{[^}]*\}|[^\s@/]*)@", text)
    ]
    assert len(urls) >= 2  # DATABASE_URL (app and owner), REDIS_URL
    for match in urls:
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", match["password"]), match[0]


def test_every_interpolation_is_required_or_has_a_default(compose: dict[str, Any]) -> None:
    """A bare ${VAR} silently becomes an empty string when unset: not allowed here."""
    found = _interpolations(compose)
    assert found
    for match in found:
        assert match["op"] in {":?", ":-"}, match[0]
        if match["name"] in SECRET_VARIABLES | {"ALLOWED_HOSTS"}:
            assert match["op"] == ":?" and match["arg"].strip(), match[0]


def test_env_example_documents_every_variable_and_ships_no_secret(
    compose: dict[str, Any],
) -> None:
    example = _example_variables()
    used = {m["name"] for m in _interpolations(compose)}
    assert used <= set(example), used - set(example)
    required = {m["name"] for m in _interpolations(compose) if m["op"] == ":?"}
    assert required == SECRET_VARIABLES | {"ALLOWED_HOSTS"}
    for name in required:
        assert example[name] == "", f"{name} must be left empty in the example"
    # Every variable sits in a paragraph that explains it with a comment.
    for paragraph in ENV_EXAMPLE.read_text().split("\n\n"):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if any(not line.startswith("#") for line in lines):
            assert any(line.startswith("#") for line in lines), paragraph


def test_missing_secrets_stop_compose_before_anything_starts(compose: dict[str, Any]) -> None:
    web_env = {k: str(v) for k, v in _services(compose)["web"]["environment"].items()}
    variables = _generated_secrets()
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "REDIS_PASSWORD"):
        with pytest.raises(LookupError, match=name):
            for value in web_env.values():
                _interpolate(value, {**variables, name: ""})


def test_compose_environment_is_accepted_by_the_production_settings(
    compose: dict[str, Any],
) -> None:
    variables = _generated_secrets()
    env = {
        key: _interpolate(str(value), variables)
        for key, value in _services(compose)["web"]["environment"].items()
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_config_validates(tmp_path: Path) -> None:
    """The one test that needs a binary: Debian's `docker-compose` 1.29 (apt-get install
    docker-compose) validates and interpolates the file offline, without a Docker engine."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (apt-get install -y docker-compose)")
    complete = tmp_path / "complete.env"
    complete.write_text("".join(f"{k}={v}\n" for k, v in _generated_secrets().items()))
    base = [binary, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE)]
    env = _clean_env(HOME=str(tmp_path))

    ok = subprocess.run(
        [*base, "--env-file", str(complete), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr

    # The example as shipped (required values empty) is refused, naming a missing variable.
    refused = subprocess.run(
        [*base, "--env-file", str(ENV_EXAMPLE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "is required - see deploy/.env.example" in refused.stderr


# --------------------------------------------------------------------------------------------
# Dockerfile and .dockerignore
# --------------------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_base_install_and_settings() -> None:
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any("pip install -c requirements.lock ." in run for run in runs)
    assert any("manage.py collectstatic --noinput" in run for run in runs)
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "DJANGO_SETTINGS_MODULE=supportdesk.settings.production" in env
    assert 'TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""' in env
    copies = [rest for keyword, rest in instructions if keyword == "COPY"]
    assert any("requirements.lock" in copy for copy in copies)


def test_dockerfile_runs_daphne_as_a_non_root_user() -> None:
    instructions = _dockerfile_instructions()
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    # USER comes after every RUN: nothing runs as root at container start.
    last_user = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "USER")
    assert all(keyword != "RUN" for keyword, _ in instructions[last_user:])
    cmd = [rest for keyword, rest in instructions if keyword == "CMD"]
    assert len(cmd) == 1
    argv = json.loads(cmd[0])
    assert argv[:3] == ["python", "-m", "supportdesk.serve"]  # Daphne on uvloop
    assert argv[-1] == "supportdesk.asgi:application"
    assert argv[argv.index("-b") + 1] == ALL_INTERFACES and argv[argv.index("-p") + 1] == "8000"


def test_dockerfile_holds_no_secret_values() -> None:
    text = DOCKERFILE.read_text()
    for keyword, rest in _dockerfile_instructions():
        if keyword in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in rest and "FIELD_ENCRYPTION_KEYS" not in rest
    # The build-time configuration for collectstatic is generated randomly inside the RUN.
    assert 'SECRET_KEY="$(python -c' in text


def test_dockerignore_keeps_local_state_and_secrets_out() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv", ".devdata", ".git", "**/__pycache__", ".pytest_cache", "**/.env"):
        assert required in patterns, required
    for needed_in_image in (
        "pyproject.toml",
        "requirements.lock",
        "manage.py",
        "static",
        "templates",
    ):
        assert needed_in_image not in patterns


# --------------------------------------------------------------------------------------------
# deploy/postgres-init.sql against a real PostgreSQL 18 + pgvector
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_postgres(tmp_path: Path):
    pg = embedded.start_postgres(tmp_path / "pg")
    try:
        with psycopg.connect(pg.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE supportdesk")  # the image creates $POSTGRES_DB first
        yield pg
    finally:
        pg.stop()


def _run_init_sql(pg: embedded.Postgres, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Exactly how the postgres image runs /docker-entrypoint-initdb.d/*.sql.
    return subprocess.run(
        [
            str(pg.bin_path / "psql"),
            "-v",
            "ON_ERROR_STOP=1",
            "--username",
            "postgres",
            "--no-password",
            "--no-psqlrc",
            "--host",
            str(pg.socket_dir),
            "--dbname",
            "supportdesk",
            "-f",
            str(INIT_SQL),
        ],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_init_sql_refuses_missing_weak_or_equal_passwords(
    fresh_postgres: embedded.Postgres,
) -> None:
    good = {
        "POSTGRES_DB": "supportdesk",
        "SUPPORTDESK_OWNER_DB_PASSWORD": "o" * 20,
        "SUPPORTDESK_APP_DB_PASSWORD": "a" * 20,
    }
    cases = [
        (
            {k: v for k, v in good.items() if k != "SUPPORTDESK_OWNER_DB_PASSWORD"},
            "SUPPORTDESK_OWNER_DB_PASSWORD is not set",
        ),
        (
            {k: v for k, v in good.items() if k != "SUPPORTDESK_APP_DB_PASSWORD"},
            "SUPPORTDESK_APP_DB_PASSWORD is not set",
        ),
        ({**good, "SUPPORTDESK_APP_DB_PASSWORD": "short"}, "at least 16 characters"),
        ({**good, "SUPPORTDESK_APP_DB_PASSWORD": "o" * 20}, "must differ"),
    ]
    for env, message in cases:
        result = _run_init_sql(fresh_postgres, env)
        assert result.returncode != 0 and message in result.stderr, result.stderr
    with psycopg.connect(fresh_postgres.url("postgres", "postgres")) as conn:
        roles = conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'supportdesk%'"
        ).fetchone()
    assert roles == (0,), "a refused run must not leave roles behind"


def test_init_sql_creates_the_roles_and_migrate_as_owner_gives_the_app_role_dml(
    fresh_postgres: embedded.Postgres,
) -> None:
    pg = fresh_postgres
    result = _run_init_sql(
        pg,
        {
            "POSTGRES_DB": "supportdesk",
            "SUPPORTDESK_OWNER_DB_PASSWORD": secrets.token_urlsafe(24),
            "SUPPORTDESK_APP_DB_PASSWORD": secrets.token_urlsafe(24),
        },
    )
    assert result.returncode == 0, result.stderr

    with psycopg.connect(pg.url("postgres", "postgres")) as conn:
        roles = {
            name: (superuser, bypass, createdb, login)
            for name, superuser, bypass, createdb, login in conn.execute(
                "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcanlogin FROM pg_roles "
                "WHERE rolname LIKE 'supportdesk%'"
            )
        }
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'supportdesk'"
        ).fetchone()
    assert roles == {
        "supportdesk_owner": (False, False, True, True),
        "supportdesk_app": (False, False, False, True),
    }
    assert owner == ("supportdesk_owner",)
    for dbname in ("template1", "supportdesk"):
        with psycopg.connect(pg.url("postgres", dbname)) as conn:
            assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone()

    # What the compose `migrate` service does: production settings, the owner role's URL.
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="supportdesk.settings.production",
            **{
                k: v
                for k, v in _generated_secrets().items()
                if k in {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ALLOWED_HOSTS"}
            },
            DATABASE_URL=pg.url(embedded.OWNER_ROLE),
            REDIS_URL="redis://redis.invalid:6379/0",
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr

    with psycopg.connect(pg.url(embedded.APP_ROLE)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        assert "tenants_workspace" in tables and "django_celery_beat_periodictask" in tables
        for table in tables:
            granted = conn.execute(
                "SELECT has_table_privilege(%s, 'SELECT, INSERT, UPDATE, DELETE')", [table]
            ).fetchone()
            assert granted == (True,), table
        owners = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        assert owners == {"supportdesk_owner"}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE not_allowed (id int)")
