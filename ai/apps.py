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


def _warm_worker(**_: Any) -> None:
    """Load the redaction engine and the language detector once per worker process, before the
    first task (the first message would otherwise wait ~1.5 s for them), and keep this
    process's database connection between tasks."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections.settings[alias]
        if not settings_dict.get("OPTIONS", {}).get("pool"):
            settings_dict["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE
            connections[alias].settings_dict["CONN_MAX_AGE"] = WORKER_CONN_MAX_AGE
    try:
        from ai.features.translation import detector
        from redaction.engine import get_analyzer

        get_analyzer()
        detector()
    except Exception:  # a cold start is slower, not broken
        logger.exception("warming the AI worker failed")


class AiConfig(AppConfig):
    name = "ai"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import worker_process_init
        from django.db.models.signals import post_save

        from chat.hooks import on_message_created
        from chat.models import Conversation

        from .hooks import enqueue_on_message, enqueue_summary_on_resolve

        on_message_created(enqueue_on_message)
        post_save.connect(
            enqueue_summary_on_resolve, sender=Conversation, dispatch_uid="ai.summary_on_resolve"
        )
        worker_process_init.connect(_warm_worker, dispatch_uid="ai.warm_worker", weak=False)
