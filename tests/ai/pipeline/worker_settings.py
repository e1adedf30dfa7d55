"""Settings for worker processes started by the AI pipeline tests and the benchmark: the test
settings (which pin AI_ENDPOINTS to none), plus the endpoints given in the environment."""

from __future__ import annotations

import json
import os

from supportdesk.settings.test import *  # noqa: F403

AI_ENDPOINTS = json.loads(os.environ.get("AI_ENDPOINTS") or "[]")
