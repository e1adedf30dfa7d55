from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig

logger = logging.getLogger(__name__)


#: Worker processes keep their database connection between tasks (web processes do not: see
#: DEVELOPERS.md). A task binds its workspace with transaction-local settings only, so nothing
#: of one task survives into the next; a new PostgreSQL backend per task cost 6-11 ms (p50-p90,
#: connect + first query, measured on the 2-core dev VM) of every AI answer's latency.
WORKER_CONN_MAX_AGE = 600


def _warm(**_: Any) -> None:
    """Load the redaction engine and the language detector before the first task (the first
    message would otherwise wait ~2-4 s for them). Connected to ``worker_init`` too, which runs
    in the worker's main process before it forks its pool: the children then share the
    detector's ~320 MB of language models copy-on-write instead of loading one copy each."""
    try:
        from ai.features.translation import detector
        from redaction.engine import get_analyzer

        get_analyzer()
        detector().compute_language_confidence_values("warm up")
        _warm_sdks()
    except Exception:  # a cold start is slower, not broken
        logger.exception("warming the AI worker failed")


def _warm_sdks() -> None:
    """The SDKs import their resource modules on a client's first attribute access (~40 ms on
    the first call of each process): touch them once on throwaway clients (no request is made)."""
    import anthropic
    import openai

    with openai.OpenAI(api_key="warm-up", base_url="http://127.0.0.1:9/v1", max_retries=0) as oa:
        _ = (oa.chat.completions, oa.responses)
    with anthropic.Anthropic(api_key="warm-up", base_url="http://127.0.0.1:9", max_retries=0) as an:
        _ = an.messages


def _keep_connections() -> None:
    """Celery's Django fixup closes every database connection before and after every task
    (``DjangoWorkerFixup.close_database``, unless ``CELERY_DB_REUSE_MAX``), which defeated
    ``WORKER_CONN_MAX_AGE``: every task opened a new PostgreSQL backend with cold caches
    (+8-15 ms before an AI task's first query). Replace it with Django's own rule at request
    boundaries, ``close_old_connections()``: a connection is closed when it is older than
    ``CONN_MAX_AGE``, unusable after an error, or was left inside a transaction."""
    from django.db import close_old_connections

    from supportdesk.celery import app

    fixups = [f for f in getattr(app, "_fixups", None) or () if hasattr(f, "worker_fixup")]
    if not fixups:
        logger.warning("Celery's Django fixup not found: worker DB connections are not kept")
    for fixup in fixups:
        fixup.worker_fixup.close_database = lambda **_: close_old_connections()


def _worker_process(**_: Any) -> None:
    """Each pool child keeps its database connection between tasks; warm if not yet warm, and
    build this process's pooled HTTP client (its TLS context costs ~50 ms)."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections.settings[alias]
        if not settings_dict.get("OPTIONS", {}).get("pool"):
            settings_dict["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE
            connections[alias].settings_dict["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE
    _keep_connections()
    _warm()
    try:  # per process (never the parent's sockets): built here, not on the first call
        from ai.providers.base import http_client

        http_client()
    except Exception:
        logger.exception("warming the AI worker's HTTP client failed")


class AiConfig(AppConfig):
    name = "ai"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import worker_init, worker_process_init
        from django.db.models.signals import post_save

        from chat.hooks import on_message_created
        from chat.models import Conversation

        from .hooks import enqueue_on_message, enqueue_summary_on_resolve

        on_message_created(enqueue_on_message)
        post_save.connect(
            enqueue_summary_on_resolve, sender=Conversation, dispatch_uid="ai.summary_on_resolve"
        )
        worker_init.connect(_warm, dispatch_uid="ai.warm_worker_parent", weak=False)
        worker_process_init.connect(_worker_process, dispatch_uid="ai.warm_worker", weak=False)
