"""Redaction engine: nothing personal reaches an AI provider (issue 3)."""
