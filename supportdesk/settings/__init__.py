"""Settings are split: base (shared), local (make run), test (pytest), production (env only)."""
