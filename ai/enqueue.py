"""Publishing a task to queue "ai" from the web process: one LPUSH over a kept Redis client.

``Task.apply_async`` costs ≈ 0.8 ms of CPU per message here (2-core dev VM), most of it kombu
building a new ``redis.Redis`` client (and its response-callback table) for every publish, then
routing, then the LPUSH; on the chat-jobs thread of a Daphne process, behind the event loop for
the GIL, that was ≈ 2.4 ms (p50) of every AI answer's latency. This writes the same message:

* headers, properties and body from Celery's own builder (``app.amqp.create_task_message``,
  task protocol 2) with the options ``apply_async`` would use (the task's time limits and
  ``ignore_result``), serialized with the app's task serializer;
* wrapped as kombu's virtual transport wraps it (``Channel.prepare_message`` and
  ``_inplace_augment_message``: base64 body, a delivery tag, the anonymous exchange with the
  queue as routing key, as Celery publishes to a direct queue) and LPUSHed to the queue's key
  for priority 0, as ``kombu.transport.redis.Channel._put`` does.

``tests/ai/features/test_enqueue.py`` holds it to what ``apply_async`` writes, field by field;
``tests/ai/pipeline/test_worker.py`` runs messages published here in a real worker. Only for the
broker the settings derive from ``REDIS_URL`` (``supportdesk.settings.env.celery_url``) and
without transport options that change key names; anything else goes through ``apply_async``.
"""

from __future__ import annotations

import base64
import os
import threading
from typing import Any

import redis
from celery import Task
from celery.utils import uuid
from django.conf import settings
from kombu import serialization
from kombu.utils.json import dumps
from redis.backoff import NoBackoff
from redis.retry import Retry

from supportdesk.settings.env import celery_url, redis_location

#: A publish waits this long at most for Redis; on failure the caller falls back to apply_async.
TIMEOUT_SECONDS = 2.0
#: kombu's Redis transport: transport options that rename or prefix the keys it reads.
_KEY_OPTIONS = ("global_keyprefix", "sep", "priority_steps")

_lock = threading.Lock()
_clients: dict[tuple[int, str], redis.Redis] = {}


def _broker_client() -> redis.Redis | None:
    """This process's client for the broker, or None when the broker is not the one
    ``REDIS_URL`` names (then ``apply_async`` publishes)."""
    redis_url = getattr(settings, "REDIS_URL", "")
    broker = celery_url(redis_url, settings.REDIS_DB_BROKER) if redis_url else None
    if broker is None or broker != settings.CELERY_BROKER_URL:
        return None
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    if any(option in options for option in _KEY_OPTIONS):
        return None
    url = redis_location(redis_url, settings.REDIS_DB_BROKER)
    key = (os.getpid(), url)  # a forked child never writes on its parent's socket
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = redis.Redis.from_url(
                    url,
                    socket_timeout=TIMEOUT_SECONDS,
                    socket_connect_timeout=TIMEOUT_SECONDS,
                    retry=Retry(NoBackoff(), 0),
                )
    return client


def task_payload(task: Task, kwargs: dict[str, Any], queue: str, *, task_id: str) -> bytes:
    """The bytes kombu's Redis transport LPUSHes for ``task.apply_async(kwargs=kwargs,
    queue=queue, task_id=task_id)`` (a fresh delivery tag), for a task sent outside any task."""
    app = task.app
    message = app.amqp.create_task_message(
        task_id,
        task.name,
        (),
        kwargs,
        reply_to=app.thread_oid,
        time_limit=task.time_limit,
        soft_time_limit=task.soft_time_limit,
        create_sent_event=app.conf.task_send_sent_event,
        ignore_result=task.ignore_result,
    )
    content_type, content_encoding, body = serialization.dumps(
        message.body, serializer=task.serializer or app.conf.task_serializer
    )
    raw = body if isinstance(body, bytes) else body.encode(content_encoding or "utf-8")
    properties = {
        **message.properties,
        "delivery_mode": 2,
        "delivery_info": {"exchange": "", "routing_key": queue},
        "priority": 0,
        "body_encoding": "base64",
        "delivery_tag": uuid(),
    }
    return dumps(
        {
            "body": base64.b64encode(raw).decode(),
            "content-encoding": content_encoding,
            "content-type": content_type,
            "headers": message.headers,
            "properties": properties,
        }
    ).encode()


def publish(task: Task, kwargs: dict[str, Any], queue: str) -> str:
    """Send ``task`` with ``kwargs`` to ``queue``; returns the task id. One LPUSH; through
    ``apply_async`` when this broker cannot be written to directly or the LPUSH failed."""
    client = _broker_client()
    if client is not None:
        task_id = uuid()
        try:
            client.lpush(queue, task_payload(task, kwargs, queue, task_id=task_id))
            return task_id
        except redis.RedisError:
            pass  # a broken kept connection: kombu's pool connects afresh
    return str(task.apply_async(kwargs=kwargs, queue=queue).id)


def reset() -> None:
    """Close and forget this process's clients (tests)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()
