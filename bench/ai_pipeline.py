"""AI pipeline overhead and worker-kill safety, with a zero-latency fake provider.

Everything real except the model: embedded PostgreSQL + Redis (temp dir), migrations and the
demo seed, one Daphne (the operator's inbox socket), one Celery worker consuming queue "ai"
(prefork, concurrency 2 as in `make run`; DEBUG off as deployed, ``--debug`` for make run's),
the router calling the fake provider (tests/ai/fake_provider.py: real HTTP on 127.0.0.1, OpenAI
Chat Completions with SSE streaming) through the real OpenAI SDK. This process writes visitor
messages through chat.services (the same code the widget socket calls) and holds the operator
socket. By default it writes as the
widget socket's consumer does (``--write-path socket``: the write inside ``events.collect()``,
then ``events.flush`` from the event loop: broadcasts, the inbox batcher, then the AI enqueue on
the chat-jobs thread); ``--write-path sync`` runs every commit hook in turn, as a REST view or a
shell does (the inbox rows are read before the AI enqueue).

Phase "overhead" (Smart Suggestions, streamed; the AI agent off so suggestions always run):
  * committed -> provider: from the message's commit (an on_commit callback registered before
    the chat hook's, so it runs first) to the fake provider reading the request (its arrival
    clock). Covers the enqueue, the broker, the worker picking the task up, loading the
    transcript in the workspace scope, redaction, the prompt and the router.
  * last token -> operator socket: from the moment the router returned (the stream's last token
    read; ``timings.provider_at`` stored on the artifact by the worker) to the ``ai.suggestions``
    frame arriving on the operator's websocket. Covers parsing, re-hydration, storing the
    artifact, the commit and the channel-layer hop through Daphne.
  Both clocks are this machine's wall clock (time.time()).

Phase "kill" (the AI agent on, the provider slowed to 0.4 s per call so kills land mid-task):
  conversations are started one every 0.2 s while the whole worker (main process and pool
  children) is SIGKILLed every few seconds and restarted. Afterwards every conversation must
  hold exactly one AI agent answer: lost = none, duplicated = more than one. The broker's
  visibility timeout is 5 s here (unacked_restore_interval 1 s) so a killed worker's tasks come
  back quickly; production sizes it from the task time limit (settings, "AI features").

    .venv/bin/python bench/ai_pipeline.py --json bench/results/ai-pipeline.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supportdesk import embedded  # noqa: E402

ORIGIN = "http://127.0.0.1"
OPERATOR_LOGIN = ("operator@acme.test", "supportdesk-demo")
DRAFTS = [
    "You can track your order with the link in your confirmation email.",
    "Orders ship within 2 working days; the tracking link follows by email.",
    "Could you give me your order number so I can check it?",
]
#: Daphne and this process (the writes the widget socket's consumer would make).
BENCH_SETTINGS = """\
from supportdesk.settings.local import *  # noqa: F403
"""
WORKER_SETTINGS = """\
from ai_bench_settings import *  # noqa: F403

# Benchmark only: a short visibility timeout and a sweep every second, so the tasks of a
# SIGKILLed worker come back within seconds instead of minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
"""


def _say(message: str) -> None:
    print(f"[ai-bench] {message}", flush=True)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": round(_pct(values, 0.5), 2),
        "p90_ms": round(_pct(values, 0.9), 2),
        "p99_ms": round(_pct(values, 0.99), 2),
        "max_ms": round(max(values), 2) if values else None,
        "mean_ms": round(statistics.fmean(values), 2) if values else None,
    }


class Stack:
    """Services, Daphne and the worker, all children of this process."""

    def __init__(self, tmp: Path, fake_url: str, *, debug: bool = False) -> None:
        self.tmp = tmp
        _say(f"starting PostgreSQL + Redis in {tmp}")
        self.services = embedded.start_services(tmp / "services")
        devdata = tmp / "devdata"
        devdata.mkdir()
        (devdata / "secret_key").write_text(secrets.token_urlsafe(64))
        from cryptography.fernet import Fernet

        (devdata / "field_keys").write_text(Fernet.generate_key().decode() + "\n")
        settings_dir = tmp / "settings"
        settings_dir.mkdir()
        # As deployed (production settings have DEBUG off, as in bench/chat_delivery.py);
        # --debug measures make run's DEBUG=True (every query also logged in memory).
        debug_line = f"DEBUG = {bool(debug)}\n"
        (settings_dir / "ai_bench_settings.py").write_text(BENCH_SETTINGS + debug_line)
        (settings_dir / "ai_bench_worker_settings.py").write_text(WORKER_SETTINGS)
        self.env = dict(os.environ)
        self.settings_dir = settings_dir
        self.env.update(self.services.environ())
        self.env.update(
            DJANGO_SETTINGS_MODULE="ai_bench_settings",
            SUPPORTDESK_DEVDATA=str(devdata),
            PYTHONUNBUFFERED="1",
            PYTHONFAULTHANDLER="1",
            PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
            AI_ENDPOINTS=json.dumps(
                [
                    {
                        "name": "fake-uk",
                        "kind": "openai",
                        "region": "uk",
                        "model": "fake-model",
                        "base_url": fake_url,
                        "key_env": "FAKE_PLATFORM_KEY",
                    }
                ]
            ),
            FAKE_PLATFORM_KEY="sk-bench-0000",
        )
        # seed_demo creates known passwords and runs only with DEBUG (make run's settings).
        owner = dict(
            self.env,
            DATABASE_URL=self.env["DATABASE_OWNER_URL"],
            DJANGO_SETTINGS_MODULE="supportdesk.settings.local",
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        _say("migrate (owner role) + seed_demo")
        try:
            for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--origin", ORIGIN]):
                subprocess.run(
                    manage + command, env=owner, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
                )
        except BaseException:  # main() never gets a Stack to stop: the servers would outlive us
            self.services.stop()
            raise
        self.daphne: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.worker_log = tmp / "worker.log"
        self.kills = 0

    def _spawn(self, argv: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        pdeathsig = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
        return subprocess.Popen(
            [*pdeathsig, *argv],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_daphne(self) -> None:
        log = self.tmp / "daphne.log"
        self.daphne = self._spawn(
            [
                sys.executable,
                "-m",
                "daphne",
                "-e",
                "tcp:port=0:interface=127.0.0.1",
                "supportdesk.asgi:application",
            ],
            log,
            self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"Listening on TCP address 127\.0\.0\.1:(\d+)", log.read_text())
            if found:
                self.port = int(found.group(1))
                return
            if self.daphne.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"daphne did not start:\n{log.read_text()[-3000:]}")

    def start_worker(self) -> None:
        start = self.worker_log.stat().st_size if self.worker_log.exists() else 0
        env = dict(self.env, DJANGO_SETTINGS_MODULE="ai_bench_worker_settings")
        self.worker = self._spawn(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "supportdesk",
                "worker",
                "-Q",
                "ai",
                "-c",
                "2",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"ai-bench-{time.monotonic_ns()}@%h",
            ],
            self.worker_log,
            env,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            text = self.worker_log.read_text()[start:]
            # "ready." comes after worker_init, which warmed the engine before the pool forked
            if " ready." in text:
                return
            if self.worker.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"worker did not start:\n{self.worker_log.read_text()[-3000:]}")

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        """As the postgres superuser: diagnostics only."""
        import psycopg

        url = self.services.postgres.url("postgres", embedded.DATABASE_NAME)
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(query).fetchall()

    def kill_worker(self) -> None:
        assert self.worker is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)
        self.kills += 1

    def stop(self) -> None:
        for proc in (self.worker, self.daphne):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        self.services.stop()


# ------------------------------------------------------------------ in-process Django (writes)


def django_setup(env: dict[str, str], settings_dir: Path) -> None:
    for key in ("DATABASE_URL", "REDIS_URL", "SUPPORTDESK_DEVDATA", "AI_ENDPOINTS"):
        os.environ[key] = env[key]
    sys.path.insert(0, str(settings_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ai_bench_settings"
    import django

    django.setup()


def acme() -> tuple[int, Any]:
    from tenants.models import Brand, Workspace
    from tenants.scope import workspace_scope

    workspace = Workspace.objects.get(slug="acme")
    with workspace_scope(workspace.pk):
        brand = Brand.objects.order_by("id").first()
    return workspace.pk, brand


def set_agent(workspace_id: int, brand: Any, enabled: bool) -> None:
    from ai import services
    from tenants.scope import workspace_scope

    with workspace_scope(workspace_id):
        services.agent_profile_update(brand=brand, enabled=enabled)


def new_conversation(workspace_id: int, brand: Any, index: int) -> int:
    from chat.models import Conversation, Visitor
    from tenants.scope import workspace_scope

    with workspace_scope(workspace_id):
        visitor = Visitor.objects.create(
            workspace_id=workspace_id, brand=brand, name=f"Jane Doe {index}"
        )
        return Conversation.objects.create(
            workspace_id=workspace_id, brand=brand, visitor=visitor, language="en"
        ).pk


def visitor_writes(workspace_id: int, conversation_id: int, body: str, client_id: str) -> float:
    """Store a visitor message; returns the wall-clock time of its commit. The events and the
    AI enqueue run in the commit hooks, one after the other (a REST view's or a shell's path)."""
    from django.db import transaction

    from chat.models import Conversation
    from chat.services import message_create
    from tenants.scope import workspace_scope

    committed: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))
        with workspace_scope(workspace_id):
            conversation = Conversation.objects.get(pk=conversation_id)
            message_create(
                conversation=conversation, sender="visitor", body=body, client_id=client_id
            )
    return committed[0]


def visitor_writes_collected(
    workspace_id: int, conversation_id: int, body: str, client_id: str
) -> tuple[float, Any]:
    """As a websocket consumer's DB call (chat/consumers/base.py ``_scoped_call``): the write
    inside ``events.collect()``; the caller sends the outbox from its event loop (``flush``:
    the broadcasts, the inbox batcher, then the after-commit jobs such as the AI enqueue on the
    chat-jobs thread)."""
    from chat import events

    with events.collect() as outbox:
        committed = visitor_writes(workspace_id, conversation_id, body, client_id)
    return committed, outbox


def provider_at(workspace_id: int, artifact_id: int) -> float | None:
    from ai.models import AIArtifact
    from tenants.scope import workspace_scope

    with workspace_scope(workspace_id):
        row = AIArtifact.objects.filter(pk=artifact_id).values("timings").first()
    value = (row or {}).get("timings", {}).get("provider_at")
    return float(value) / 1000 if value else None


def agent_answers(workspace_id: int, conversation_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from chat.models import Message
    from tenants.scope import workspace_scope

    with workspace_scope(workspace_id):
        rows = (
            Message.objects.filter(conversation_id__in=conversation_ids, sender="ai_agent")
            .values("conversation_id")
            .annotate(n=Count("id"))
        )
        counts = {r["conversation_id"]: r["n"] for r in rows}
    return {cid: counts.get(cid, 0) for cid in conversation_ids}


# ------------------------------------------------------------------ the operator socket


def login(port: int) -> str:
    import httpx

    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        http.get("/login/")
        resp = http.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
                "username": OPERATOR_LOGIN[0],
                "password": OPERATOR_LOGIN[1],
            },
            headers={"Referer": f"{base}/login/", "Origin": base},
        )
        if "sessionid" not in http.cookies:
            raise RuntimeError(f"operator login failed: {resp.status_code}")
        return str(http.cookies["sessionid"])


async def phase_overhead(stack: Stack, args: argparse.Namespace, fake: Any) -> dict[str, Any]:
    import websockets
    from asgiref.sync import sync_to_async

    from chat import events

    workspace_id, brand = await sync_to_async(acme)()
    await sync_to_async(set_agent)(workspace_id, brand, False)
    fake.reset()
    fake.reply = json.dumps(DRAFTS)
    cookie = await sync_to_async(login)(stack.port)
    ws = await websockets.connect(
        f"ws://127.0.0.1:{stack.port}/ws/inbox/acme/",
        origin=f"http://127.0.0.1:{stack.port}",  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_queue=None,
        ping_interval=None,
    )
    frames: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

    async def reader() -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                arrived = time.time()
                frame = json.loads(raw)
                if frame.get("type") in ("ai.suggestions", "subscribed"):
                    await frames.put((arrived, frame))

    reading = asyncio.create_task(reader())
    to_provider: list[float] = []
    to_socket: list[float] = []
    stages: dict[str, list[float]] = {}
    total = args.warmup + args.samples
    for index in range(total):
        conversation_id = await sync_to_async(new_conversation)(workspace_id, brand, index)
        await ws.send(
            json.dumps({"type": "subscribe", "conversation_id": conversation_id, "last_seq": 0})
        )
        while (await frames.get())[1]["type"] != "subscribed":
            pass
        seen = len(fake.arrivals)
        body = "Hi, where is my order? It has not arrived"
        if args.write_path == "socket":
            committed, outbox = await sync_to_async(
                visitor_writes_collected, thread_sensitive=False
            )(workspace_id, conversation_id, body, f"b-{index}")
            await events.flush(outbox)
        else:
            committed = await sync_to_async(visitor_writes)(
                workspace_id, conversation_id, body, f"b-{index}"
            )
        arrived, frame = await asyncio.wait_for(frames.get(), timeout=30)
        while frame.get("conversation_id") != conversation_id:
            arrived, frame = await asyncio.wait_for(frames.get(), timeout=30)
        if frame["status"] != "done":
            raise RuntimeError(f"suggestions failed: {frame}")
        done_at = await sync_to_async(provider_at)(workspace_id, frame["artifact_id"])
        await ws.send(json.dumps({"type": "unsubscribe", "conversation_id": conversation_id}))
        if index < args.warmup or done_at is None:
            continue
        to_provider.append((fake.arrivals[seen] - committed) * 1000)
        to_socket.append((arrived - done_at) * 1000)
        timings = await sync_to_async(_timings)(workspace_id, frame["artifact_id"])
        for key in ("transcript", "redaction", "provider"):
            if key in timings:
                stages.setdefault(key, []).append(float(timings[key]))
        await asyncio.sleep(args.pause)
    reading.cancel()
    await ws.close()
    return {
        "samples": args.samples,
        "warmup": args.warmup,
        "write_path": args.write_path,
        "committed_to_provider_request": _summary(to_provider),
        "last_token_to_operator_socket": _summary(to_socket),
        "worker_stages_ms": {k: _summary(v) for k, v in stages.items()},
        "target_p99_ms": 25,
        "met": bool(
            to_provider
            and to_socket
            and _pct(to_provider, 0.99) <= 25
            and _pct(to_socket, 0.99) <= 25
        ),
    }


def _timings(workspace_id: int, artifact_id: int) -> dict[str, Any]:
    from ai.models import AIArtifact
    from tenants.scope import workspace_scope

    with workspace_scope(workspace_id):
        row = AIArtifact.objects.filter(pk=artifact_id).values("timings").first()
    return dict((row or {}).get("timings") or {})


def phase_kill(stack: Stack, args: argparse.Namespace, fake: Any) -> dict[str, Any]:
    from tests.ai.fake_provider import Fault

    workspace_id, brand = acme()
    set_agent(workspace_id, brand, True)
    fake.reset()
    fake.reply = json.dumps({"reply": "Your parcel ships today.", "confidence": 0.9})
    fake.sticky = Fault.slow_first_byte(args.kill_provider_latency)
    conversations: list[int] = []
    writing_done = threading.Event()

    def writer() -> None:
        # Writes from a thread so the main thread can kill and restart the worker (the worker
        # must be a child of a thread that lives on: setpriv's pdeathsig fires on thread exit).
        from django.db import connection

        try:
            for index in range(args.kill_messages):
                conversation_id = new_conversation(workspace_id, brand, 10_000 + index)
                visitor_writes(
                    workspace_id, conversation_id, "When will my parcel ship?", f"k-{index}"
                )
                conversations.append(conversation_id)
                time.sleep(args.kill_interval)
        finally:
            connection.close()
            writing_done.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    while stack.kills < args.kills or not writing_done.is_set():
        if stack.kills < args.kills:
            time.sleep(args.kill_every)
            stack.kill_worker()
            _say(f"kill -9 #{stack.kills}; restarting the worker")
            stack.start_worker()
        else:
            writing_done.wait(1)
    thread.join()
    fake.sticky = None
    deadline = time.monotonic() + args.drain_timeout
    counts = agent_answers(workspace_id, conversations)
    while time.monotonic() < deadline and any(n == 0 for n in counts.values()):
        time.sleep(0.5)
        counts = agent_answers(workspace_id, conversations)
    time.sleep(2)
    counts = agent_answers(workspace_id, conversations)
    if any(n != 1 for n in counts.values()):
        _say("not exactly one answer everywhere; database sessions now:")
        for row in stack.sql(
            "SELECT pid, state, wait_event_type, wait_event, left(query, 120) "
            "FROM pg_stat_activity WHERE datname IS NOT NULL"
        ):
            _say(f"  {row}")
        if args.keep and stack.worker is not None:  # faulthandler dumps the children's stacks
            import psutil

            for child in psutil.Process(stack.worker.pid).children(recursive=True):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGABRT)
            time.sleep(2)
    return {
        "conversations": len(conversations),
        "worker_kills": stack.kills,
        "answered_once": sum(1 for n in counts.values() if n == 1),
        "lost": sum(1 for n in counts.values() if n == 0),
        "duplicated": sum(1 for n in counts.values() if n > 1),
        "provider_calls": len(fake.requests),
        "visibility_timeout_s": 5,
        "provider_latency_s": args.kill_provider_latency,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the worker")
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--kill-messages", type=int, default=60)
    parser.add_argument("--kill-interval", type=float, default=0.2)
    parser.add_argument("--kill-provider-latency", type=float, default=0.4)
    parser.add_argument("--drain-timeout", type=float, default=90)
    parser.add_argument(
        "--write-path",
        choices=("socket", "sync"),
        default="socket",
        help="socket: the visitor message is written and its events sent as the widget "
        "socket's consumer does (collect, then flush from the event loop); sync: as a REST "
        "view or a shell, every commit hook in turn (the inbox read before the AI enqueue)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="run Daphne, the worker and the writes with DEBUG=True (make run's setting; "
        "the default is DEBUG off, as deployed)",
    )
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    from tests.ai.fake_provider import FakeProvider

    tmp = Path(tempfile.mkdtemp(prefix="supportdesk-ai-bench-"))
    fake = FakeProvider().start()
    stack: Stack | None = None
    try:
        stack = Stack(tmp, fake.openai_url, debug=args.debug)
        stack.start_daphne()
        stack.start_worker()
        django_setup(stack.env, stack.settings_dir)
        load_before = os.getloadavg()
        _say(f"overhead: {args.samples} samples (+{args.warmup} warm-up)")
        overhead = asyncio.run(phase_overhead(stack, args, fake))
        _say(json.dumps(overhead))
        kill: dict[str, Any] | None = None
        if not args.skip_kill:
            _say(f"kill: {args.kill_messages} conversations, {args.kills} x kill -9")
            kill = phase_kill(stack, args, fake)
            _say(json.dumps(kill))
        results = {
            "benchmark": "ai-pipeline",
            "command": "python bench/ai_pipeline.py " + " ".join(sys.argv[1:]),
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            },
            "provider": "fake, zero latency (tests/ai/fake_provider.py), OpenAI Chat SSE",
            "worker": "celery prefork, concurrency 2, queue ai",
            "debug": args.debug,
            "overhead": overhead,
            "kill": kill,
        }
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2) + "\n")
            _say(f"wrote {args.json}")
        ok = overhead["met"] and (kill is None or (kill["lost"] == 0 and kill["duplicated"] == 0))
        return 0 if ok else 1
    finally:
        if stack is not None:
            stack.stop()
        fake.stop()
        if args.keep:
            _say(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
