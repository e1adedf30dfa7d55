from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig

logger = logging.getLogger(__name__)


def _warm_worker(**_: Any) -> None:
    """Load the redaction engine and the language detector once per worker process, before the
    first task (the first message would otherwise wait ~1.5 s for them)."""
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
