"""Acceptable-use policies: rate limits, suspension, retention."""
