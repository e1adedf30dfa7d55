"""`make run`: start (or reuse) embedded PostgreSQL + Redis in .devdata/, migrate, seed the demo,
then run Daphne, a Celery worker and Celery beat with prefixed, interleaved logs (honcho).

Ctrl-C stops every child, then Redis, then PostgreSQL. Children get PR_SET_PDEATHSIG through
`setpriv --pdeathsig`, so they die with the launcher even if it is SIGKILLed; the servers are then
simply reused by the next `make run`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from supportdesk import embedded

ROOT = Path(__file__).resolve().parent.parent
DEVDATA = Path(os.environ.get("SUPPORTDESK_DEVDATA", ROOT / ".devdata")).resolve()


def _say(message: str) -> None:
    # `make run | tee` and Ctrl-C: tee dies first; keep cleaning up.
    with contextlib.suppress(BrokenPipeError):
        print(f"[supportdesk] {message}", flush=True)


def _ensure_local_secrets() -> None:
    secret = DEVDATA / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(64))
        secret.chmod(0o600)
    keys = DEVDATA / "field_keys"
    if not keys.exists():
        from cryptography.fernet import Fernet

        keys.write_text(Fernet.generate_key().decode() + "\n")
        keys.chmod(0o600)


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def _child(cmd: str, *, delay: float = 0) -> str:
    """A honcho command line whose process dies with the launcher (PR_SET_PDEATHSIG survives
    exec). Worker and beat start a moment after the web so that, on 2 cores, the page comes
    first."""
    if delay:
        cmd = f"sh -c {shlex.quote(f'sleep {delay}; exec {cmd}')}"
    pdeathsig = "setpriv --pdeathsig TERM -- " if shutil.which("setpriv") else ""
    return f"exec {pdeathsig}{cmd}"


def main() -> int:
    parser = argparse.ArgumentParser(description="Run SupportDesk locally with embedded services.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-worker", action="store_true", help="web only")
    args = parser.parse_args()

    started = time.monotonic()
    DEVDATA.mkdir(exist_ok=True)
    lock_file = (DEVDATA / "launcher.lock").open("w")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _say("another `make run` is already using .devdata/ - stop it first.")
        return 1

    _ensure_local_secrets()
    _say("starting PostgreSQL and Redis (data in .devdata/)")
    services = embedded.start_services(DEVDATA)
    env = dict(os.environ)
    env.update(services.environ())
    env["DJANGO_SETTINGS_MODULE"] = "supportdesk.settings.local"
    env["PYTHONUNBUFFERED"] = "1"
    (DEVDATA / "services.env").write_text(
        "".join(f"{k}={v}\n" for k, v in services.environ().items())
    )
    try:
        # One Django start-up for both: migrate must run as the owner role; the seed uses the
        # workspace scope like the app does, so RLS (forced on the owner too) is respected.
        origin = f"http://{args.host}:{args.port}"
        _manage(
            "bootstrap_local",
            "--origin",
            origin,
            env=dict(env, DATABASE_URL=env["DATABASE_OWNER_URL"]),
        )
        _print_banner(origin, time.monotonic() - started)
        return _run_children(args, env)
    finally:
        _say("stopping Redis and PostgreSQL")
        services.stop()
        lock_file.close()


def _print_banner(origin: str, elapsed: float) -> None:
    lines = [
        f"set up in {elapsed:.1f}s; starting web, worker and beat",
        f"  Sign in           {origin}/login/",
        f"  Demo website      {origin}/demo/",
        f"  API docs          {origin}/api/docs/",
        f"  Platform admin    {origin}/admin/",
        "  Demo logins: see the seed_demo lines above.",
    ]
    for line in lines:
        _say(line)


def _run_children(args: argparse.Namespace, env: dict[str, str]) -> int:
    from honcho.manager import Manager

    python = sys.executable
    manager = Manager()
    manager.add_process(
        "web",
        _child(
            f"{python} -m supportdesk.serve -b {args.host} -p {args.port} "
            "supportdesk.asgi:application"
        ),
        env=env,
        cwd=str(ROOT),
    )
    if not args.no_worker:
        manager.add_process(
            "worker",
            _child(
                f"{python} -m celery -A supportdesk worker -l info -Q default,ai --concurrency 2",
                delay=2,
            ),
            env=env,
            cwd=str(ROOT),
        )
        manager.add_process(
            "beat",
            _child(
                f"{python} -m celery -A supportdesk beat -l info "
                f"--schedule {DEVDATA / 'celerybeat-schedule'}",
                delay=2,
            ),
            env=env,
            cwd=str(ROOT),
        )
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    raise SystemExit(main())
