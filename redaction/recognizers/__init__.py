"""One Presidio recognizer per file. A module that exposes ``RECOGNIZER = SomeRecognizer`` is
loaded by the engine for every message; recognizers built per conversation (known participants,
a workspace's deny-patterns) are constructed by the engine from the context instead."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def discover() -> list[type[Any]]:
    """Every module-level RECOGNIZER in this package, in module-name order."""
    classes: list[type[Any]] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        recognizer = getattr(module, "RECOGNIZER", None)
        if recognizer is not None:
            classes.append(recognizer)
    return classes
