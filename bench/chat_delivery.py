"""Chat delivery end to end: visitor socket -> Daphne -> PostgreSQL -> Redis channel layer ->
operator socket, on ONE Daphne process with its own embedded PostgreSQL + Redis (temp dir).

Scenarios (``--scenario``, default ``all``):

* ``unloaded``: 1 visitor/operator pair, one message at a time; latency p50/p99/mean.
* ``sustained``: N pairs sending at an aggregate rate; achieved rate, latency, lost/duplicated
  messages at the operator and rows in PostgreSQL vs sent.
* ``idle``: K idle visitor sockets (after ``hello``); Daphne RSS growth per socket.
* ``redis-restart``: a pair exchanging messages while redis-server is stopped and started again;
  time until delivery resumes (Daphne not restarted) and whether reconnect + replay fills the gap.

The latency is measured from just before the visitor's ``send`` frame is written to the arrival of
the matching ``message`` frame on the operator socket (same process, monotonic clock); the server
persists every message (one transaction) before broadcasting it after commit.

The chat's per-visitor send limit (10 / 10 s) and the widget-session limit (30 / min per IP, and
every client here is 127.0.0.1) are raised for the benchmark's Daphne ONLY, through a settings
module generated in the temp dir (``CHAT_VISITOR_SEND_LIMITS`` / ``CHAT_WIDGET_SESSION_LIMIT``,
read by chat/services.py and chat/ratelimit.py); the limits are still checked (the send limit by
PostgreSQL inside the message's statement, counting the visitor's messages in each window).

    .venv/bin/python bench/chat_delivery.py --scenario all --json bench/results/chat-delivery.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from supportdesk import embedded  # noqa: E402

ORIGIN = "http://127.0.0.1"
OPERATOR_LOGIN = ("operator@acme.test", "supportdesk-demo")
BENCH_SETTINGS = """\
from supportdesk.settings.local import *  # noqa: F403

# Benchmark only: the limiter still runs, with limits no benchmark client reaches.
CHAT_VISITOR_SEND_LIMITS = ("1000000/10seconds", "10000000/hour")
CHAT_WIDGET_SESSION_LIMIT = "1000000/minute"
"""


def _say(message: str) -> None:
    print(f"[chat-bench] {message}", flush=True)


def _ms(ns: float) -> float:
    return round(ns / 1e6, 3)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _latency_summary(samples_ns: list[int]) -> dict[str, Any]:
    if not samples_ns:
        return {"n": 0}
    return {
        "n": len(samples_ns),
        "p50_ms": _ms(_pct(samples_ns, 0.50)),
        "p90_ms": _ms(_pct(samples_ns, 0.90)),
        "p99_ms": _ms(_pct(samples_ns, 0.99)),
        "max_ms": _ms(max(samples_ns)),
        "mean_ms": _ms(statistics.fmean(samples_ns)),
    }


# ------------------------------------------------------------------------------------- server


@dataclass
class Server:
    tmp: Path
    services: embedded.Services
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0
    log_path: Path = field(default_factory=Path)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def sql(self, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """As the postgres superuser (no RLS): only for reading the benchmark's own results."""
        import psycopg

        url = self.services.postgres.url("postgres", embedded.DATABASE_NAME)
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(query, params or []).fetchall()

    def daphne_pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


def start_server(tmp: Path, args: argparse.Namespace) -> Server:
    _say(f"starting PostgreSQL + Redis in {tmp}")
    services = embedded.start_services(tmp / "services")
    devdata = tmp / "devdata"
    devdata.mkdir()
    (devdata / "secret_key").write_text(secrets.token_urlsafe(64))
    from cryptography.fernet import Fernet

    (devdata / "field_keys").write_text(Fernet.generate_key().decode() + "\n")
    settings_dir = tmp / "settings"
    settings_dir.mkdir()
    # As deployed (production settings have DEBUG off); --debug measures make run's DEBUG=True.
    extra = "DEBUG = True\n" if args.debug else "DEBUG = False\n"
    if args.layer == "core":  # what-if: channels_redis.core instead of chat.layer (pub/sub)
        extra += (
            'CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.core.RedisChannelLayer"\n'
            'CHANNEL_LAYERS["default"]["CONFIG"].pop("prefix", None)\n'
            'CHANNEL_LAYERS["default"]["CONFIG"].update(capacity=1500, expiry=30)\n'
        )
    if args.switch_interval is not None:
        extra += f"import sys\nsys.setswitchinterval({args.switch_interval})\n"
    if args.db_threads is not None:
        extra += f"CHAT_DB_THREADS = {args.db_threads}\n"
    (settings_dir / "chat_bench_settings.py").write_text(BENCH_SETTINGS + extra)
    env = dict(os.environ)
    env.update(services.environ())
    env.update(
        DJANGO_SETTINGS_MODULE="supportdesk.settings.local",
        SUPPORTDESK_DEVDATA=str(devdata),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(settings_dir), str(ROOT)]),
    )
    server = Server(tmp=tmp, services=services, env=env)
    owner = dict(env, DATABASE_URL=env["DATABASE_OWNER_URL"])
    manage = [sys.executable, str(ROOT / "manage.py")]
    _say("migrate (owner role) + seed_demo")
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--origin", ORIGIN]):
        subprocess.run(manage + args, env=owner, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    origins = server.sql(
        "SELECT b.allowed_origins FROM tenants_brand b JOIN tenants_workspace w "
        "ON w.id = b.workspace_id WHERE w.slug = 'acme'"
    )[0][0]
    if ORIGIN not in origins:
        raise RuntimeError(f"the seeded brand does not allow {ORIGIN}: {origins}")
    start_daphne(server)
    return server


def start_daphne(server: Server) -> None:
    server.log_path = server.tmp / "daphne.log"
    env = dict(server.env, DJANGO_SETTINGS_MODULE="chat_bench_settings")
    log = server.log_path.open("ab")
    pdeathsig = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
    server.proc = subprocess.Popen(
        [
            *pdeathsig,
            sys.executable,
            "-m",
            "supportdesk.serve",
            "-e",
            "tcp:port=0:interface=127.0.0.1",
            "supportdesk.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"daphne exited:\n{server.log_path.read_text()[-3000:]}")
        found = re.search(
            r"Listening on TCP address 127\.0\.0\.1:(\d+)", server.log_path.read_text()
        )
        if found:
            server.port = int(found.group(1))
            _say(f"daphne pid {server.proc.pid} on port {server.port}")
            return
        time.sleep(0.05)
    raise RuntimeError("daphne did not report its port")


def stop_server(server: Server | None) -> None:
    if server is None:
        return
    if server.proc is not None and server.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(5)
    server.services.stop()


# ------------------------------------------------------------------------------------ clients


class Clients:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.widget_key = server.sql(
            "SELECT b.widget_key FROM tenants_brand b JOIN tenants_workspace w "
            "ON w.id = b.workspace_id WHERE w.slug = 'acme' ORDER BY b.id LIMIT 1"
        )[0][0]
        self.http = httpx.Client(base_url=server.http, timeout=30)
        self.session_cookie = self._login()

    def _login(self) -> str:
        self.http.get("/login/")
        csrf = self.http.cookies["csrftoken"]
        resp = self.http.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": csrf,
                "username": OPERATOR_LOGIN[0],
                "password": OPERATOR_LOGIN[1],
            },
            headers={"Referer": f"{self.server.http}/login/", "Origin": self.server.http},
        )
        if resp.status_code not in (200, 302) or "sessionid" not in self.http.cookies:
            raise RuntimeError(f"operator login failed: {resp.status_code}")
        return self.http.cookies["sessionid"]

    def visitor_token(self, name: str) -> str:
        resp = self.http.post(
            f"/api/v1/widget/{self.widget_key}/session/",
            json={"name": name},
            headers={"Origin": ORIGIN},
        )
        resp.raise_for_status()
        return str(resp.json()["token"])

    async def visitor_socket(self, token: str, last_seq: int = 0) -> tuple[Any, dict[str, Any]]:
        ws = await websockets.connect(
            f"{self.server.ws}/ws/widget/{self.widget_key}/",
            origin=ORIGIN,  # type: ignore[arg-type]
            max_queue=None,
            ping_interval=None,
            open_timeout=60,
        )
        await ws.send(json.dumps({"type": "hello", "token": token, "last_seq": last_seq, "v": 1}))
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"no welcome: {welcome}")
        return ws, welcome

    async def operator_socket(self) -> Any:
        return await websockets.connect(
            f"{self.server.ws}/ws/inbox/acme/",
            origin=f"http://127.0.0.1:{self.server.port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={self.session_cookie}"},
            max_queue=None,
            ping_interval=None,
            open_timeout=60,
        )


@dataclass
class Tracker:
    """Arrivals at operator sockets, keyed by client_id."""

    sent_ns: dict[str, int] = field(default_factory=dict)
    arrivals: dict[str, int] = field(default_factory=dict)
    latencies_ns: dict[str, int] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    waiters: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    last_arrival_ns: int = 0
    other_frames: dict[str, int] = field(default_factory=dict)

    def on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type", "?")
        if kind != "message" or frame.get("sender") != "visitor":
            self.other_frames[kind] = self.other_frames.get(kind, 0) + 1
            return
        now = time.perf_counter_ns()
        cid = frame["client_id"]
        self.arrivals[cid] = self.arrivals.get(cid, 0) + 1
        self.seqs[cid] = frame["seq"]
        self.last_arrival_ns = now
        if cid in self.sent_ns and cid not in self.latencies_ns:
            self.latencies_ns[cid] = now - self.sent_ns[cid]
        waiter = self.waiters.pop(cid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


async def _reader(ws: Any, on_frame: Any) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in ws:
            on_frame(json.loads(raw))


@dataclass
class Pair:
    token: str
    visitor: Any
    operator: Any
    conversation_id: int
    visitor_frames: dict[str, int] = field(default_factory=dict)
    visitor_seqs: dict[str, int] = field(default_factory=dict)
    #: client_id -> perf_counter_ns of the visitor's ``sent`` ack / own ``message`` echo
    acked_ns: dict[str, int] = field(default_factory=dict)
    echoed_ns: dict[str, int] = field(default_factory=dict)


async def open_pair(
    clients: Clients, tracker: Tracker, name: str, operator: Any | None = None
) -> tuple[Pair, list[asyncio.Task[None]]]:
    """A visitor with a started conversation and an operator socket subscribed to it."""
    token = await asyncio.to_thread(clients.visitor_token, name)
    visitor, _welcome = await clients.visitor_socket(token)
    cid = f"{name}-start"
    await visitor.send(json.dumps({"type": "send", "client_id": cid, "body": "hello"}))
    conversation_id = None
    while conversation_id is None:
        frame = json.loads(await visitor.recv())
        if frame.get("type") == "message" and frame.get("client_id") == cid:
            conversation_id = frame["conversation_id"]
    tasks: list[asyncio.Task[None]] = []
    if operator is None:
        operator = await clients.operator_socket()
        tasks.append(asyncio.create_task(_reader(operator, tracker.on_frame)))
    pair = Pair(token, visitor, operator, conversation_id)

    def on_visitor(frame: dict[str, Any]) -> None:
        kind = frame.get("type", "?")
        pair.visitor_frames[kind] = pair.visitor_frames.get(kind, 0) + 1
        if kind == "message":
            pair.visitor_seqs[frame["client_id"]] = frame["seq"]
            pair.echoed_ns[frame["client_id"]] = time.perf_counter_ns()
        elif kind == "sent":
            pair.acked_ns[frame["client_id"]] = time.perf_counter_ns()

    tasks.append(asyncio.create_task(_reader(visitor, on_visitor)))
    await operator.send(
        json.dumps({"type": "subscribe", "conversation_id": conversation_id, "last_seq": 1})
    )
    return pair, tasks


async def send_message(pair: Pair, tracker: Tracker, cid: str) -> None:
    tracker.sent_ns[cid] = time.perf_counter_ns()
    body = f"bench {cid} {tracker.sent_ns[cid]}"
    await pair.visitor.send(json.dumps({"type": "send", "client_id": cid, "body": body}))


async def close_all(sockets: list[Any], tasks: list[asyncio.Task[None]]) -> None:
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def db_count(server: Server, prefix: str) -> int:
    return int(
        server.sql(
            "SELECT count(*) FROM chat_message WHERE client_id LIKE %s",
            [prefix.replace("_", r"\_") + "%"],
        )[0][0]
    )


# ---------------------------------------------------------------------------------- scenarios


async def scenario_unloaded(clients: Clients, args: argparse.Namespace) -> dict[str, Any]:
    tracker = Tracker()
    pair, tasks = await open_pair(clients, tracker, "unl")
    await asyncio.sleep(0.5)
    timeouts = 0
    total = args.warmup + args.samples
    for i in range(total):
        cid = f"unl-{i}"
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        tracker.waiters[cid] = waiter
        await send_message(pair, tracker, cid)
        try:
            await asyncio.wait_for(waiter, 5)
        except TimeoutError:
            timeouts += 1
        await asyncio.sleep(args.gap_ms / 1000)
    await asyncio.sleep(0.2)
    ids = [f"unl-{i}" for i in range(args.warmup, total)]
    samples = [tracker.latencies_ns[c] for c in ids if c in tracker.latencies_ns]
    acks = [pair.acked_ns[c] - tracker.sent_ns[c] for c in ids if c in pair.acked_ns]
    echoes = [pair.echoed_ns[c] - tracker.sent_ns[c] for c in ids if c in pair.echoed_ns]
    await close_all([pair.visitor, pair.operator], tasks)
    return {
        "what": "1 pair, one message at a time (next sent after the previous arrived + gap)",
        "warmup_discarded": args.warmup,
        "gap_ms": args.gap_ms,
        "timeouts": timeouts,
        "latency": _latency_summary(samples),
        "visitor_sent_ack_latency": _latency_summary(acks),
        "visitor_own_echo_latency": _latency_summary(echoes),
        "targets": {"p50_ms": 5, "p99_ms": 15},
        "db_rows": db_count(clients.server, "unl-"),
    }


async def scenario_sustained(clients: Clients, args: argparse.Namespace) -> dict[str, Any]:
    tracker = Tracker()
    pairs: list[Pair] = []
    tasks: list[asyncio.Task[None]] = []
    operators: list[Any] = []
    for i in range(args.pairs):
        shared = operators[i % args.operators] if len(operators) >= args.operators else None
        pair, new_tasks = await open_pair(clients, tracker, f"sus{i}", operator=shared)
        if shared is None:
            operators.append(pair.operator)
        pairs.append(pair)
        tasks.extend(new_tasks)
    _say(f"sustained: {len(pairs)} visitors, {len(operators)} operator sockets open")
    await asyncio.sleep(1.0)
    tracker.other_frames.clear()
    per_pair = args.rate / len(pairs)
    interval = 1.0 / per_pair
    counts = [0] * len(pairs)
    send_lag_ms: list[float] = []
    start = time.perf_counter()
    stop_at = start + args.duration

    async def sender(index: int) -> None:
        pair = pairs[index]
        next_at = start + interval * index / len(pairs)
        n = 0
        while next_at < stop_at:
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            send_lag_ms.append((time.perf_counter() - next_at) * 1000)
            try:
                await send_message(pair, tracker, f"sus{index}-m{n}")
            except websockets.ConnectionClosed:
                return
            n += 1
            counts[index] = n
            next_at += interval

    load_before = os.getloadavg()
    cpu_daphne = psutil.Process(clients.server.daphne_pid())
    cpu_before = cpu_daphne.cpu_times()
    client_cpu_before = time.process_time()
    machine_before = psutil.cpu_times()
    await asyncio.gather(*(sender(i) for i in range(len(pairs))))
    send_end = time.perf_counter()
    sent_ids = [f"sus{i}-m{n}" for i in range(len(pairs)) for n in range(counts[i])]
    # Drain: until everything arrived, or nothing arrived for 5 s, or --drain seconds.
    drain_deadline = time.perf_counter() + args.drain
    progress = (len(tracker.arrivals), time.perf_counter())
    while time.perf_counter() < drain_deadline:
        if all(cid in tracker.arrivals for cid in sent_ids):
            break
        if len(tracker.arrivals) != progress[0]:
            progress = (len(tracker.arrivals), time.perf_counter())
        elif time.perf_counter() - progress[1] > 5:
            break
        await asyncio.sleep(0.05)
    drain_s = time.perf_counter() - send_end
    delivered_during_send = sum(
        1
        for c in sent_ids
        if c in tracker.latencies_ns
        and tracker.sent_ns[c] + tracker.latencies_ns[c] <= int(send_end * 1e9)
    )
    cpu_after = cpu_daphne.cpu_times()
    client_cpu_s = time.process_time() - client_cpu_before
    machine_after = psutil.cpu_times()
    machine_total = sum(machine_after) - sum(machine_before)
    machine_idle = (machine_after.idle + machine_after.iowait) - (
        machine_before.idle + machine_before.iowait
    )
    start_ns = int(start * 1e9)
    last_ns = tracker.last_arrival_ns
    lost = [cid for cid in sent_ids if cid not in tracker.arrivals]
    dup = sum(1 for cid in sent_ids if tracker.arrivals.get(cid, 0) > 1)
    await asyncio.sleep(0.5)
    rows = db_count(clients.server, "sus") - len(pairs)  # minus the "-start" messages
    span_s = max(1e-9, (last_ns - start_ns) / 1e9) if last_ns else float("nan")
    rejected = sum(p.visitor_frames.get("error", 0) for p in pairs)
    await close_all([p.visitor for p in pairs] + operators, tasks)
    latencies = [tracker.latencies_ns[c] for c in sent_ids if c in tracker.latencies_ns]
    return {
        "what": "N visitors sending open-loop at an aggregate target rate; each conversation "
        "subscribed on an operator socket",
        "visitors": len(pairs),
        "operator_sockets": len(operators),
        "target_rate_msg_s": args.rate,
        "duration_s": args.duration,
        "sent": len(sent_ids),
        "offered_rate_msg_s": round(len(sent_ids) / (send_end - start), 1),
        "db_rows": rows,
        "delivered_unique": len(sent_ids) - len(lost),
        "undelivered_after_drain": len(lost),
        "drain_waited_s": round(drain_s, 1),
        "delivered_during_send_window": delivered_during_send,
        "lost_sample": lost[:10],
        "duplicated": dup,
        "error_frames_to_visitors": rejected,
        "delivered_msg_s_during_send_window": round(delivered_during_send / args.duration, 1),
        "persisted_and_delivered_msg_s": round(min(rows, len(sent_ids) - len(lost)) / span_s, 1),
        "span_first_send_to_last_arrival_s": round(span_s, 2),
        "client_send_lag_ms": {
            "p50": round(_pct(send_lag_ms, 0.5), 2),
            "p99": round(_pct(send_lag_ms, 0.99), 2),
        },
        "latency": _latency_summary(latencies),
        "daphne_cpu_s": round(
            (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system), 2
        ),
        "daphne_cpu_ms_per_message": round(
            1000
            * ((cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system))
            / max(1, len(sent_ids)),
            2,
        ),
        "client_cpu_s": round(client_cpu_s, 2),
        "machine_cpu_busy_pct": round(100 * (1 - machine_idle / max(1e-9, machine_total)), 1),
        "operator_other_frames": dict(tracker.other_frames),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


async def scenario_idle(clients: Clients, args: argparse.Namespace) -> dict[str, Any]:
    proc = psutil.Process(clients.server.daphne_pid())
    tokens = [await asyncio.to_thread(clients.visitor_token, f"idle{i}") for i in range(20)]
    # Warm up the code paths (and the allocator) with a few sockets first.
    warm = [(await clients.visitor_socket(tokens[0]))[0] for _ in range(20)]
    await close_all(warm, [])
    await asyncio.sleep(2)
    rss_before = proc.memory_info().rss
    sockets: list[Any] = []
    failures: list[str] = []
    semaphore = asyncio.Semaphore(50)

    async def one(i: int) -> None:
        async with semaphore:
            try:
                ws, _ = await clients.visitor_socket(tokens[i % len(tokens)])
                sockets.append(ws)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}"[:200])

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(args.idle)))
    open_s = time.perf_counter() - started
    await asyncio.sleep(3)
    rss_after = proc.memory_info().rss
    fds = proc.num_fds()
    await close_all(sockets, [])
    await asyncio.sleep(2)
    rss_closed = proc.memory_info().rss
    per_socket = (rss_after - rss_before) / max(1, len(sockets))
    return {
        "what": "K visitor sockets opened (hello with one of 20 visitor tokens), then idle 3 s",
        "requested": args.idle,
        "opened": len(sockets),
        "failures": len(failures),
        "failure_sample": failures[:5],
        "open_all_s": round(open_s, 2),
        "daphne_fds_open": fds,
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_with_sockets_mb": round(rss_after / 2**20, 1),
        "rss_after_close_mb": round(rss_closed / 2**20, 1),
        "rss_growth_per_socket_kb": round(per_socket / 1024, 1),
        "target_kb_per_socket": 60,
    }


async def scenario_redis_restart(clients: Clients, args: argparse.Namespace) -> dict[str, Any]:
    server = clients.server
    tracker = Tracker()
    pair, tasks = await open_pair(clients, tracker, "rr")
    await asyncio.sleep(0.5)
    events: list[tuple[float, str]] = []
    acked: dict[str, int] = {}
    visitor_closed_at: float | None = None
    operator_closed: dict[str, Any] = {}
    t0 = time.perf_counter()

    def rel() -> float:
        return round(time.perf_counter() - t0, 3)

    def note(what: str) -> None:
        events.append((rel(), what))

    # The visitor's frames: record "sent" acks (persisted) and errors.
    def on_visitor(frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "sent":
            acked[frame["client_id"]] = frame["seq"]
        elif kind == "message":
            pair.visitor_seqs[frame["client_id"]] = frame["seq"]
        elif kind == "error":
            note(f"visitor error frame {frame.get('code')}")

    for task in tasks[1:]:
        task.cancel()
    visitor_task = asyncio.create_task(_reader(pair.visitor, on_visitor))

    operator_reconnects = 0
    extra_operator_tasks: list[asyncio.Task[None]] = []

    async def watch_operator() -> None:
        """What the inbox does: on close, reconnect and re-subscribe after the last seq seen."""
        nonlocal operator_reconnects
        while True:
            await pair.operator.wait_closed()
            if "at" not in operator_closed:
                operator_closed["at"] = rel()
                operator_closed["code"] = pair.operator.close_code
            note(f"operator socket closed {pair.operator.close_code}")
            while True:
                await asyncio.sleep(0.25)
                last = max([1, *(v for k, v in tracker.seqs.items() if k.startswith("rr-"))])
                try:
                    ws = await clients.operator_socket()
                    await ws.send(
                        json.dumps(
                            {
                                "type": "subscribe",
                                "conversation_id": pair.conversation_id,
                                "last_seq": last,
                            }
                        )
                    )
                except Exception as exc:
                    note(f"operator reconnect failed: {type(exc).__name__}")
                    continue
                pair.operator = ws
                operator_reconnects += 1
                note(f"operator reconnected, subscribed after seq {last}")
                extra_operator_tasks.append(asyncio.create_task(_reader(ws, tracker.on_frame)))
                break

    op_watch = asyncio.create_task(watch_operator())
    sent: list[str] = []
    stop_at = t0 + args.restart_at
    end_at = stop_at + args.restart_observe
    restarted: dict[str, float] = {}
    n = 0
    reconnects = 0
    visitor_last_seq = 0

    async def restart() -> None:
        await asyncio.sleep(max(0, stop_at - time.perf_counter()))
        note("redis stop")
        restarted["stop"] = rel()
        await asyncio.to_thread(server.services.redis.stop)
        note("redis stopped")
        await asyncio.to_thread(embedded.start_redis, server.services.redis.directory)
        restarted["up"] = rel()
        note("redis up")

    restart_task = asyncio.create_task(restart())
    while time.perf_counter() < end_at:
        cid = f"rr-{n}"
        n += 1
        sent.append(cid)
        try:
            await send_message(pair, tracker, cid)
        except websockets.ConnectionClosed:
            sent.pop()
            n -= 1
            if visitor_closed_at is None:
                visitor_closed_at = rel()
                note(f"visitor socket closed {pair.visitor.close_code}")
            # What the widget does: reconnect, hello with last_seq, re-send unacknowledged ids.
            visitor_last_seq = max([visitor_last_seq, *pair.visitor_seqs.values()])
            try:
                pair.visitor, welcome = await clients.visitor_socket(pair.token, visitor_last_seq)
            except Exception as exc:
                note(f"visitor reconnect failed: {type(exc).__name__}")
                await asyncio.sleep(0.25)
                continue
            reconnects += 1
            note(f"visitor reconnected, replayed {welcome.get('replayed')}")
            visitor_task = asyncio.create_task(_reader(pair.visitor, on_visitor))
            with contextlib.suppress(websockets.ConnectionClosed):
                for old in sent:
                    if old not in acked:
                        await send_message(pair, tracker, old)
            continue
        await asyncio.sleep(args.restart_interval_ms / 1000)
    await restart_task
    # Let the server work off its backlog: every sent id acknowledged (persisted), at most 15 s.
    settle_until = time.perf_counter() + 15
    while time.perf_counter() < settle_until and not all(c in acked for c in sent):
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)
    stop_rel = restarted.get("stop", float("nan"))
    up_rel = restarted.get("up", float("nan"))
    t0_ns = int(t0 * 1e9)
    # Live delivery (original operator socket, or its reconnection): the first arrival of a
    # message sent after the stop, and of the first one sent after redis was back.
    after_stop = sorted(
        (tracker.sent_ns[c] - t0_ns, tracker.sent_ns[c] + tracker.latencies_ns[c] - t0_ns, c)
        for c in tracker.latencies_ns
        if c.startswith("rr-") and (tracker.sent_ns[c] - t0_ns) / 1e9 >= stop_rel
    )
    first_after_stop = min((arr for _s, arr, _c in after_stop), default=None)
    first_sent_after_up = min(
        ((s, arr) for s, arr, _c in after_stop if s / 1e9 >= up_rel), default=None
    )
    missing_live = [c for c in sent if c not in tracker.arrivals]
    persisted = {
        row[0]: row[1]
        for row in server.sql(
            "SELECT client_id, seq FROM chat_message WHERE conversation_id = %s",
            [pair.conversation_id],
        )
    }
    never_persisted = [c for c in sent if c not in persisted]
    # Replay 1: the operator re-subscribes on a fresh socket with last_seq = what it saw before.
    seen_seqs = sorted(tracker.seqs[c] for c in tracker.seqs if c.startswith("rr-"))
    replay_tracker = Tracker()
    fresh_op = await clients.operator_socket()
    replay_task = asyncio.create_task(_reader(fresh_op, replay_tracker.on_frame))
    first_gap_seq = min((persisted[c] for c in missing_live if c in persisted), default=None)
    after = (first_gap_seq - 1) if first_gap_seq else (seen_seqs[-1] if seen_seqs else 0)
    await fresh_op.send(
        json.dumps(
            {"type": "subscribe", "conversation_id": pair.conversation_id, "last_seq": after}
        )
    )
    # Replay 2: a visitor reconnect (hello with last_seq before the gap).
    replay_visitor, welcome = await clients.visitor_socket(pair.token, after)
    visitor_replayed: set[str] = set()

    def on_replay(frame: dict[str, Any]) -> None:
        if frame.get("type") == "message":
            visitor_replayed.add(frame["client_id"])

    replay_v_task = asyncio.create_task(_reader(replay_visitor, on_replay))
    await asyncio.sleep(1.5)
    filled_by_operator = [c for c in missing_live if c in replay_tracker.arrivals]
    filled_by_visitor = [c for c in missing_live if c in visitor_replayed]
    await close_all(
        [pair.visitor, pair.operator, fresh_op, replay_visitor],
        [*tasks, visitor_task, op_watch, replay_task, replay_v_task, *extra_operator_tasks],
    )
    log_tail = [
        line
        for line in server.log_path.read_text().splitlines()[-400:]
        if "Error" in line or "Exception" in line or "Traceback" in line
    ][-15:]
    return {
        "what": f"1 pair sending every {args.restart_interval_ms} ms; redis-server stopped and "
        f"started again at t={args.restart_at}s; Daphne not restarted",
        "redis_stop_at_s": stop_rel,
        "redis_back_at_s": up_rel,
        "redis_down_s": round(up_rel - stop_rel, 3),
        "sent_unique": len(sent),
        "acknowledged": sum(1 for c in sent if c in acked),
        "persisted": len(persisted) - 1,
        "never_persisted": len(never_persisted),
        "visitor_reconnects": reconnects,
        "visitor_socket_closed_at_s": visitor_closed_at,
        "operator_socket_closed": operator_closed or None,
        "delivery_resumed_after_stop_s": (
            round(first_after_stop / 1e9 - stop_rel, 3) if first_after_stop else None
        ),
        "first_message_sent_after_redis_up_delivered_after_s": (
            round(first_sent_after_up[1] / 1e9 - up_rel, 3) if first_sent_after_up else None
        ),
        "operator_reconnects": operator_reconnects,
        "missing_at_operator_live": len(missing_live),
        "missing_and_persisted": sum(1 for c in missing_live if c in persisted),
        "filled_by_operator_resubscribe": len(filled_by_operator),
        "filled_by_visitor_hello_last_seq": len(filled_by_visitor),
        "visitor_welcome_replayed": welcome.get("replayed"),
        "target_resume_s": 5,
        "events": events,
        "daphne_log_errors": log_tail,
    }


SCENARIOS = {
    "unloaded": scenario_unloaded,
    "sustained": scenario_sustained,
    "idle": scenario_idle,
    "redis-restart": scenario_redis_restart,
}


async def run(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    clients = Clients(server)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results: dict[str, Any] = {}
    for name in names:
        _say(f"scenario {name}")
        started = time.perf_counter()
        load = os.getloadavg()
        try:
            results[name] = await SCENARIOS[name](clients, args)
        except Exception as exc:
            results[name] = {"failed": f"{type(exc).__name__}: {exc}"}
        results[name]["loadavg_at_start"] = [round(x, 2) for x in load]
        results[name]["scenario_runtime_s"] = round(time.perf_counter() - started, 1)
        _say(f"{name}: {json.dumps(results[name])[:600]}")
        if server.proc is not None and server.proc.poll() is not None:
            raise RuntimeError("daphne died")
    clients.http.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--json", dest="json_path", help="write the figures here as JSON")
    parser.add_argument("--samples", type=int, default=600, help="unloaded: measured messages")
    parser.add_argument("--warmup", type=int, default=50, help="unloaded: discarded messages")
    parser.add_argument("--gap-ms", type=float, default=2, help="unloaded: pause between messages")
    parser.add_argument("--pairs", type=int, default=30, help="sustained: visitors")
    parser.add_argument(
        "--operators", type=int, default=0, help="sustained: operator sockets (0 = one per visitor)"
    )
    parser.add_argument("--rate", type=float, default=300, help="sustained: aggregate msg/s")
    parser.add_argument("--duration", type=float, default=20, help="sustained: seconds")
    parser.add_argument("--drain", type=float, default=30, help="sustained: wait for stragglers")
    parser.add_argument("--idle", type=int, default=2000, help="idle: sockets")
    parser.add_argument("--restart-at", type=float, default=2.0)
    parser.add_argument("--restart-observe", type=float, default=10.0)
    parser.add_argument("--restart-interval-ms", type=float, default=200)
    parser.add_argument(
        "--debug", action="store_true", help="run the benchmark's Daphne with DEBUG=True"
    )
    parser.add_argument(
        "--layer",
        choices=["settings", "core"],
        default="settings",
        help="core: what-if run on channels_redis.core instead of the configured layer",
    )
    parser.add_argument(
        "--switch-interval", type=float, default=None, help="what-if: sys.setswitchinterval"
    )
    parser.add_argument(
        "--db-threads", type=int, default=None, help="CHAT_DB_THREADS for the benchmark's Daphne"
    )
    args = parser.parse_args()
    args.operators = args.operators or args.pairs

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * args.idle + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # Daphne inherits it

    tmp = Path(tempfile.mkdtemp(prefix="supportdesk-chat-bench-"))
    server: Server | None = None
    started = time.perf_counter()
    previous = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server = start_server(tmp, args)
        results = asyncio.run(run(server, args))
    except KeyboardInterrupt:
        _say("interrupted: cleaning up")
        return 130
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)

    out = {
        "benchmark": "chat-delivery",
        "what": "visitor socket -> Daphne (1 process) -> PostgreSQL -> Redis layer -> operator "
        "socket; latency from writing the send frame to the operator's message frame",
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "args": vars(args),
        "nofile_limit": wanted,
        "total_runtime_s": round(time.perf_counter() - started, 1),
        "scenarios": results,
    }
    print(json.dumps(out, indent=2))
    if args.json_path:
        Path(args.json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_path).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
